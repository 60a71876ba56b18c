#include "cordon/sim/text.h"

#include <array>
#include <cctype>
#include <cstddef>

#include "cordon/util/strings.h"

namespace cordon::sim {
namespace {

constexpr std::array<std::string_view, 22> kOnsets = {"",   "b",  "d",  "f",  "g",  "h", "k", "l",
                                                      "m",  "n",  "p",  "r",  "s",  "t", "v", "z",
                                                      "sh", "th", "dr", "tr", "br", "kl"};
constexpr std::array<std::string_view, 8> kNuclei = {"a", "e", "i", "o", "u", "ae", "ia", "ou"};
constexpr std::array<std::string_view, 8> kCodas = {"", "", "n", "r", "l", "s", "m", "k"};

// Latin letter -> Arabic-script letter (UTF-8), a fixed made-up rendering.
constexpr std::array<std::string_view, 26> kArabic = {
    "\u0627", "\u0628", "\u0643", "\u062f", "\u064a", "\u0641",       "\u062c", "\u0647", "\u064a",
    "\u062c", "\u0643", "\u0644", "\u0645", "\u0646", "\u0648",       "\u0628", "\u0642", "\u0631",
    "\u0633", "\u062a", "\u0648", "\u0641", "\u0648", "\u0643\u0633", "\u064a", "\u0632"};

struct Glyph {
  char latin;
  std::string_view cyrillic;
};
constexpr std::array<Glyph, 18> kHomoglyphs = {{{'a', "\u0430"},
                                                {'e', "\u0435"},
                                                {'o', "\u043e"},
                                                {'p', "\u0440"},
                                                {'c', "\u0441"},
                                                {'x', "\u0445"},
                                                {'y', "\u0443"},
                                                {'i', "\u0456"},
                                                {'A', "\u0410"},
                                                {'B', "\u0412"},
                                                {'E', "\u0415"},
                                                {'H', "\u041d"},
                                                {'K', "\u041a"},
                                                {'M', "\u041c"},
                                                {'O', "\u041e"},
                                                {'P', "\u0420"},
                                                {'C', "\u0421"},
                                                {'T', "\u0422"}}};

const char kInviteAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// Username look-alikes: letters swapped for digits.
std::string DigitSwap(Rng& rng, std::string_view u) {
  std::string r(u);
  std::vector<size_t> spots;
  for (size_t i = 1; i < r.size(); ++i) {
    if (std::string_view("oliesa").find(r[i]) != std::string_view::npos) spots.push_back(i);
  }
  if (spots.empty()) return r + "0";
  const size_t i = rng.Pick(spots);
  static constexpr std::string_view from = "oliesa", to = "011354";
  r[i] = to[from.find(r[i])];
  return r;
}

// Spelling variants a transliterating admin might pick for a Latin username.
std::string Respell(Rng& rng, std::string_view u) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kSwaps = {{
      {"ou", "u"},
      {"u", "ou"},
      {"i", "ee"},
      {"k", "q"},
      {"v", "w"},
      {"s", "z"},
      {"ae", "e"},
      {"a", "aa"},
  }};
  std::string r(u);
  const size_t start = rng.Below(kSwaps.size());
  for (size_t k = 0; k < kSwaps.size(); ++k) {
    const auto& [from, to] = kSwaps[(start + k) % kSwaps.size()];
    size_t p = r.find(from, 1);
    if (p != std::string::npos) {
      r.replace(p, from.size(), to);
      return r;
    }
  }
  return r + "_";
}

}  // namespace

std::string_view NamingMethodName(NamingMethod m) {
  switch (m) {
    case NamingMethod::kNumbering:
      return "numbering";
    case NamingMethod::kHomoglyph:
      return "homoglyph";
    case NamingMethod::kSeparator:
      return "separator";
    case NamingMethod::kEmoji:
      return "emoji";
    case NamingMethod::kTransliteration:
      return "transliteration";
    case NamingMethod::kUnrelated:
      return "unrelated";
  }
  return "unknown";
}

std::string MadeUpWord(Rng& rng, int min_syl, int max_syl) {
  const int n = static_cast<int>(rng.Range(min_syl, max_syl));
  std::string w;
  for (int i = 0; i < n; ++i) {
    w += kOnsets[rng.Below(kOnsets.size())];
    w += kNuclei[rng.Below(i == 0 ? kNuclei.size() : 5)];
    if (i + 1 == n || rng.Bernoulli(0.25)) w += kCodas[rng.Below(kCodas.size())];
  }
  if (w.size() < 3) w += "an";
  w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
  return w;
}

std::string LatinToArabic(std::string_view latin) {
  std::string out;
  for (char ch : latin) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (c >= 'a' && c <= 'z') {
      out += kArabic[static_cast<size_t>(c - 'a')];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string Homoglyph(Rng& rng, std::string_view name) {
  std::vector<size_t> spots;
  for (size_t i = 0; i < name.size(); ++i) {
    for (const Glyph& g : kHomoglyphs) {
      if (name[i] == g.latin) spots.push_back(i);
    }
  }
  if (spots.empty()) return std::string(name) + "\u200b";  // a zero-width space
  rng.Shuffle(spots);
  const size_t n = std::min<size_t>(spots.size(), 1 + rng.Below(2));
  std::vector<size_t> chosen(spots.begin(), spots.begin() + static_cast<std::ptrdiff_t>(n));
  std::sort(chosen.begin(), chosen.end());
  std::string out;
  size_t k = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (k < chosen.size() && chosen[k] == i) {
      for (const Glyph& g : kHomoglyphs) {
        if (g.latin == name[i]) out += g.cyrillic;
      }
      ++k;
    } else {
      out += name[i];
    }
  }
  return out;
}

std::string UsernameFrom(std::string_view latin_name) {
  std::string u;
  for (char ch : latin_name) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) && c < 0x80) {
      u += static_cast<char>(std::tolower(c));
    } else if ((ch == ' ' || ch == '_' || ch == '-' || ch == '.') && !u.empty() &&
               u.back() != '_') {
      u += '_';
    }
  }
  while (!u.empty() && u.back() == '_') u.pop_back();
  while (!u.empty() && !std::isalpha(static_cast<unsigned char>(u[0]))) u.erase(0, 1);
  if (u.empty()) u = "chan";
  while (u.size() < 5) u += 'x';
  if (u.size() > 28) u.resize(28);
  while (!u.empty() && u.back() == '_') u.pop_back();
  return u;
}

std::string UsernameRegistry::Claim(std::string wanted) {
  if (wanted.size() > 28) wanted.resize(28);
  if (used_.insert(wanted).second) return wanted;
  for (int n = 2;; ++n) {
    std::string t = wanted + std::to_string(n);
    if (used_.insert(t).second) return t;
  }
}

std::string InviteCode(Rng& rng) {
  std::string code(16, 'A');
  for (char& c : code) c = kInviteAlphabet[rng.Below(64)];
  return code;
}

NameVariant VariantName(Rng& rng, NamingMethod method, std::string_view parent_name,
                        std::string_view parent_latin, std::string_view parent_username,
                        int generation, std::string_view unrelated_latin) {
  NameVariant v;
  v.latin = std::string(parent_latin);
  const bool arabic = parent_name != parent_latin && !parent_name.empty() &&
                      static_cast<unsigned char>(parent_name[0]) >= 0xd8 &&
                      static_cast<unsigned char>(parent_name[0]) <= 0xdb;
  std::string u(parent_username);
  switch (method) {
    case NamingMethod::kNumbering: {
      const int n = generation + 1;
      switch (rng.Below(4)) {
        case 0:
          v.name = std::string(parent_name) + " " + std::to_string(n);
          break;
        case 1:
          v.name = std::string(parent_name) + " (" + std::to_string(n) + ")";
          break;
        case 2:
          v.name = std::string(parent_name) + " v" + std::to_string(n);
          break;
        default:
          v.name = std::string(parent_name) + " #" + std::to_string(n);
          break;
      }
      if (!u.empty()) u += rng.Bernoulli(0.5) ? std::to_string(n) : "_" + std::to_string(n);
      break;
    }
    case NamingMethod::kHomoglyph:
      v.name = Homoglyph(rng, parent_name);
      if (!u.empty()) u = DigitSwap(rng, u);
      break;
    case NamingMethod::kSeparator: {
      static constexpr std::array<std::string_view, 5> kSeps = {"_", ".", "-", " | ", ""};
      const std::string_view sep = kSeps[rng.Below(kSeps.size())];
      std::string n;
      for (char c : parent_name) {
        if (c == ' ') {
          n += sep;
        } else {
          n += c;
        }
      }
      if (n == parent_name) n = std::string(parent_name) + std::string(sep) + "\u00b7";
      v.name = n;
      if (!u.empty()) {
        const size_t p = u.find('_');
        if (p != std::string::npos) {
          u.erase(p, 1);
        } else {
          u.insert(std::min<size_t>(u.size() - 1, 3 + rng.Below(3)), "_");
        }
      }
      break;
    }
    case NamingMethod::kEmoji: {
      const auto& e = NeutralEmoji();
      const std::string_view em = e[rng.Below(e.size())];
      v.name = rng.Bernoulli(0.5) ? std::string(em) + " " + std::string(parent_name)
                                  : std::string(parent_name) + " " + std::string(em);
      if (!u.empty()) {
        static constexpr std::array<std::string_view, 4> kTags = {"_new", "_bk", "_info", "x"};
        u += kTags[rng.Below(kTags.size())];
      }
      break;
    }
    case NamingMethod::kTransliteration:
      v.name = arabic ? std::string(parent_latin) : LatinToArabic(parent_latin);
      if (!u.empty()) u = Respell(rng, u);
      break;
    case NamingMethod::kUnrelated:
      v.name = std::string(unrelated_latin);
      v.latin = std::string(unrelated_latin);
      if (!u.empty()) u = UsernameFrom(unrelated_latin);
      break;
  }
  if (v.name == parent_name) v.name += " \u2022";
  v.username = u;
  return v;
}

Lexicon::Lexicon(uint64_t seed, int size) {
  Rng rng(seed);
  std::set<std::string> seen;
  std::vector<double> weights;
  while (static_cast<int>(words_.size()) < size) {
    std::string w = ToLower(MadeUpWord(rng, 1, 3));
    if (!seen.insert(w).second) continue;
    weights.push_back(1.0 / std::pow(static_cast<double>(words_.size() + 2), 0.9));
    words_.push_back(std::move(w));
  }
  // Walker's alias table: each slot keeps its own word with probability accept_[i], else
  // gives alias_[i].
  const size_t n = weights.size();
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / sum;
    (scaled[i] < 1 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  accept_.assign(n, 1.0);
  alias_.resize(n);
  for (size_t i = 0; i < n; ++i) alias_[i] = static_cast<uint32_t>(i);
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back(), l = large.back();
    small.pop_back();
    accept_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1 - scaled[s];
    if (scaled[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
}

size_t Lexicon::Draw(Rng& rng) const {
  const size_t i = rng.Below(words_.size());
  return rng.Uniform() < accept_[i] ? i : alias_[i];
}

std::string Lexicon::Sentence(Rng& rng, int n, int topic) const {
  std::string s;
  s.reserve(static_cast<size_t>(n) * 8);
  const size_t shift = static_cast<size_t>(topic) * 97;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    const std::string& w = words_[(Draw(rng) + shift) % words_.size()];
    if (i == 0) {
      s += static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
      s.append(w, 1);
    } else {
      s += w;
    }
  }
  return s;
}

const std::vector<std::string_view>& NetworkDescriptors() {
  static const std::vector<std::string_view> v = {
      "Relay",  "Echo",    "Bulletin", "Digest", "Archive", "Notes", "Dispatch", "Wire",
      "Window", "Library", "Voice",    "Signal", "Herald",  "Post",  "Lantern",  "Mirror"};
  return v;
}
const std::vector<std::string_view>& NewsWords() {
  static const std::vector<std::string_view> v = {"News",   "Daily",    "Times",  "Report",
                                                  "Digest", "Bulletin", "Wire",   "Herald",
                                                  "Today",  "Observer", "Review", "Post"};
  return v;
}
const std::vector<std::string_view>& HobbyWords() {
  static const std::vector<std::string_view> v = {
      "Gardening",        "Chess Club",   "Birdwatch", "Knitting Circle",
      "Aquarium Keepers", "Model Trains", "Astronomy", "Cycling",
      "Photography",      "Baking",       "Pottery",   "Hiking"};
  return v;
}
const std::vector<std::string_view>& BookWords() {
  static const std::vector<std::string_view> v = {"Book Club",     "Reading Room", "Library",
                                                  "Poetry Corner", "Novel Notes",  "Story Archive",
                                                  "Bookshelf",     "Verses"};
  return v;
}
const std::vector<std::string_view>& NeutralEmoji() {
  static const std::vector<std::string_view> v = {
      "\U0001f537", "\U0001f4e1", "\u2b50",     "\U0001f536", "\U0001f4d8",
      "\u2728",     "\U0001f310", "\U0001f33f", "\U0001f7e2", "\U0001f4e2"};
  return v;
}

}  // namespace cordon::sim
