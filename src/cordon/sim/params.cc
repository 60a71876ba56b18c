#include "cordon/sim/params.h"

#include <cmath>
#include <variant>

namespace cordon::sim {

ScaleParams ScaleDefaults(Scale s) {
  ScaleParams p;
  switch (s) {
    case Scale::kSmall:
      // The demo: seconds to write, a few MB.
      p.mirrors = 60;
      p.injectors = 3;
      p.admins = 12;
      p.bots = 50;
      p.supporters = 220;
      p.benign_channels = 100;
      p.benign_groups = 12;
      p.benign_users = 150;
      p.journalists = 6;
      p.lookalikes = 16;
      p.benign_relaunches = 3;
      p.releases_per_day = 3;
      p.image_size = 192;
      p.avatar_size = 128;
      p.max_edits = 3;
      p.photo_pool = 40;
      p.viral_per_day = 0.3;
      p.joined_network = 10;
      p.joined_benign = 6;
      p.benign_posts_per_day = 1.2;
      break;
    case Scale::kMedium:
      p.mirrors = 300;
      p.injectors = 8;
      p.admins = 40;
      p.bots = 800;
      p.supporters = 4500;
      p.benign_channels = 1200;
      p.benign_groups = 150;
      p.benign_users = 3000;
      p.journalists = 30;
      p.lookalikes = 60;
      p.benign_relaunches = 12;
      p.releases_per_day = 6;
      p.image_size = 256;
      p.avatar_size = 128;
      p.max_edits = 5;
      p.photo_pool = 600;
      p.viral_per_day = 1;
      p.joined_network = 24;
      p.joined_benign = 16;
      break;
    case Scale::kLarge:
      // Sized for >= 10M messages and >= 100k entities: fewer, busier benign channels keep
      // the avatar work (one per chat) down; users are cheap.
      p.mirrors = 3000;
      p.injectors = 30;
      p.admins = 300;
      p.bots = 6000;
      p.supporters = 40000;
      p.benign_channels = 15000;
      p.benign_groups = 4000;
      p.benign_users = 100000;
      p.journalists = 150;
      p.lookalikes = 800;
      p.benign_relaunches = 100;
      p.releases_per_day = 6;
      p.image_size = 256;
      p.avatar_size = 128;
      p.max_edits = 5;
      p.photo_pool = 2000;
      p.viral_per_day = 3;
      p.joined_network = 24;
      p.joined_benign = 16;
      p.benign_posts_per_day = 4.0;
      break;
  }
  return p;
}

ActionParams ActionDefaults(ActionPreset a) {
  ActionParams p;
  p.name = std::string(ActionPresetName(a));
  switch (a) {
    case ActionPreset::kNov2019:
      p.enabled = true;
      p.chats[0] = 0.6;
      p.chats[1] = 0.85;
      p.bots[0] = 0.4;
      p.bots[1] = 0.85;
      p.supporters[0] = 0.33;
      p.supporters[1] = 0.76;
      p.admins[0] = 0.5;
      p.admins[1] = 0.8;
      p.key_admins[0] = 0.9;
      p.key_admins[1] = 1.0;
      p.after_hazard = 4;
      p.after_regen = 0.5;
      p.recovery = 0.04;
      p.activity = 0.9;
      p.chatter = 0.3;
      break;
    case ActionPreset::kOct2018:
      p.enabled = true;
      p.chats[0] = 0.03;
      p.chats[1] = 0.03;
      p.bots[0] = 0.12;
      p.bots[1] = 0.05;
      p.supporters[0] = 0.14;
      p.supporters[1] = 0.05;
      p.admins[0] = 0.05;
      p.admins[1] = 0.02;
      p.key_admins[0] = 0.1;
      p.key_admins[1] = 0.0;
      p.after_hazard = 1;
      p.after_regen = 0.85;
      p.recovery = 0.9;
      p.activity = 1.0;
      p.chatter = 0.95;
      break;
    case ActionPreset::kNone:
      break;
  }
  return p;
}

namespace {

// A settable parameter: where it lives and its allowed range.
struct ParamRef {
  std::string name;
  std::variant<int*, double*> target;
  double lo, hi;
};

std::vector<ParamRef> Table(ScaleParams& sp, DynamicsParams& dp, ActionParams& ap) {
  constexpr double kBig = 1e9;
  std::vector<ParamRef> t = {
      {"scale.days", &sp.days, 1, 3660},
      {"scale.mirrors", &sp.mirrors, 1, 1e7},
      {"scale.injectors", &sp.injectors, 0, 1e6},
      {"scale.admins", &sp.admins, 1, 1e6},
      {"scale.bots", &sp.bots, 0, 1e7},
      {"scale.supporters", &sp.supporters, 0, 1e8},
      {"scale.benign_channels", &sp.benign_channels, 1, 1e8},
      {"scale.benign_groups", &sp.benign_groups, 0, 1e7},
      {"scale.benign_users", &sp.benign_users, 1, 1e8},
      {"scale.journalists", &sp.journalists, 0, 1e6},
      {"scale.lookalikes", &sp.lookalikes, 0, 1e7},
      {"scale.benign_relaunches", &sp.benign_relaunches, 0, 1e6},
      {"scale.releases_per_day", &sp.releases_per_day, 0, 1000},
      {"scale.image_size", &sp.image_size, 128, 1024},
      {"scale.avatar_size", &sp.avatar_size, 128, 1024},
      {"scale.max_edits", &sp.max_edits, 1, 5},
      {"scale.photo_pool", &sp.photo_pool, 0, 1e6},
      {"scale.viral_per_day", &sp.viral_per_day, 0, 1000},
      {"scale.joined_network", &sp.joined_network, 0, 500},
      {"scale.joined_benign", &sp.joined_benign, 0, 500},
      {"scale.benign_posts_per_day", &sp.benign_posts_per_day, 0, 1000},
      {"scale.benign_chat_per_member", &sp.benign_chat_per_member, 0, 1000},
  };
  auto d = [&](const char* n, double* v, double lo, double hi) { t.push_back({n, v, lo, hi}); };
  d("dyn.hazard_chat", &dp.hazard_chat, 0, 50);
  d("dyn.hazard_core", &dp.hazard_core, 0, 50);
  d("dyn.hazard_bot", &dp.hazard_bot, 0, 50);
  d("dyn.hazard_supporter", &dp.hazard_supporter, 0, 50);
  d("dyn.hazard_admin", &dp.hazard_admin, 0, 50);
  d("dyn.hazard_journalist_error", &dp.hazard_journalist_error, 0, 1);
  d("dyn.regen_chat", &dp.regen_chat, 0, 1);
  d("dyn.regen_admin", &dp.regen_admin, 0, 1);
  d("dyn.regen_bot", &dp.regen_bot, 0, 1);
  d("dyn.regen_supporter", &dp.regen_supporter, 0, 1);
  d("dyn.regen_delay_hours", &dp.regen_delay_hours, 0.1, 500);
  d("dyn.account_delay_hours", &dp.account_delay_hours, 0.1, 500);
  d("dyn.regen_delay_sigma", &dp.regen_delay_sigma, 0, 3);
  t.push_back({"dyn.backlog", &dp.backlog, 0, 100});
  d("dyn.follow", &dp.follow, 0, 1);
  d("dyn.rehome", &dp.rehome, 0, 1);
  d("dyn.rewire", &dp.rewire, 0, 1);
  d("dyn.topup", &dp.topup, 0, 1);
  d("dyn.group_share", &dp.group_share, 0, 1);
  d("dyn.public_share", &dp.public_share, 0, 1);
  d("dyn.admin_zipf", &dp.admin_zipf, 0, 5);
  d("dyn.coadmin", &dp.coadmin, 0, 1);
  d("dyn.subscribers_alpha", &dp.subscribers_alpha, 0.5, 5);
  d("dyn.official_post", &dp.official_post, 0, 1);
  d("dyn.injector_post", &dp.injector_post, 0, 1);
  d("dyn.mirror_post", &dp.mirror_post, 0, 1);
  d("dyn.reupload", &dp.reupload, 0, 1);
  d("dyn.via_bot", &dp.via_bot, 0, 1);
  d("dyn.supporter_rate", &dp.supporter_rate, 0, 1000);
  d("dyn.journalist_forward", &dp.journalist_forward, 0, 1);
  d("dyn.migration_before", &dp.migration_before, 0, 1);
  d("dyn.migration_after", &dp.migration_after, 0, 1);
  d("dyn.ads_per_replacement", &dp.ads_per_replacement, 1, 1000);
  t.push_back({"dyn.export_utc_offset_min", &dp.export_utc_offset_min, -720, 840});
  d("dyn.naming_numbering", &dp.naming_numbering, 0, 1000);
  d("dyn.naming_homoglyph", &dp.naming_homoglyph, 0, 1000);
  d("dyn.naming_separator", &dp.naming_separator, 0, 1000);
  d("dyn.naming_emoji", &dp.naming_emoji, 0, 1000);
  d("dyn.naming_transliteration", &dp.naming_transliteration, 0, 1000);
  d("dyn.naming_unrelated", &dp.naming_unrelated, 0, 1000);
  d("dyn.unrelated_fresh", &dp.unrelated_fresh, 0, 1);
  d("dyn.avatar_new_unrelated", &dp.avatar_new_unrelated, 0, 1);
  d("dyn.avatar_new_other", &dp.avatar_new_other, 0, 1);
  d("dyn.fresh_creator", &dp.fresh_creator, 0, 1);
  d("dyn.backlog_share", &dp.backlog_share, 0, 1);
  d("dyn.advertised", &dp.advertised, 0, 1);
  d("dyn.bot_factor", &dp.bot_factor, 0, 100);
  d("dyn.supporter_factor", &dp.supporter_factor, 0, 100);
  for (int k = 0; k < 2; ++k) {
    const std::string day = std::to_string(k + 1);
    t.push_back({"action.chats" + day, &ap.chats[k], 0, 1});
    t.push_back({"action.bots" + day, &ap.bots[k], 0, 1});
    t.push_back({"action.supporters" + day, &ap.supporters[k], 0, 1});
    t.push_back({"action.admins" + day, &ap.admins[k], 0, 1});
    t.push_back({"action.key_admins" + day, &ap.key_admins[k], 0, 1});
  }
  d("action.after_hazard", &ap.after_hazard, 0, 1000);
  d("action.after_regen", &ap.after_regen, 0, 10);
  d("action.recovery", &ap.recovery, 0, 10);
  d("action.activity", &ap.activity, 0, 10);
  d("action.chatter", &ap.chatter, 0, 10);
  (void)kBig;
  return t;
}

}  // namespace

Status SetParam(ScaleParams& sp, DynamicsParams& dp, ActionParams& ap, std::string_view name,
                double value) {
  for (ParamRef& r : Table(sp, dp, ap)) {
    if (r.name != name) continue;
    if (!std::isfinite(value) || value < r.lo || value > r.hi) {
      return Status::InvalidArgument("parameter " + r.name + " must be between " +
                                     std::to_string(r.lo) + " and " + std::to_string(r.hi));
    }
    if (auto* i = std::get_if<int*>(&r.target)) {
      if (value != std::floor(value)) {
        return Status::InvalidArgument("parameter " + r.name + " takes a whole number");
      }
      **i = static_cast<int>(value);
    } else {
      *std::get<double*>(r.target) = value;
    }
    return Status::Ok();
  }
  // Name the ones of the same group ("action.", "dyn.", "scale.") so a typo is easy to mend.
  const std::string_view group = name.substr(0, name.find('.') + 1);
  std::string known;
  for (const ParamRef& r : Table(sp, dp, ap)) {
    if (group.empty() || std::string_view(r.name).starts_with(group)) {
      known += (known.empty() ? "" : ", ") + r.name;
    }
  }
  return Status::InvalidArgument("unknown parameter '" + std::string(name) + "'; known: " + known);
}

std::vector<std::string> ParamNames() {
  ScaleParams sp;
  DynamicsParams dp;
  ActionParams ap;
  std::vector<std::string> names;
  for (const ParamRef& r : Table(sp, dp, ap)) names.push_back(r.name);
  return names;
}

}  // namespace cordon::sim
