// Fault injection in leveldb's manner (issue #12): an ingest with its enforcement stage, as
// `cordon ingest` runs it, goes through a VFS shim (fault_vfs.h) that
//   - fails every write, truncation and sync from write k on (a failing disk), or
//   - saves what a process crash and a power loss at write k would leave on disk.
// Whatever the point k, the database left behind must open, pass SQLite's integrity check and
// hold exactly the events of a clean ingest's commit (the last one before k, or later, for a
// crash or an I/O error, which lose nothing committed; any earlier one for a power loss, since
// the store syncs its log only at checkpoints), with detections either marked stale or equal
// to a replay. Ingesting the same input again must then give exactly the clean store,
// detections included and current.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cordon/enforce/stage.h"
#include "cordon/ingest/ingest.h"
#include "cordon/ledger/ledger.h"
#include "cordon/sim/simulator.h"
#include "cordon/util/digest.h"
#include "store/fault_vfs.h"
#include "test_util.h"

namespace cordon {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBatch = 500;
// Small enough for checkpoints (the only syncs under synchronous=NORMAL) to happen mid-ingest.
constexpr int kCheckpointPages = 200;
// Write numbers tried per mode. Under the sanitizers every point costs ~20 s on 2 cores, and that
// build is there for memory errors, not for coverage of the points: `make test` tries all 12.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORDON_FAULT_UNDER_ASAN 1
#endif
#endif
#ifdef CORDON_FAULT_UNDER_ASAN
constexpr int kPoints = 4;
#else
constexpr int kPoints = 12;
#endif

StoreOptions Options() {
  StoreOptions o;
  o.checkpoint_pages = kCheckpointPages;
  return o;
}

// Drops the detections: they are written by the stage's own commits, and checked apart.
std::string Events(const std::string& dump) {
  std::string out;
  size_t start = 0;
  while (start < dump.size()) {
    size_t end = dump.find('\n', start);
    if (end == std::string::npos) end = dump.size();
    std::string_view line(dump.data() + start, end - start);
    if (line.rfind("regen_detections|", 0) != 0) out.append(line).push_back('\n');
    start = end + 1;
  }
  return out;
}

std::string Sha(const std::string& s) { return DigestBytes(s).sha256; }

std::string DetectionLines(const std::vector<enforce::RegenDetection>& v) {
  std::string out;
  for (const auto& d : v) enforce::AppendDetectionJson(out, d), out += '\n';
  return out;
}

class FaultInjection : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    sim::SimOptions o;
    o.out_dir = dir_->File("w");
    o.seed = 7301;
    o.scale = sim::Scale::kSmall;
    o.media = sim::MediaMode::kNone;
    o.telegram_exports = false;
    o.days = 30;
    ASSERT_TRUE(sim::Simulate(o).ok());
    // Two input files, so that a file's completion (marked in the store) falls mid-run.
    std::ifstream in(dir_->File("w/events.ndjson"));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_GT(lines.size(), 4 * kBatch);
    const size_t cut = lines.size() * 3 / 5;
    std::string a, b;
    for (size_t i = 0; i < lines.size(); ++i) (i < cut ? a : b) += lines[i] + '\n';
    inputs_ = new std::vector<std::string>{dir_->File("a.ndjson"), dir_->File("b.ndjson")};
    testing::WriteFile((*inputs_)[0], a);
    testing::WriteFile((*inputs_)[1], b);

    // The clean run, through the shim without faults: the events of every commit, in order,
    // with the number of writes done by then.
    commits_ = new std::vector<Commit>;
    {
      testing::FaultVfs vfs;
      const std::string db = dir_->File("clean.db");
      auto store = Store::Open(db, Options());
      ASSERT_TRUE(store.ok()) << store.status().ToString();
      auto empty = (*store)->Dump();
      ASSERT_TRUE(empty.ok());
      commits_->push_back({0, Sha(Events(*empty))});
      std::unique_ptr<Store> reader;
      auto after_commit = [&](int64_t) -> Status {
        if (reader == nullptr) {
          ASSIGN_OR_RETURN(reader, Store::Open(db, Options()));
        }
        ASSIGN_OR_RETURN(std::string dump, reader->Dump());
        commits_->push_back({vfs.writes(), Sha(Events(dump))});
        return Status::Ok();
      };
      ASSERT_TRUE(IngestWithStage(**store, after_commit).ok());
      reader.reset();
      auto dump = (*store)->Dump();
      ASSERT_TRUE(dump.ok());
      clean_ = new std::string(*dump);
      writes_ = vfs.writes();
      syncs_ = vfs.syncs();
    }
    ASSERT_GT(commits_->size(), 8u);
    ASSERT_GT(syncs_, 2) << "no checkpoint mid-ingest: the power-loss images would be trivial";
    ASSERT_NE(clean_->find("regen_detections|"), std::string::npos);
    ASSERT_NE(clean_->find("ledger|"), std::string::npos);
  }
  static void TearDownTestSuite() {
    delete clean_;
    delete commits_;
    delete inputs_;
    delete dir_;
  }

  struct Commit {
    int64_t writes;   // writes done when it returned
    std::string sha;  // of the events in the store then
  };

  // `cordon ingest` of the two inputs: ingest plus the enforcement stage, with a fixed clock so
  // that the ledger's mirrored takedowns are the same bytes every time.
  static Status IngestWithStage(Store& store,
                                std::function<Status(int64_t)> after_commit = nullptr) {
    static const ledger::FixedClock clock(1'700'000'000'000);
    ASSIGN_OR_RETURN(std::unique_ptr<enforce::EnforceStage> stage,
                     enforce::EnforceStage::Open(store, {}, &clock));
    IngestOptions opt;
    opt.batch_events = kBatch;
    opt.observer = [&](const Event& e) { return stage->OnEvent(e); };
    opt.after_commit = std::move(after_commit);
    RETURN_IF_ERROR(Ingest(store, *inputs_, opt).status());
    return stage->Finish();
  }

  // The write numbers to try: spread over the whole run, the first and last included.
  static std::vector<int64_t> Points() {
    std::vector<int64_t> points;
    for (int i = 0; i < kPoints; ++i) points.push_back(1 + i * (writes_ - 1) / (kPoints - 1));
    return points;
  }

  // Index of the last commit that had returned before write `k`.
  static size_t LastCommitBefore(int64_t k) {
    size_t last = 0;
    for (size_t i = 0; i < commits_->size(); ++i) {
      if ((*commits_)[i].writes < k) last = i;
    }
    return last;
  }

  // Checks a database left by a fault at write `k`: it opens, is intact, holds the events of
  // one clean commit (not older than the last one before k when nothing committed may be
  // lost), and its detections are stale or right. Then resumes it and compares with the clean
  // store.
  static void CheckAndResume(const std::string& db, int64_t k, bool keeps_commits,
                             std::vector<size_t>* found_commits = nullptr) {
    SCOPED_TRACE("fault at write " + std::to_string(k) + " of " + std::to_string(writes_) +
                 ", database " + db);
    auto store = Store::Open(db, Options());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_TRUE((*store)->CheckIntegrity().ok()) << (*store)->CheckIntegrity().ToString();
    auto dump = (*store)->Dump();
    ASSERT_TRUE(dump.ok());
    const std::string sha = Sha(Events(*dump));
    auto at = std::find_if(commits_->begin(), commits_->end(),
                           [&](const Commit& c) { return c.sha == sha; });
    ASSERT_NE(at, commits_->end()) << "the events are no clean commit's";
    const auto index = static_cast<size_t>(at - commits_->begin());
    if (keeps_commits) {
      EXPECT_GE(index, LastCommitBefore(k)) << "a committed batch was lost";
    }
    if (found_commits != nullptr) found_commits->push_back(index);
    auto current = (*store)->DetectionsCurrent();
    ASSERT_TRUE(current.ok());
    if (*current) {
      auto stored = enforce::LoadDetections(**store);
      auto replayed = enforce::ReplayDetections(**store, {});
      ASSERT_TRUE(stored.ok() && replayed.ok());
      EXPECT_EQ(DetectionLines(*stored), DetectionLines(*replayed))
          << "detections marked current differ from a replay";
    }

    Status resumed = IngestWithStage(**store);
    ASSERT_TRUE(resumed.ok()) << resumed.ToString();
    auto after = (*store)->Dump();
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(*after == *clean_) << "the resumed store differs from a clean ingest";
    auto now_current = (*store)->DetectionsCurrent();
    EXPECT_TRUE(now_current.ok() && *now_current);
  }

  static testing::TempDir* dir_;
  static std::vector<std::string>* inputs_;
  static std::vector<Commit>* commits_;
  static std::string* clean_;
  static int64_t writes_;
  static int64_t syncs_;
};

testing::TempDir* FaultInjection::dir_ = nullptr;
std::vector<std::string>* FaultInjection::inputs_ = nullptr;
std::vector<FaultInjection::Commit>* FaultInjection::commits_ = nullptr;
std::string* FaultInjection::clean_ = nullptr;
int64_t FaultInjection::writes_ = 0;
int64_t FaultInjection::syncs_ = 0;

// The disk fails from write k on: the ingest stops with an error, never a crash, and loses
// nothing it had committed.
TEST_F(FaultInjection, WritesFailFromAPointOn) {
  std::vector<size_t> found;
  for (int64_t k : Points()) {
    const fs::path run = dir_->path() / ("fail-" + std::to_string(k));
    fs::create_directories(run);
    const std::string db = (run / "s.db").string();
    {
      testing::FaultVfs vfs;
      vfs.FailFrom(k);
      auto store = Store::Open(db, Options());
      if (store.ok()) {
        Status st = IngestWithStage(**store);
        EXPECT_FALSE(st.ok()) << "write " << k << " failed and the ingest said nothing";
        if (!st.ok()) {
          EXPECT_NE(st.ToString().find(db), std::string::npos)
              << "the error does not name the database: " << st.ToString();
        }
      }
    }
    CheckAndResume(db, k, /*keeps_commits=*/true, &found);
  }
  std::cout << "[ fault    ] " << Points().size() << " failing points over " << writes_
            << " writes; states found at commits";
  for (size_t i : found) std::cout << ' ' << i;
  std::cout << " of " << commits_->size() - 1 << '\n';
}

// A process crash or a power loss at write k: every image is a clean commit's store and
// resumes to the clean store.
TEST_F(FaultInjection, CrashAndPowerLossImages) {
  std::vector<size_t> crash_found, power_found;
  for (int64_t k : Points()) {
    const fs::path run = dir_->path() / ("image-" + std::to_string(k));
    fs::create_directories(run / "crash");
    fs::create_directories(run / "power");
    {
      testing::FaultVfs vfs;
      vfs.ImageAt(k, (run / "crash").string(), (run / "power").string());
      auto store = Store::Open((run / "s.db").string(), Options());
      ASSERT_TRUE(store.ok());
      ASSERT_TRUE(IngestWithStage(**store).ok());
      ASSERT_TRUE(vfs.imaged()) << "the run did only " << vfs.writes() << " writes";
    }
    CheckAndResume((run / "crash" / "s.db").string(), k, /*keeps_commits=*/true, &crash_found);
    CheckAndResume((run / "power" / "s.db").string(), k, /*keeps_commits=*/false, &power_found);
  }
  auto print = [&](const char* what, const std::vector<size_t>& found) {
    std::cout << "[ fault    ] " << what << " images at " << Points().size() << " points over "
              << writes_ << " writes (" << syncs_ << " syncs): states at commits";
    for (size_t i : found) std::cout << ' ' << i;
    std::cout << " of " << commits_->size() - 1 << '\n';
  };
  print("crash", crash_found);
  print("power-loss", power_found);
}

// A takedown recorded by hand (cordon takedown opens the store with RecordingOptions) survives
// a power loss right after its commit; a bulk-ingest connection's commit need not.
TEST_F(FaultInjection, RecordedDecisionsSurviveAPowerLoss) {
  for (bool durable : {true, false}) {
    SCOPED_TRACE(durable ? "durable" : "bulk");
    const fs::path run = dir_->path() / (durable ? "durable" : "bulk");
    fs::create_directories(run / "crash");
    fs::create_directories(run / "power");
    const std::string db = (run / "s.db").string();
    fs::copy_file(dir_->File("clean.db"), db);
    testing::FaultVfs vfs;
    {
      StoreOptions options = durable ? RecordingOptions() : StoreOptions{};
      auto store = Store::Open(db, options);
      ASSERT_TRUE(store.ok());
      ledger::FixedClock clock(1'700'000'000'000);
      ledger::Ledger ledger(**store, &clock);
      ASSERT_TRUE((*store)->Begin().ok());
      ledger::TakedownRequest r;
      r.entity = "telegram:user999999";
      r.time = 1'600'000'000'000;
      r.reason = "recorded by hand";
      r.source = "referral";
      r.decided_by = "tester";
      auto entry = ledger.Takedown(r);
      ASSERT_TRUE(entry.ok()) << entry.status().ToString();
      ASSERT_TRUE((*store)->Commit().ok());
      // The power goes at the next write, whatever it is.
      vfs.ImageAt(vfs.writes() + 1, (run / "crash").string(), (run / "power").string());
      ASSERT_TRUE((*store)->Begin().ok());
      ASSERT_TRUE((*store)->AddWeird(Location{"x", 1}, "test", "after").ok());
      ASSERT_TRUE((*store)->Commit().ok());
    }
    ASSERT_TRUE(vfs.imaged());
    auto image = Store::Open((run / "power" / "s.db").string(), OpenMode::kExisting);
    ASSERT_TRUE(image.ok());
    auto dump = (*image)->Dump();
    ASSERT_TRUE(dump.ok());
    const bool kept = dump->find("recorded by hand") != std::string::npos;
    if (durable) {
      EXPECT_TRUE(kept) << "a recorded takedown was lost in a power loss";
    } else {
      EXPECT_FALSE(kept) << "the control: without syncs the power loss should lose it";
    }
  }
}

}  // namespace
}  // namespace cordon
