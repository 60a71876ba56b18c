// The small network fixture (testdata/network/world.ndjson, written by make_world.py) as
// events, and helpers shared by the network tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cordon/ingest/importer.h"
#include "cordon/network/build.h"
#include "test_util.h"

namespace cordon::network::testing {

class CollectingSink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location&) override {
    events.push_back(std::move(e));
    return Status::Ok();
  }
  void OnReject(const Location& where, std::string_view reason) override {
    ADD_FAILURE() << where.ToString() << ": " << reason;
  }
  void OnWeird(std::string_view, std::string_view, const Location&) override {}
  std::vector<Event> events;
};

inline std::string WorldPath() {
  return (cordon::testing::SourceDir() / "testdata/network/world.ndjson").string();
}

// The fixture's events in replay order.
inline std::vector<Event> WorldEvents() {
  CollectingSink sink;
  Status s = MakeNativeImporter()->Import(InputFile{WorldPath()}, ImportLimits{}, sink);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::stable_sort(sink.events.begin(), sink.events.end(), EventBefore);
  return std::move(sink.events);
}

inline Network WorldNetwork(const BuildOptions& options = {}) {
  NetworkBuilder b(options);
  for (const Event& e : WorldEvents()) b.Add(e);
  return b.Take();
}

// The edge from -> to of `kind`, or nullptr.
inline const Edge* FindEdge(const Network& net, std::string_view from, std::string_view to,
                            EdgeKind kind) {
  const int32_t a = net.Find(from), b = net.Find(to);
  if (a < 0 || b < 0) return nullptr;
  const int32_t e = net.FindEdge(a, b, kind);
  return e < 0 ? nullptr : &net.edge(e);
}

}  // namespace cordon::network::testing
