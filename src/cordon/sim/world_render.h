// Internal to the simulator: makes what a message's Content stands for. A message is kept as a
// few numbers (world_state.h, Content) and made again when it is written: its text and links
// from the lexicon and a seed, its image through the MediaStore (drawn, edited, encoded and
// hashed once per image and edit), a video (drawn, edited and encoded once per video and copy;
// in a build without video support the release's image instead) or, with --media none, a
// stand-in's digests. The
// same Content gives the same text and media on any day, so backlogs and forwards repeat the
// original exactly.
//
// Ownership: owns the lexicon and the MediaStore (the run's image files or in-memory bytes).
// Thread safety: none; one per run, used from the run's thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cordon/model/event.h"
#include "cordon/sim/media.h"
#include "cordon/sim/simulator.h"
#include "cordon/sim/text.h"
#include "cordon/sim/world.h"
#include "cordon/sim/world_state.h"
#include "cordon/util/status.h"

namespace cordon::sim::world {

class MessageRenderer {
 public:
  explicit MessageRenderer(const WorldConfig& cfg);

  // Appends the text of a message with content `c` to `text`, and the links it holds to `links`.
  // Adverts, comments and migration links name chats and destinations of `st`.
  void Text(const Content& c, const WorldState& st, std::string& text,
            std::vector<std::string>& links) const;
  // The media a message with this content carries into `out`: false when none. `file` is set
  // for images and videos that have a file (or in-memory bytes), `video` for videos.
  StatusOr<bool> MediaOf(const Content& c, Media& out, const MediaFile** file, bool* video);

  MediaStore& media() { return media_; }
  const MediaStore& media() const { return media_; }

 private:
  void ReleaseText(uint64_t release, uint64_t decoration, std::string& out) const;

  uint64_t seed_;
  MediaMode mode_;
  uint64_t official_emblem_;  // drawn on every release image
  Lexicon lex_;
  MediaStore media_;
};

}  // namespace cordon::sim::world
