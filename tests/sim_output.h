// Reading a simulator's output in tests. Tests of the simulator and evaluations may read
// truth.json; detectors never do.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cordon::testing {

struct SimTruth {
  std::set<std::string> network_chats;   // channels and groups of the network, replacements too
  std::vector<std::string> action_days;  // YYYY-MM-DD
};

inline SimTruth ReadSimTruth(const std::filesystem::path& dir) {
  SimTruth t;
  simdjson::dom::parser parser;
  simdjson::dom::element truth;
  EXPECT_EQ(parser.load((dir / "truth.json").string()).get(truth), simdjson::SUCCESS);
  for (auto e : truth["entities"].get_array()) {
    bool network = false;
    const std::string_view kind = e["kind"].get_string().value_unsafe();
    if (e["network"].get(network) == simdjson::SUCCESS && network &&
        (kind == "channel" || kind == "group")) {
      t.network_chats.emplace(e["key"].get_string().value_unsafe());
    }
  }
  for (auto d : truth["parameters"]["action_days"].get_array()) {
    t.action_days.emplace_back(d.get_string().value_unsafe());
  }
  EXPECT_FALSE(t.network_chats.empty());
  return t;
}

// A message or takedown line of events.ndjson, as the counting tests need it.
struct SimEvent {
  bool message = false;  // else a takedown
  std::string_view time;
  std::string_view chat;   // messages
  bool forwarded = false;  // messages with a forward origin
};

// Calls fn(const SimEvent&) for every message and takedown in DIR/events.ndjson, in order.
template <typename Fn>
void ForEachMessageOrTakedown(const std::filesystem::path& dir, Fn fn) {
  simdjson::dom::parser parser;
  std::ifstream in(dir / "events.ndjson");
  std::string line;
  while (std::getline(in, line)) {
    const bool message = line.starts_with(R"({"type":"message")");
    if (!message && !line.starts_with(R"({"type":"takedown")")) continue;
    simdjson::dom::element ev;
    if (parser.parse(line).get(ev) != simdjson::SUCCESS) {
      ADD_FAILURE() << "unparsable line: " << line.substr(0, 80);
      continue;
    }
    SimEvent e;
    e.message = message;
    e.time = ev["time"].get_string().value_unsafe();
    if (message) {
      e.chat = ev["chat"].get_string().value_unsafe();
      e.forwarded = ev["forward"].error() == simdjson::SUCCESS;
    }
    fn(e);
  }
}

}  // namespace cordon::testing
