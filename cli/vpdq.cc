// cordon vpdq hash [--seconds-per-hash S] [--signal] [-o FILE] VIDEO
// cordon vpdq compare [--json] [--distance D] [--quality Q] [--query-percent P]
//                     [--target-percent P] [--seconds-per-hash S] QUERY TARGET
//
// hash: the video's frames in the reference's hash-file form ("frame,quality,pdq,timestamp" a
// line, what vpdq-hash-video writes) or, with --signal, ThreatExchange's vPDQ signal (JSON).
// compare: two videos by vPDQ (content/vpdq.h has the rule). Each side is a video file or a
// hash file in the reference's form. Exit 0 whether or not they match; 1 when a side cannot be
// read.
#include <fmt/core.h>

#include <cstdio>

#include "command.h"
#include "cordon/content/video.h"
#include "cordon/content/vpdq.h"
#include "cordon/util/json_writer.h"

namespace cordon::cli {
namespace {

struct Args {
  std::string query, target, video_file, output;
  bool json = false, signal = false;
  VpdqMatchOptions match;
  VideoHashOptions video;
};

int Hash(const Args& a) {
  auto frames = VpdqFromFile(a.video_file, a.video);
  if (!frames.ok()) return Fail(frames.status().ToString());
  const std::string text =
      a.signal ? FormatVpdqSignal(*frames) + "\n" : FormatVpdqHashFile(*frames);
  std::FILE* out = stdout;
  if (!a.output.empty()) {
    out = std::fopen(a.output.c_str(), "wb");
    if (out == nullptr) return Fail("cannot write " + a.output);
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  if ((out != stdout ? std::fclose(out) : std::fflush(out)) != 0 || !written) {
    return Fail("cannot write " + (a.output.empty() ? std::string("standard output") : a.output));
  }
  return 0;
}

std::function<int()> Setup(CLI::App& app) {
  auto a = std::make_shared<Args>();
  app.require_subcommand(1);
  CLI::App* hash =
      app.add_subcommand("hash", "The vPDQ frames of a video, as the reference writes");
  hash->add_option("video", a->video_file, "video file")->required();
  hash->add_option("--output,-o", a->output, "file to write (default: standard output)");
  hash->add_flag("--signal", a->signal,
                 "ThreatExchange's vPDQ signal (JSON list of \"pdq,quality,timestamp\")");
  hash->add_option("--seconds-per-hash", a->video.seconds_per_hash,
                   "hash one frame every S seconds (0: every frame)")
      ->check(NumberAtLeast(0));
  CLI::App* cmp = app.add_subcommand("compare", "Compare two videos (or vPDQ hash files)");
  cmp->add_option("query", a->query, "video or hash file")->required();
  cmp->add_option("target", a->target, "video or hash file")->required();
  cmp->add_flag("--json", a->json, "print {match, query_match_percent, target_match_percent}");
  cmp->add_option("--distance", a->match.distance,
                  "frames match under this PDQ distance (default 31)")
      ->check(CLI::Range(1, 257));
  cmp->add_option("--quality", a->match.quality,
                  "leave out frames of quality under this (default 50)")
      ->check(CLI::Range(0, 101));
  cmp->add_option("--query-percent", a->match.query_percent,
                  "share of the query's frames that must match (default 80)")
      ->check(NumberInRange(0, 100));
  cmp->add_option("--target-percent", a->match.target_percent,
                  "share of the target's frames that must match (default 80; the reference's "
                  "Python signal type uses 0)")
      ->check(NumberInRange(0, 100));
  cmp->add_option("--seconds-per-hash", a->video.seconds_per_hash,
                  "videos: hash one frame every S seconds (0: every frame)")
      ->check(NumberAtLeast(0));
  return [a, cmp, hash]() -> int {
    if (hash->parsed()) return Hash(*a);
    if (!cmp->parsed()) return Fail("vpdq: expected a subcommand");
    auto query = VpdqFromVideoOrHashFile(a->query, a->video);
    if (!query.ok()) return Fail(query.status().ToString());
    auto target = VpdqFromVideoOrHashFile(a->target, a->video);
    if (!target.ok()) return Fail(target.status().ToString());
    const VpdqComparison c = CompareVpdq(*query, *target, a->match);
    if (a->json) {
      std::string out;
      JsonWriter w(out);
      w.BeginObject()
          .Field("match", c.match)
          .Field("query_match_percent", c.query_match_percent)
          .Field("target_match_percent", c.target_match_percent)
          .EndObject();
      fmt::print("{}\n", out);
    } else {
      fmt::print("{}  query {:.2f}% of {} frames, target {:.2f}% of {} frames\n",
                 c.match ? "match" : "no match", c.query_match_percent, query->size(),
                 c.target_match_percent, target->size());
    }
    return 0;
  };
}

CORDON_COMMAND(kVpdq, "vpdq", "Video hashes (vPDQ): hash a video, compare two", Setup);

}  // namespace
}  // namespace cordon::cli
