#include "cordon/store/stats_json.h"

#include "cordon/util/json_writer.h"

namespace cordon {

std::string StoreStatsJson(const StoreStats& s) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("entities").BeginObject();
  for (const auto& [kind, n] : s.entities) w.Field(kind, n);
  w.EndObject();
  w.Key("platforms").BeginObject();
  for (const auto& [p, n] : s.by_platform) w.Field(p, n);
  w.EndObject();
  w.Field("messages", s.messages).Field("forwarded", s.forwarded).Field("media", s.media);
  w.Field("links", s.links).Field("memberships", s.memberships).Field("invites", s.invites);
  w.Field("takedowns", s.takedowns).Field("reinstatements", s.reinstatements);
  w.Field("rejected", s.rejected).Field("weird", s.weird).Field("files", s.files);
  w.Key("weird_by_name").BeginObject();
  for (const auto& [name, n] : s.weird_by_name) w.Field(name.empty() ? "unnamed" : name, n);
  w.EndObject();
  w.EndObject();
  return out;
}

}  // namespace cordon
