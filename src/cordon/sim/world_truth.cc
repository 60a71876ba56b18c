// truth.json (world_truth.h): written section by section into a buffer that is drained to the
// file every few megabytes, so its size does not bound memory. The keys and their order are the
// format, cordon-sim-truth/1 (docs/simulation.md).
#include "cordon/sim/world_truth.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>

#include "cordon/util/json_writer.h"
#include "cordon/util/time.h"

namespace cordon::sim::world {
namespace {

class TruthWriter {
 public:
  TruthWriter(std::FILE* f, const WorldConfig& cfg, const SimSummary& summary, const WorldState& st,
              const MediaStore& media)
      : f_(f),
        cfg_(cfg),
        sp_(cfg.scale),
        dp_(cfg.dyn),
        ap_(cfg.action),
        summary_(summary),
        st_(st),
        media_(media) {}

  // The whole file; false when a write failed.
  bool Write() {
    // cordon_output first: readers such as ingest tell cordon's own files by their head.
    b_ +=
        "{\n\"cordon_output\": \"sim-truth\",\n\"format\": "
        "\"cordon-sim-truth/1\",\n\"parameters\": ";
    Obj([&](JsonWriter& w) { Parameters(w); });
    // Entities: every chat and account with its role.
    List(",\n\"entities\": [");
    Entities();
    List("\n],\n\"mirror_relations\": [");
    MirrorRelations();
    List("\n],\n\"regenerations\": [");
    Regenerations(st_.regenerations);
    List("\n],\n\"benign_relaunches\": [");
    Regenerations(st_.relaunches);
    List("\n],\n\"lookalikes\": [");
    Lookalikes();
    List("\n],\n\"key_actors\": [");
    KeyActors();
    List("\n],\n\"migration_links\": [");
    MigrationLinks();
    List("\n],\n\"media\": [");
    MediaFiles();
    List("\n],\n\"exports\": [");
    Exports();
    b_ += "\n]\n}\n";
    return Drain() && ok_;
  }

 private:
  // One JSON object, filled by `fill(JsonWriter&)`, appended to the buffer.
  template <typename Fill>
  void Obj(Fill&& fill) {
    std::string s;
    JsonWriter w(s);
    w.BeginObject();
    fill(w);
    w.EndObject();
    b_ += s;
  }
  // Starts a list: `head` closes the previous one and opens this one.
  void List(std::string_view head) {
    b_ += head;
    first_ = true;
  }
  // Before each element of a list.
  void Sep() {
    b_ += first_ ? "\n" : ",\n";
    first_ = false;
  }
  // Drains the buffer once it is large.
  void Chunk() { ok_ = ok_ && (b_.size() < (4u << 20) || Drain()); }
  bool Drain() {
    const bool ok = std::fwrite(b_.data(), 1, b_.size(), f_) == b_.size();
    b_.clear();
    return ok;
  }

  void Parameters(JsonWriter& w) {
    const SimOptions& o = cfg_.options;
    w.Field("seed", static_cast<int64_t>(o.seed)).Field("scale", ScaleName(o.scale));
    w.Field("start", FormatDate(cfg_.start_ms)).Field("days", cfg_.days);
    w.Field("action", ActionPresetName(o.action)).Field("media", MediaModeName(o.media));
    w.Key("action_days").BeginArray();
    for (const std::string& d : summary_.action_days) w.String(d);
    w.EndArray();
    ScaleParameters(w);
    Dynamics(w);
    ActionParameters(w);
    ReplacementParameters(w);
  }

  // The family and the replacement parameters, only when not all default: a default run's
  // truth.json stays as it was before families existed.
  void ReplacementParameters(JsonWriter& w) {
    const DynamicsParams d;
    const bool same =
        dp_.naming_numbering == d.naming_numbering && dp_.naming_homoglyph == d.naming_homoglyph &&
        dp_.naming_separator == d.naming_separator && dp_.naming_emoji == d.naming_emoji &&
        dp_.naming_transliteration == d.naming_transliteration &&
        dp_.naming_unrelated == d.naming_unrelated && dp_.unrelated_fresh == d.unrelated_fresh &&
        dp_.avatar_new_unrelated == d.avatar_new_unrelated &&
        dp_.avatar_new_other == d.avatar_new_other && dp_.fresh_creator == d.fresh_creator &&
        dp_.backlog_share == d.backlog_share && dp_.advertised == d.advertised &&
        dp_.bot_factor == d.bot_factor && dp_.supporter_factor == d.supporter_factor;
    if (same && cfg_.options.family.empty()) return;
    w.Field("family", std::string_view(cfg_.options.family));
    w.Key("replacement_params").BeginObject();
    w.Field("naming_numbering", dp_.naming_numbering)
        .Field("naming_homoglyph", dp_.naming_homoglyph);
    w.Field("naming_separator", dp_.naming_separator).Field("naming_emoji", dp_.naming_emoji);
    w.Field("naming_transliteration", dp_.naming_transliteration)
        .Field("naming_unrelated", dp_.naming_unrelated);
    w.Field("unrelated_fresh", dp_.unrelated_fresh)
        .Field("avatar_new_unrelated", dp_.avatar_new_unrelated);
    w.Field("avatar_new_other", dp_.avatar_new_other).Field("fresh_creator", dp_.fresh_creator);
    w.Field("backlog_share", dp_.backlog_share).Field("advertised", dp_.advertised);
    w.Field("bot_factor", dp_.bot_factor).Field("supporter_factor", dp_.supporter_factor);
    w.EndObject();
  }

  void ScaleParameters(JsonWriter& w) {
    w.Key("scale_params").BeginObject();
    w.Field("mirrors", sp_.mirrors).Field("injectors", sp_.injectors).Field("admins", sp_.admins);
    w.Field("bots", sp_.bots).Field("supporters", sp_.supporters);
    w.Field("benign_channels", sp_.benign_channels).Field("benign_groups", sp_.benign_groups);
    w.Field("benign_users", sp_.benign_users).Field("journalists", sp_.journalists);
    w.Field("lookalikes", sp_.lookalikes).Field("benign_relaunches", sp_.benign_relaunches);
    w.Field("releases_per_day", sp_.releases_per_day).Field("image_size", sp_.image_size);
    w.Field("avatar_size", sp_.avatar_size).Field("max_edits", sp_.max_edits);
    w.Field("photo_pool", sp_.photo_pool).Field("viral_per_day", sp_.viral_per_day);
    w.Field("joined_network", sp_.joined_network).Field("joined_benign", sp_.joined_benign);
    w.Field("benign_posts_per_day", sp_.benign_posts_per_day);
    w.Field("benign_chat_per_member", sp_.benign_chat_per_member);
    w.EndObject();
  }

  void Dynamics(JsonWriter& w) {
    w.Key("dynamics").BeginObject();
    w.Field("hazard_chat", dp_.hazard_chat).Field("hazard_core", dp_.hazard_core);
    w.Field("hazard_bot", dp_.hazard_bot).Field("hazard_supporter", dp_.hazard_supporter);
    w.Field("hazard_admin", dp_.hazard_admin)
        .Field("hazard_journalist_error", dp_.hazard_journalist_error);
    w.Field("regen_chat", dp_.regen_chat).Field("regen_admin", dp_.regen_admin);
    w.Field("regen_bot", dp_.regen_bot).Field("regen_supporter", dp_.regen_supporter);
    w.Field("regen_delay_hours", dp_.regen_delay_hours)
        .Field("account_delay_hours", dp_.account_delay_hours);
    w.Field("regen_delay_sigma", dp_.regen_delay_sigma).Field("backlog", dp_.backlog);
    w.Field("follow", dp_.follow).Field("topup", dp_.topup).Field("group_share", dp_.group_share);
    w.Field("public_share", dp_.public_share).Field("admin_zipf", dp_.admin_zipf);
    w.Field("coadmin", dp_.coadmin).Field("subscribers_alpha", dp_.subscribers_alpha);
    w.Field("official_post", dp_.official_post).Field("injector_post", dp_.injector_post);
    w.Field("mirror_post", dp_.mirror_post).Field("reupload", dp_.reupload);
    w.Field("via_bot", dp_.via_bot).Field("supporter_rate", dp_.supporter_rate);
    w.Field("journalist_forward", dp_.journalist_forward);
    w.Field("migration_before", dp_.migration_before).Field("migration_after", dp_.migration_after);
    w.Field("ads_per_replacement", dp_.ads_per_replacement);
    w.Field("export_utc_offset_min", dp_.export_utc_offset_min);
    w.EndObject();
  }

  void ActionParameters(JsonWriter& w) {
    w.Key("action_params").BeginObject();
    w.Field("enabled", ap_.enabled);
    auto pair = [&](std::string_view k, const double* v) {
      w.Key(k).BeginArray().Double(v[0]).Double(v[1]).EndArray();
    };
    pair("chats", ap_.chats);
    pair("bots", ap_.bots);
    pair("supporters", ap_.supporters);
    pair("admins", ap_.admins);
    pair("key_admins", ap_.key_admins);
    w.Field("after_hazard", ap_.after_hazard).Field("after_regen", ap_.after_regen);
    w.Field("recovery", ap_.recovery).Field("activity", ap_.activity);
    w.Field("chatter", ap_.chatter);
    w.EndObject();
  }

  void Entities() {
    for (const Chat& c : st_.chats) {
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("key", std::string_view(c.key)).Field("kind", c.group ? "group" : "channel");
        w.Field("role", RoleName(c.role)).Field("network", c.network);
        if (c.role == Role::kReplacement) w.Field("replaces", RoleName(c.base));
        w.Field("name", std::string_view(c.name));
        w.Field("created", std::string_view(FormatRfc3339Ms(c.created)));
        if (c.down != kNever) w.Field("down", std::string_view(FormatRfc3339Ms(c.down)));
        if (c.parent >= 0)
          w.Field("parent", std::string_view(st_.chats[static_cast<size_t>(c.parent)].key));
        if (c.network) w.Field("lineage", static_cast<int64_t>(c.lineage));
        if (c.owner >= 0) w.Field("person", static_cast<int64_t>(c.owner));
      });
      Chunk();
    }
    for (const Account& a : st_.accounts) {
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("key", std::string_view(a.key)).Field("kind", a.bot ? "bot" : "user");
        w.Field("role", RoleName(a.role)).Field("network", a.network);
        w.Field("name", std::string_view(a.name));
        w.Field("created", std::string_view(FormatRfc3339Ms(a.created)));
        if (a.down != kNever) w.Field("down", std::string_view(FormatRfc3339Ms(a.down)));
        if (a.parent >= 0)
          w.Field("parent", std::string_view(st_.accounts[static_cast<size_t>(a.parent)].key));
        if (a.person >= 0) w.Field("person", static_cast<int64_t>(a.person));
      });
      Chunk();
    }
  }

  void MirrorRelations() {
    for (const Chat& c : st_.chats) {
      if (!c.network) continue;
      for (int32_t l : c.upstream) {
        // The source lineage's first chat names the relation; later generations inherit it.
        int32_t root = st_.lineages[static_cast<size_t>(l)].current;
        while (root >= 0 && st_.chats[static_cast<size_t>(root)].parent >= 0)
          root = st_.chats[static_cast<size_t>(root)].parent;
        if (root < 0) continue;
        Sep();
        Obj([&](JsonWriter& w) {
          w.Field("mirror", std::string_view(c.key));
          w.Field("source", std::string_view(st_.chats[static_cast<size_t>(root)].key));
          w.Field("source_lineage", static_cast<int64_t>(l));
        });
      }
      Chunk();
    }
  }

  void Regenerations(const std::vector<Regeneration>& list) {
    for (const Regeneration& r : list) {
      Sep();
      Obj([&](JsonWriter& w) {
        if (r.account) {
          const Account& c = st_.accounts[static_cast<size_t>(r.child)];
          const Account& p = st_.accounts[static_cast<size_t>(r.parent)];
          w.Field("child", std::string_view(c.key)).Field("parent", std::string_view(p.key));
          w.Field("kind", c.bot ? "bot" : "account");
          w.Field("created", std::string_view(FormatRfc3339Ms(c.created)));
          w.Field("parent_down", std::string_view(p.down == kNever ? "" : FormatRfc3339Ms(p.down)));
          w.Field("naming", NamingMethodName(r.method));
        } else {
          const Chat& c = st_.chats[static_cast<size_t>(r.child)];
          const Chat& p = st_.chats[static_cast<size_t>(r.parent)];
          w.Field("child", std::string_view(c.key)).Field("parent", std::string_view(p.key));
          w.Field("kind", c.group ? "group" : "channel");
          w.Field("created", std::string_view(FormatRfc3339Ms(c.created)));
          w.Field("parent_down", std::string_view(p.down == kNever ? "" : FormatRfc3339Ms(p.down)));
          w.Field("naming", NamingMethodName(r.method));
          w.Field("admin", std::string_view(r.admin)).Field("avatar", std::string_view(r.avatar));
          w.Field("invite", std::string_view("t.me/+" + c.invite));
        }
      });
      Chunk();
    }
  }

  void Lookalikes() {
    for (const Lookalike& l : st_.lookalikes) {
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("entity", std::string_view(st_.chats[static_cast<size_t>(l.chat)].key));
        w.Field("resembles", std::string_view(st_.chats[static_cast<size_t>(l.resembles)].key));
        w.Field("naming", std::string_view(l.method));
      });
    }
  }

  void KeyActors() {
    for (size_t i = 0; i < st_.chats.size(); ++i) {
      const Chat& c = st_.chats[i];
      if (!c.initial || (c.role != Role::kOfficial && c.role != Role::kInjector)) continue;
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("entity", std::string_view(c.key)).Field("role", RoleName(c.role));
        w.Field("why",
                c.role == Role::kOfficial ? "publishes the releases" : "posts releases first-hand");
      });
    }
    for (size_t i = 0; i < st_.persons.size(); ++i) {
      const Person& p = st_.persons[i];
      if (!p.key) continue;
      // The person's first account: the one that ran the chats at the start.
      int32_t a = p.account;
      while (a >= 0 && st_.accounts[static_cast<size_t>(a)].parent >= 0)
        a = st_.accounts[static_cast<size_t>(a)].parent;
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("entity", std::string_view(st_.accounts[static_cast<size_t>(a)].key))
            .Field("role", "admin");
        w.Field("why", "runs many mirrors").Field("chats", static_cast<int64_t>(p.chats));
        w.Field("person", static_cast<int64_t>(i));
      });
    }
  }

  void MigrationLinks() {
    for (const Destination& d : st_.destinations) {
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("link", std::string_view(d.link)).Field("platform", std::string_view(d.platform));
        w.Field("network", d.network);
        if (d.first != kNever) {
          w.Field("first_posted", std::string_view(FormatRfc3339Ms(d.first)));
          w.Field("first_chat", std::string_view(d.first_chat));
        }
        w.Field("posts_before_action", d.before).Field("posts_after_action", d.after);
      });
    }
  }

  void MediaFiles() {
    for (const auto& entry : media_.all()) {
      const auto& m = entry.second;  // not a structured binding: clang 14 cannot capture those
      Sep();
      Obj([&](JsonWriter& w) {
        static constexpr std::string_view kStyles[] = {"none", "release", "photo", "viral",
                                                       "video"};
        w.Field("sha256", std::string_view(m.sha256)).Field("pdq", std::string_view(m.pdq));
        w.Field("image", static_cast<int64_t>(m.image & ((uint64_t{1} << 40) - 1)));
        w.Field("source", kStyles[std::min<uint64_t>(4, m.image >> 40)]);
        w.Field("edit", m.video ? VideoEditName(m.video_edit) : EditName(m.edit));
        if (m.video) {
          w.Field("path", std::string_view(m.path));
          w.Field("frames", static_cast<int64_t>(m.frames));
        }
      });
      Chunk();
    }
  }

  void Exports() {
    for (int32_t c : st_.export_chats) {
      Sep();
      Obj([&](JsonWriter& w) {
        w.Field("chat", std::string_view(st_.chats[static_cast<size_t>(c)].key));
        w.Field("path", std::string_view("telegram/" +
                                         std::to_string(st_.chats[static_cast<size_t>(c)].id) +
                                         "/result.json"));
      });
    }
  }

  std::FILE* f_;
  const WorldConfig& cfg_;
  const ScaleParams& sp_;
  const DynamicsParams& dp_;
  const ActionParams& ap_;
  const SimSummary& summary_;
  const WorldState& st_;
  const MediaStore& media_;
  std::string b_;
  bool first_ = true;
  bool ok_ = true;
};

}  // namespace

Status WriteTruth(const std::string& path, const WorldConfig& cfg, const SimSummary& summary,
                  const WorldState& st, const MediaStore& media) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::IoError("cannot create file", Location{path});
  const bool ok = TruthWriter(f, cfg, summary, st, media).Write();
  if (std::fclose(f) != 0 || !ok) return Status::IoError("cannot write file", Location{path});
  return Status::Ok();
}

}  // namespace cordon::sim::world
