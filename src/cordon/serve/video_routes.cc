#include "cordon/serve/video_routes.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "cordon/content/vpdq_index.h"
#include "cordon/serve/v1_routes.h"
#include "cordon/store/serve_tables.h"
#include "cordon/store/store.h"
#include "cordon/util/digest.h"
#include "cordon/util/json_writer.h"

namespace cordon::serve {
namespace {

// One bank's videos, indexed, with the bank content id of each.
struct VpdqBank {
  int64_t version = -1;
  VpdqIndex index;
  std::vector<int64_t> ids;
};

// The signal of a lookup: ThreatExchange's JSON array, or the reference's hash file text.
StatusOr<std::vector<VpdqFrame>> ParseLookupSignal(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::InvalidArgument("vpdq signal is empty");
  if (s[first] == '[') return ParseVpdqSignal(s);
  auto frames = ParseVpdqHashFile(s, "signal");
  if (!frames.ok()) return Status::InvalidArgument(frames.status().message());
  if (frames->empty()) return Status::InvalidArgument("vpdq signal has no frames");
  if (frames->size() > kMaxVpdqSignalFrames) {
    return Status::InvalidArgument("vpdq signal has more than " +
                                   std::to_string(kMaxVpdqSignalFrames) + " frames");
  }
  return frames;
}

}  // namespace

struct VideoRoutes::Impl {
  explicit Impl(VideoRouteOptions o) : options(std::move(o)) {}

  // Waits for a hashing slot; the slot is given back when the returned guard goes.
  struct Slot {
    Impl* impl;
    ~Slot() {
      {
        std::lock_guard lock(impl->slots_mu);
        --impl->hashing;
      }
      impl->slots_cv.notify_one();
    }
  };
  Slot TakeSlot() {
    std::unique_lock lock(slots_mu);
    slots_cv.wait(lock, [&] { return hashing < std::max(1, options.max_hashing); });
    ++hashing;
    return Slot{this};
  }

  // The bank's index as of `version`, read from the store when the cached one is older.
  StatusOr<std::shared_ptr<const VpdqBank>> Bank(const std::string& name, int64_t version) {
    std::lock_guard lock(banks_mu);
    auto it = banks.find(name);
    if (it != banks.end() && it->second->version == version) return it->second;
    if (store == nullptr) {
      ASSIGN_OR_RETURN(store, Store::Open(options.db, OpenMode::kExisting));
    }
    auto bank = std::make_shared<VpdqBank>();
    bank->version = version;
    std::vector<std::vector<VpdqFrame>> videos;
    RETURN_IF_ERROR(ForEachBankSignalId(*store, name, "vpdq", [&](int64_t id, std::string_view s) {
      auto frames = ParseVpdqSignal(s);
      if (!frames.ok()) return Status::Ok();  // stored signals are canonical; skip if not
      videos.push_back(std::move(*frames));
      bank->ids.push_back(id);
      return Status::Ok();
    }));
    bank->index = VpdqIndex(videos, options.match);
    banks[name] = bank;
    return std::shared_ptr<const VpdqBank>(bank);
  }

  VideoRouteOptions options;
  std::mutex slots_mu;
  std::condition_variable slots_cv;
  int hashing = 0;
  std::mutex banks_mu;  // guards banks and store
  std::map<std::string, std::shared_ptr<const VpdqBank>> banks;
  std::unique_ptr<Store> store;
};

VideoRoutes::VideoRoutes(VideoRouteOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

VideoRoutes::~VideoRoutes() = default;

void VideoRoutes::Hash(const httplib::Request& req, httplib::Response& res) {
  const auto file = req.get_file_value("video");
  if (SniffVideoFormat(std::string_view(file.content).substr(0, 512)) == VideoFormat::kUnknown) {
    return SendError(res, 400, "the file is not a video (no container cordon reads)");
  }
  if (!VideoSupported()) {
    return SendError(res, 501, "this build of cordon has no video support");
  }
  VideoHashOptions options = impl_->options.video;
  if (req.has_param("seconds_per_hash")) {
    const std::string v = req.get_param_value("seconds_per_hash");
    char* end = nullptr;
    const double s = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(s) || s < 0) {
      return SendError(res, 400, "seconds_per_hash must be a number of seconds, at least 0");
    }
    options.seconds_per_hash = s;
  }
  StatusOr<std::vector<VpdqFrame>> frames = std::vector<VpdqFrame>();
  {
    Impl::Slot slot = impl_->TakeSlot();
    frames = VpdqFromBytes(file.content, file.filename.empty() ? "video" : file.filename, options);
  }
  if (!frames.ok()) {
    const int status = frames.status().code() == StatusCode::kResourceExhausted ? 413 : 400;
    return SendError(res, status, "the video could not be hashed: " + frames.status().message());
  }
  const Digests d = DigestBytes(file.content);
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  WriteVpdqJson(w.Key("vpdq"), *frames);
  w.Field("vpdq_signal", FormatVpdqSignal(*frames)).Field("md5", d.md5).Field("sha256", d.sha256);
  w.EndObject();
  SendJson(res, 200, std::move(out));
}

void VideoRoutes::Lookup(const httplib::Request& req, httplib::Response& res,
                         std::string_view signal, const LookupSnapshot& snapshot) {
  auto query = ParseLookupSignal(signal);
  if (!query.ok()) return SendError(res, 400, "invalid signal: " + query.status().message());
  const std::vector<std::string> only = SplitBankList(req.get_param_value("banks"));
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  for (const auto& [name, entry] : snapshot.banks) {
    if (!entry.enabled) continue;
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    auto bank = impl_->Bank(name, entry.bank->version);
    if (!bank.ok()) return SendError(res, 500, bank.status().ToString());
    if ((*bank)->ids.empty()) continue;
    const std::vector<VpdqHit> hits = (*bank)->index.Query(*query);
    if (hits.empty()) continue;
    w.Key(name).BeginArray();
    for (const VpdqHit& h : hits) {
      w.BeginObject()
          .Field("bank_content_id", (*bank)->ids[h.video])
          .Field("distance", std::to_string(std::lround(100 - h.query_match_percent)))
          .Field("query_match_percent", h.query_match_percent)
          .Field("target_match_percent", h.target_match_percent)
          .EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  SendJson(res, 200, std::move(out));
}

}  // namespace cordon::serve
