// The simulator's parameters: one table per scale, the world's dynamics, and the day-of-action
// presets. Their sources and the calibration are in docs/simulation.md.
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/sim/simulator.h"
#include "cordon/util/status.h"

namespace cordon::sim {

// Population sizes and volumes; everything that changes with --scale.
struct ScaleParams {
  int days = 90;
  int mirrors = 0;          // network chats at the start (channels and groups), besides the below
  int injectors = 0;        // mirrors that receive releases off-platform and post them first-hand
  int admins = 0;           // admin persons
  int bots = 0;             // distribution bots at the start
  int supporters = 0;       // active accounts in the network's groups
  int benign_channels = 0;  // news, hobby and book channels
  int benign_groups = 0;
  int benign_users = 0;
  int journalists = 0;        // monitors who forward releases with commentary
  int lookalikes = 0;         // benign channels created with names like the network's
  int benign_relaunches = 0;  // benign groups that move to a new group (not taken down)
  double releases_per_day = 6;
  int image_size = 256;
  int avatar_size = 128;
  int max_edits = 5;   // how many kinds of edited copy re-uploaders make (1..5)
  int photo_pool = 0;  // stock photos benign channels draw from
  double viral_per_day = 0;
  int joined_network = 0;  // chats in the researcher's Telegram exports
  int joined_benign = 0;
  double benign_posts_per_day = 2.0;    // per benign channel
  double benign_chat_per_member = 0.3;  // per benign group member per day
};

// Rates that do not change with scale (per day unless stated).
struct DynamicsParams {
  // Everyday takedowns: daily hazards of network entities.
  double hazard_chat = 0.03;
  double hazard_core = 0.008;  // official channel and injectors
  double hazard_bot = 0.13;
  double hazard_supporter = 0.03;
  double hazard_admin = 0.01;
  double hazard_journalist_error = 0.002;  // mistaken takedowns, reinstated on appeal
  // Regeneration after a takedown.
  double regen_chat = 0.9;
  double regen_admin = 0.85;
  double regen_bot = 0.95;
  double regen_supporter = 0.85;
  double regen_delay_hours = 10;  // median, log-normal
  double account_delay_hours = 14;
  double regen_delay_sigma = 0.8;
  int backlog = 10;     // parent posts a replacement reposts
  double follow = 0.7;  // group members who follow a replacement
  double rehome = 0.3;  // a supporter with no group left finds one, per day
  double rewire = 0.5;  // a mirror whose sources are gone finds another
  double topup = 0.25;  // daily share of a population deficit refilled
  // Structure.
  double group_share = 0.35;  // mirrors that are groups
  double public_share = 0.3;  // mirrors with a public username
  double admin_zipf = 1.1;    // chats per admin person ~ rank^-s
  double coadmin = 0.3;
  double subscribers_alpha = 1.15;  // Pareto tail of audiences
  // Posting.
  double official_post = 0.97;
  double injector_post = 0.9;
  double mirror_post = 0.6;  // a mirror posts a given release
  double reupload = 0.35;    // mean share of a mirror's posts that are re-uploads
  double via_bot = 0.15;
  double supporter_rate = 0.3;       // posts per supporter per group per day
  double journalist_forward = 0.12;  // a journalist forwards a given release
  double migration_before = 0.004;   // share of network posts that carry a migration link
  double migration_after = 0.2;
  double ads_per_replacement = 4;
  int export_utc_offset_min = 60;  // the researcher's clock in the exports
  // Replacement chats (parameter families, sim/families.h): the naming-tactic mix as weights in
  // NamingMethod order, and how often each regeneration signal is present. The defaults are
  // the calibrated world; a signal's draw is skipped while its parameter is at the default, so
  // the defaults keep the output byte-identical.
  double naming_numbering = 0.28;
  double naming_homoglyph = 0.16;
  double naming_separator = 0.16;
  double naming_emoji = 0.16;
  double naming_transliteration = 0.14;
  double naming_unrelated = 0.10;
  double unrelated_fresh = 0;         // unrelated names of made-up words, no brand word
  double avatar_new_unrelated = 0.5;  // unrelated renamings that get a new avatar
  double avatar_new_other = 0;        // other renamings that get a new avatar
  double fresh_creator = 0;  // created by a new account of the owner, no admin shared or bots
  double backlog_share = 1;  // replacements that repost the parent's backlog
  double advertised = 1;     // replacements advertised in other network chats
  // Population factors on scale.bots and scale.supporters (bot vs user share).
  double bot_factor = 1;
  double supporter_factor = 1;
};

// A day of action and what follows it.
struct ActionParams {
  std::string name;
  bool enabled = false;
  // Share removed of each population on the first and second day.
  double chats[2] = {0, 0};
  double bots[2] = {0, 0};
  double supporters[2] = {0, 0};
  double admins[2] = {0, 0};
  double key_admins[2] = {0, 0};
  // After the action: hazard multiplier on network entities created after it (persistence),
  // multiplier on regeneration probabilities, the share of the pre-action network the
  // survivors rebuild towards, and the survivors' posting propensity.
  double after_hazard = 1;
  double after_regen = 1;
  double recovery = 1;
  double activity = 1;
  double chatter = 1;  // group members' chatter, on top of `activity`
};

ScaleParams ScaleDefaults(Scale s);
ActionParams ActionDefaults(ActionPreset a);

// Sets one parameter by name: "scale.<field>", "dyn.<field>" or "action.<field>" (the day-of-
// action shares take a day suffix: action.chats1, action.chats2). kInvalidArgument for an
// unknown name or a value out of range.
Status SetParam(ScaleParams& sp, DynamicsParams& dp, ActionParams& ap, std::string_view name,
                double value);
// Every settable name, for the documentation and the CLI's error message.
std::vector<std::string> ParamNames();

}  // namespace cordon::sim
