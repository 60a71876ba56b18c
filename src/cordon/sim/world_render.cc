// What a message's Content stands for (world_render.h): its text and links, and the image or
// video it carries with their digests.
#include "cordon/sim/world_render.h"

#include <algorithm>
#include <string>

#include "cordon/content/video.h"
#include "cordon/util/digest.h"

namespace cordon::sim::world {
namespace {

constexpr Edit kEditOrder[] = {Edit::kOriginal, Edit::kReencode,  Edit::kResize,
                               Edit::kCrop,     Edit::kWatermark, Edit::kMirror};

}  // namespace

MessageRenderer::MessageRenderer(const WorldConfig& cfg)
    : seed_(cfg.options.seed),
      mode_(cfg.options.media),
      official_emblem_(MixSeed(cfg.options.seed, 0xe3b1e3)),
      lex_(MixSeed(cfg.options.seed, 0x1e), 3000),
      media_(cfg.options.out_dir, MixSeed(cfg.options.seed, 0x3d), cfg.scale.image_size,
             cfg.options.media == MediaMode::kFiles) {}

void MessageRenderer::ReleaseText(uint64_t release, uint64_t decoration, std::string& s) const {
  Rng r(MixSeed(seed_, release, 0x7e1));
  std::string prefix, suffix;
  if (decoration != 0) {
    Rng d(decoration);
    const auto& e = NeutralEmoji();
    switch (d.Below(4)) {
      case 0:
        prefix = std::string(e[d.Below(e.size())]) + " ";
        break;
      case 1:
        suffix = "\n\n#" + lex_.Word(d.Below(200));
        break;
      case 2:
        suffix = " " + std::string(e[d.Below(e.size())]);
        break;
      default:
        break;
    }
  }
  s += prefix;
  s += "\u300c";
  s += lex_.Sentence(r, static_cast<int>(r.Range(2, 4)), 3);
  s += "\u300d ";
  s += lex_.Sentence(r, static_cast<int>(r.Range(10, 40)), 3);
  s += ".";
  s += suffix;
}

void MessageRenderer::Text(const Content& c, const WorldState& st, std::string& s,
                           std::vector<std::string>& links) const {
  Rng r(c.seed);
  switch (c.kind) {
    case CKind::kText:
      s += lex_.Sentence(r, static_cast<int>(r.Range(3, 16)), c.topic);
      return;
    case CKind::kRelease:
      ReleaseText(c.item, c.seed, s);
      return;
    case CKind::kPhoto:
    case CKind::kViral:
      if (!r.Bernoulli(0.4)) s += lex_.Sentence(r, static_cast<int>(r.Range(2, 9)), c.topic);
      return;
    case CKind::kAd:
    case CKind::kInvite: {
      const Chat& target = st.chats[static_cast<size_t>(c.item)];
      std::string link;
      if (!target.username.empty() && r.Bernoulli(0.5)) {
        link = "https://t.me/" + target.username;
      } else {
        link = (r.Bernoulli(0.7) ? "https://t.me/+" : "t.me/+") + target.invite;
      }
      s += lex_.Sentence(r, static_cast<int>(r.Range(2, 7)), c.topic);
      s += " " + link;
      if (r.Bernoulli(0.5)) s += " " + lex_.Sentence(r, static_cast<int>(r.Range(1, 4)), c.topic);
      links.push_back(std::move(link));
      return;
    }
    case CKind::kMigration: {
      const Destination& d = st.destinations[static_cast<size_t>(c.item)];
      s += lex_.Sentence(r, static_cast<int>(r.Range(3, 10)), c.topic);
      s += "\n" + d.link;
      links.push_back(d.link);
      return;
    }
    case CKind::kComment: {
      s += lex_.Sentence(r, static_cast<int>(r.Range(8, 24)), 5) + ".";
      if (c.item != 0) {
        const Chat& src = st.chats[static_cast<size_t>(c.item - 1)];
        if (!src.username.empty()) {
          const std::string link = "https://t.me/" + src.username;
          s += " " + link;
          links.push_back(link);
        }
      }
      return;
    }
    case CKind::kWeb: {
      const int64_t number = r.Range(10, 9999);
      const std::string& page = lex_.Word(r.Below(3000));
      const std::string& host_tail = lex_.Word(r.Below(400));
      const std::string link = "https://" + lex_.Word(r.Below(400)) + host_tail + ".example/" +
                               page + "-" + std::to_string(number);
      s += lex_.Sentence(r, static_cast<int>(r.Range(4, 14)), c.topic) + " " + link;
      links.push_back(link);
      return;
    }
  }
}

StatusOr<bool> MessageRenderer::MediaOf(const Content& c, Media& md, const MediaFile** file,
                                        bool* video) {
  *file = nullptr;
  *video = false;
  uint64_t image = 0;
  ImageStyle style = ImageStyle::kPhoto;
  uint64_t emblem = 0;
  if (c.kind == CKind::kRelease) {
    const int kind = static_cast<int>(MixSeed(seed_, c.item, 0x6b) % 20);
    if (kind < 13) {
      image = (uint64_t{1} << 40) | c.item;
      style = ImageStyle::kRelease;
      emblem = official_emblem_;
    } else if (kind >= 18) {
      // A video; in a build that cannot encode one (and not in --media none), the image.
      if (mode_ == MediaMode::kNone || VideoSupported()) {
        *video = true;
      } else {
        image = (uint64_t{1} << 40) | c.item;
        style = ImageStyle::kRelease;
        emblem = official_emblem_;
      }
    } else {
      return false;  // a statement: text only
    }
  } else if (c.kind == CKind::kPhoto) {
    image = (uint64_t{2} << 40) | c.item;
  } else if (c.kind == CKind::kViral) {
    image = (uint64_t{3} << 40) | c.item;
  } else {
    return false;
  }
  md.pdq.clear();
  md.path.clear();
  if (*video && mode_ != MediaMode::kNone) {
    md.kind.assign("video");
    auto f = media_.GetVideo((uint64_t{4} << 40) | c.item, official_emblem_, c.edit);
    if (!f.ok()) return f.status();
    *file = *f;
    md.sha256.assign((*f)->sha256);
    md.md5.assign((*f)->md5);
    md.path.assign((*f)->path);
    return true;
  }
  if (*video) {  // --media none: a stand-in's digests
    md.kind.assign("video");
    const Digests dg = DigestBytes("cordon-sim video " + std::to_string(seed_) + "/" +
                                   std::to_string(c.item) + "/" + std::to_string(c.edit != 0));
    md.sha256.assign(dg.sha256);
    md.md5.assign(dg.md5);
    return true;
  }
  md.kind.assign("photo");
  const Edit edit = kEditOrder[std::min<int>(c.edit, 5)];
  if (mode_ == MediaMode::kNone) {
    const Digests dg = DigestBytes("cordon-sim image " + std::to_string(seed_) + "/" +
                                   std::to_string(image) + "/" + std::to_string(c.edit));
    md.sha256.assign(dg.sha256);
    md.md5.assign(dg.md5);
    return true;
  }
  auto f = media_.Get(image, style, emblem, edit);
  if (!f.ok()) return f.status();
  *file = *f;
  md.sha256.assign((*f)->sha256);
  md.md5.assign((*f)->md5);
  md.pdq.assign((*f)->pdq);
  md.path.assign((*f)->path);
  return true;
}

}  // namespace cordon::sim::world
