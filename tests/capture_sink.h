// An EventSink for importer tests: keeps every event, reject and weird with its location.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/ingest/importer.h"

namespace cordon::testing {

struct Captured {
  Location where;
  std::string text;
};

class CaptureSink final : public EventSink {
 public:
  Status OnEvent(Event&& e, const Location&) override {
    events.push_back(std::move(e));
    return Status::Ok();
  }
  void OnReject(const Location& w, std::string_view r) override {
    rejects.push_back({w, std::string(r)});
  }
  void OnWeird(std::string_view name, std::string_view what, const Location& w) override {
    weirds.push_back({w, std::string(what)});
    weird_names.emplace_back(name);
  }
  // The events of one type, in order.
  template <typename T>
  std::vector<T> Of() const {
    std::vector<T> out;
    for (const Event& e : events) {
      if (auto* v = std::get_if<T>(&e)) out.push_back(*v);
    }
    return out;
  }
  // Entity events by key (the last one wins).
  std::map<std::string, EntityEvent> Entities() const {
    std::map<std::string, EntityEvent> out;
    for (const auto& e : Of<EntityEvent>()) out[e.key] = e;
    return out;
  }
  std::vector<Event> events;
  std::vector<Captured> rejects, weirds;
  std::vector<std::string> weird_names;  // parallel to weirds
};

}  // namespace cordon::testing
