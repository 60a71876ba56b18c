#include "cordon/content/text.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdio>
#include <functional>
#include <random>

namespace cordon {
namespace {

// --- Normalisation -------------------------------------------------------------------------

TEST(NormalizeTextTest, CaseFoldingAndNfkc) {
  EXPECT_EQ(NormalizeText("Hello WORLD"), "hello world");
  EXPECT_EQ(NormalizeText("STRASSE straße"), "strasse strasse");         // full case folding
  EXPECT_EQ(NormalizeText("ﬁne ｆｕｌｌｗｉｄｔｈ"), "fine fullwidth");  // ligature, fullwidth
  EXPECT_EQ(NormalizeText("x²"), "x2");                                  // compatibility digit
  // Composed and decomposed e-acute are one text.
  EXPECT_EQ(NormalizeText("caf\u00e9"), NormalizeText("cafe\u0301"));
  EXPECT_EQ(NormalizeText("caf\u00e9"), "caf\u00e9");  // Latin accents stay
}

TEST(NormalizeTextTest, ArabicDiacriticsAndTatweelRemoved) {
  // kataba with fatha on each letter, and with tatweel stretching it.
  EXPECT_EQ(NormalizeText("\u0643\u064e\u062a\u064e\u0628\u064e"), "\u0643\u062a\u0628");
  EXPECT_EQ(NormalizeText("\u0643\u0640\u0640\u062a\u0640\u0628"), "\u0643\u062a\u0628");
  // shadda, sukun, tanwin, superscript alef.
  EXPECT_EQ(NormalizeText("\u0645\u0651\u0652\u064b\u0670\u0646"), "\u0645\u0646");
}

TEST(NormalizeTextTest, ArabicLetterVariantsUnified) {
  EXPECT_EQ(NormalizeText("\u0623\u0625\u0622\u0671\u0627"), "\u0627\u0627\u0627\u0627\u0627");
  EXPECT_EQ(NormalizeText("\u0649"), "\u064a");  // alef maksura -> yeh
  EXPECT_EQ(NormalizeText("\u0629"), "\u0647");  // teh marbuta -> heh
  // Presentation forms (NFKC) fold to the base letters.
  EXPECT_EQ(NormalizeText("\ufe8d\ufe91"), NormalizeText("\u0627\u0628"));
}

TEST(NormalizeTextTest, DigitsUnified) {
  EXPECT_EQ(NormalizeText("\u0661\u0662\u0663"), "123");  // Arabic-Indic
  EXPECT_EQ(NormalizeText("\u06f4\u06f5\u06f6"), "456");  // extended Arabic-Indic
  EXPECT_EQ(NormalizeText("\u0967\u0968"), "12");         // Devanagari
  EXPECT_EQ(NormalizeText("2024"), "2024");
}

TEST(NormalizeTextTest, WhitespaceAndPunctuationCollapse) {
  EXPECT_EQ(NormalizeText("  one,\ttwo!!  three...\n"), "one two three");
  EXPECT_EQ(NormalizeText("a\u060cb\u061fc"), "a b c");           // Arabic comma, question mark
  EXPECT_EQ(NormalizeText("go \xF0\x9F\x94\xA5 now"), "go now");  // emoji
  EXPECT_EQ(NormalizeText("zero\u200bwidth"), "zerowidth");       // default ignorable dropped
  EXPECT_EQ(NormalizeText("...!!!"), "");
  EXPECT_EQ(NormalizeText(""), "");
  EXPECT_EQ(NormalizeText("bad \xff\xfe bytes"), "bad bytes");
}

TEST(TextFingerprintTest, SerializeRoundTripAndShortTexts) {
  TextFingerprint f = FingerprintText(NormalizeText("a statement long enough to fingerprint"));
  ASSERT_FALSE(f.empty);
  TextFingerprint g;
  ASSERT_TRUE(ParseFingerprint(SerializeFingerprint(f), g));
  EXPECT_EQ(f.mins, g.mins);
  EXPECT_FALSE(ParseFingerprint("short", g));
  EXPECT_TRUE(FingerprintText("ok").empty);
  EXPECT_EQ(SerializeFingerprint(FingerprintText("ok")), "");
  EXPECT_DOUBLE_EQ(Similarity(f, f), 1.0);
}

// --- The fingerprint choice, measured ------------------------------------------------------
//
// A synthetic corpus of made-up statements in Latin and Arabic script: originals (the bank),
// lightly edited copies (each must match its original), unrelated statements and statements
// that share only an opening formula with an original (neither may match anything).

class Corpus {
 public:
  explicit Corpus(uint64_t seed) : rng_(seed) {
    const std::string cons = "bdfgklmnprstvz", vow = "aeiou";
    for (int i = 0; i < 600; ++i) {
      std::string w;
      int syl = 1 + static_cast<int>(rng_() % 3);
      for (int s = 0; s < syl; ++s) {
        w += cons[rng_() % cons.size()];
        w += vow[rng_() % vow.size()];
        if (rng_() % 3 == 0) w += cons[rng_() % cons.size()];
      }
      latin_.push_back(w);
    }
    // Arabic letters (alef..yeh without the variants that normalisation unifies).
    const std::vector<std::string> letters = {
        "\u0627", "\u0628", "\u062a", "\u062b", "\u062c", "\u062d", "\u062e",
        "\u062f", "\u0630", "\u0631", "\u0632", "\u0633", "\u0634", "\u0635",
        "\u0636", "\u0637", "\u0638", "\u0639", "\u063a", "\u0641", "\u0642",
        "\u0643", "\u0644", "\u0645", "\u0646", "\u0647", "\u0648", "\u064a"};
    for (int i = 0; i < 600; ++i) {
      std::string w;
      int n = 2 + static_cast<int>(rng_() % 5);
      for (int k = 0; k < n; ++k) w += letters[rng_() % letters.size()];
      arabic_.push_back(w);
    }
  }

  // Words drawn with a skewed distribution, so frequent words recur across statements.
  std::string Word(bool arabic) {
    const auto& v = arabic ? arabic_ : latin_;
    double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    return v[static_cast<size_t>(u * u * u * static_cast<double>(v.size()))];
  }

  std::vector<std::string> Words(bool arabic, int n) {
    std::vector<std::string> w;
    for (int i = 0; i < n; ++i) w.push_back(Word(arabic));
    return w;
  }

  static std::string Join(const std::vector<std::string>& words, bool arabic) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
      if (i) out += (i % 9 == 0) ? (arabic ? "\u060c " : ", ") : " ";
      out += words[i];
    }
    return out + ".";
  }

  std::string Typo(const std::string& w, bool arabic) {
    if (arabic || w.size() < 3) return w + (arabic ? "\u0648" : "x");  // an added letter
    std::string t = w;
    size_t p = rng_() % t.size();
    switch (rng_() % 3) {
      case 0:
        t[p] = static_cast<char>('a' + rng_() % 26);
        break;
      case 1:
        t.erase(p, 1);
        break;
      default:
        t.insert(p, 1, static_cast<char>('a' + rng_() % 26));
        break;
    }
    return t;
  }

  // One to three light edits of a statement's words.
  std::string Edit(std::vector<std::string> w, bool arabic) {
    int edits = 1 + static_cast<int>(rng_() % 3);
    bool surface = false;
    for (int e = 0; e < edits; ++e) {
      switch (rng_() % 6) {
        case 0:  // insert words
          for (int k = 1 + static_cast<int>(rng_() % 3); k > 0; --k) {
            w.insert(w.begin() + static_cast<long>(rng_() % (w.size() + 1)), Word(arabic));
          }
          break;
        case 1:  // delete words
          for (int k = 1 + static_cast<int>(rng_() % 3); k > 0 && w.size() > 4; --k) {
            w.erase(w.begin() + static_cast<long>(rng_() % w.size()));
          }
          break;
        case 2:  // typos
          for (int k = 1 + static_cast<int>(rng_() % 3); k > 0; --k) {
            size_t p = rng_() % w.size();
            w[p] = Typo(w[p], arabic);
          }
          break;
        case 3: {  // move a clause to the front
          size_t cut = 1 + rng_() % (w.size() - 1);
          std::rotate(w.begin(), w.begin() + static_cast<long>(cut), w.end());
          break;
        }
        case 4: {  // commentary before or after
          std::vector<std::string> c = Words(arabic, 4 + static_cast<int>(rng_() % 6));
          w.insert(rng_() % 2 ? w.begin() : w.end(), c.begin(), c.end());
          break;
        }
        default:
          surface = true;
          break;
      }
    }
    std::string text = Join(w, arabic);
    if (surface) {
      if (arabic) {
        // Diacritics and tatweel after some letters.
        std::string t;
        int k = 0;
        for (size_t i = 0; i < text.size(); ++i) {
          t += text[i];
          bool end_of_char =
              i + 1 == text.size() || (static_cast<unsigned char>(text[i + 1]) & 0xC0) != 0x80;
          if (end_of_char && (static_cast<unsigned char>(text[i]) & 0x80) && ++k % 4 == 0) {
            t += (k % 8 == 0) ? "\u0640" : "\u064e";
          }
        }
        text = t;
      } else {
        for (char& c : text) {
          if (c >= 'a' && c <= 'z' && rng_() % 3 == 0) c = static_cast<char>(c - 'a' + 'A');
        }
      }
      text = "\xF0\x9F\x94\xA5 " + text + " !!";
    }
    return text;
  }

  struct Data {
    std::vector<std::string> bank;
    std::vector<std::string> queries;
    std::vector<int> truth;  // bank index a query must match, -1 for none
  };

  Data Make(int originals, int variants, int unrelated, int formula) {
    Data d;
    std::vector<std::vector<std::string>> words;
    std::vector<bool> script;
    const std::vector<std::string> opening_latin = Words(false, 7);
    const std::vector<std::string> opening_arabic = Words(true, 7);
    for (int i = 0; i < originals; ++i) {
      bool arabic = i % 2 == 1;
      std::vector<std::string> w = Words(arabic, 15 + static_cast<int>(rng_() % 30));
      if (i % 5 == 0) {  // a fifth of the originals open with a shared formula
        const auto& open = arabic ? opening_arabic : opening_latin;
        w.insert(w.begin(), open.begin(), open.end());
      }
      words.push_back(w);
      script.push_back(arabic);
      d.bank.push_back(Join(w, arabic));
    }
    for (int i = 0; i < originals; ++i) {
      for (int v = 0; v < variants; ++v) {
        d.queries.push_back(Edit(words[static_cast<size_t>(i)], script[static_cast<size_t>(i)]));
        d.truth.push_back(i);
      }
    }
    for (int i = 0; i < unrelated; ++i) {
      bool arabic = i % 2 == 1;
      d.queries.push_back(Join(Words(arabic, 15 + static_cast<int>(rng_() % 30)), arabic));
      d.truth.push_back(-1);
    }
    for (int i = 0; i < formula; ++i) {
      bool arabic = i % 2 == 1;
      std::vector<std::string> w = arabic ? opening_arabic : opening_latin;
      std::vector<std::string> rest = Words(arabic, 12 + static_cast<int>(rng_() % 20));
      w.insert(w.end(), rest.begin(), rest.end());
      d.queries.push_back(Join(w, arabic));
      d.truth.push_back(-1);
    }
    return d;
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> latin_, arabic_;
};

struct Score {
  int tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? static_cast<double>(tp) / (tp + fp) : 1.0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / (tp + fn) : 1.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
  }
};

// Scores a matcher given as "does query q match bank entry b".
Score Evaluate(const Corpus::Data& d, const std::function<bool(size_t, size_t)>& match) {
  Score s;
  for (size_t q = 0; q < d.queries.size(); ++q) {
    bool found_truth = false;
    for (size_t b = 0; b < d.bank.size(); ++b) {
      if (!match(q, b)) continue;
      if (static_cast<int>(b) == d.truth[q]) {
        found_truth = true;
      } else {
        ++s.fp;
      }
    }
    if (d.truth[q] >= 0) (found_truth ? s.tp : s.fn) += 1;
  }
  return s;
}

struct Features {
  std::vector<std::vector<uint32_t>> bank, queries;
};

Features Featurize(const Corpus::Data& d,
                   const std::function<std::vector<uint32_t>(const std::string&)>& f) {
  Features out;
  for (const auto& t : d.bank) out.bank.push_back(f(NormalizeText(t)));
  for (const auto& t : d.queries) out.queries.push_back(f(NormalizeText(t)));
  return out;
}

// Compares MinHash and SimHash over several shingle kinds and thresholds, prints the table
// (docs/matching.md quotes it) and holds the chosen configuration to its bar.
TEST(TextFingerprintTest, MinHashBeatsSimHashOnLightlyEditedStatements) {
  Corpus corpus(2024);
  Corpus::Data d = corpus.Make(/*originals=*/300, /*variants=*/3, /*unrelated=*/1000,
                               /*formula=*/300);
  struct Kind {
    const char* name;
    std::function<std::vector<uint32_t>(const std::string&)> f;
  };
  std::vector<Kind> kinds = {
      {"char 3-grams", [](const std::string& s) { return CharShingles(s, 3); }},
      {"char 4-grams", [](const std::string& s) { return CharShingles(s, 4); }},
      {"char 5-grams", [](const std::string& s) { return CharShingles(s, 5); }},
      {"words", [](const std::string& s) { return WordShingles(s, 1); }},
      {"word pairs", [](const std::string& s) { return WordShingles(s, 2); }},
  };
  double best_simhash_f1 = 0;
  std::printf("%-14s %-8s %9s %9s %9s %9s\n", "features", "method", "threshold", "precision",
              "recall", "F1");
  for (const Kind& k : kinds) {
    Features fx = Featurize(d, k.f);
    std::vector<TextFingerprint> mb, mq;
    for (const auto& s : fx.bank) mb.push_back(MinHash(s, 1));
    for (const auto& s : fx.queries) mq.push_back(MinHash(s, 1));
    for (double t : {0.3, 0.4, 0.5, 0.6}) {
      Score s = Evaluate(d, [&](size_t q, size_t b) { return Similarity(mq[q], mb[b]) >= t; });
      std::printf("%-14s %-8s %9.2f %9.4f %9.4f %9.4f\n", k.name, "minhash", t, s.precision(),
                  s.recall(), s.f1());
    }
    std::vector<uint64_t> sb, sq;
    for (const auto& s : fx.bank) sb.push_back(SimHash(s));
    for (const auto& s : fx.queries) sq.push_back(SimHash(s));
    for (int t : {4, 8, 12, 16, 20}) {
      Score s = Evaluate(d, [&](size_t q, size_t b) { return std::popcount(sq[q] ^ sb[b]) <= t; });
      std::printf("%-14s %-8s %9d %9.4f %9.4f %9.4f\n", k.name, "simhash", t, s.precision(),
                  s.recall(), s.f1());
      best_simhash_f1 = std::max(best_simhash_f1, s.f1());
    }
  }

  // The chosen configuration, end to end: normalise, fingerprint, LSH index, threshold.
  TextIndex index;
  for (size_t b = 0; b < d.bank.size(); ++b) {
    index.Add(FingerprintText(NormalizeText(d.bank[b])), static_cast<uint32_t>(b));
  }
  std::vector<std::vector<TextHit>> hits(d.queries.size());
  for (size_t q = 0; q < d.queries.size(); ++q) {
    index.Find(FingerprintText(NormalizeText(d.queries[q])), kTextMatchSimilarity, hits[q]);
  }
  Score chosen = Evaluate(d, [&](size_t q, size_t b) {
    for (const TextHit& h : hits[q]) {
      if (h.id == b) return true;
    }
    return false;
  });
  std::printf(
      "chosen: minhash char %d-grams, LSH %dx%d, similarity >= %.2f: precision %.4f "
      "recall %.4f F1 %.4f (best simhash F1 %.4f)\n",
      kShingleChars, kLshBands, kLshRows, kTextMatchSimilarity, chosen.precision(), chosen.recall(),
      chosen.f1(), best_simhash_f1);
  EXPECT_GE(chosen.precision(), 0.99);
  EXPECT_GE(chosen.recall(), 0.95);
  EXPECT_GT(chosen.f1(), best_simhash_f1);
}

TEST(TextIndexTest, FindsNearDuplicatesOnceAndIgnoresEmpty) {
  TextIndex index;
  std::string a = NormalizeText("The quick council of vorla met at the old bridge at dawn today");
  std::string b = NormalizeText("Completely different words about the marlo festival and its food");
  index.Add(FingerprintText(a), 10);
  index.Add(FingerprintText(b), 20);
  index.Add(FingerprintText("ok"), 30);  // too short: not indexed
  EXPECT_EQ(index.size(), 2u);
  std::vector<TextHit> hits;
  index.Find(FingerprintText(
                 NormalizeText("the quick council of vorla met at the old bridge at dawn today!!")),
             kTextMatchSimilarity, hits);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].id, 10u);
  EXPECT_DOUBLE_EQ(hits[0].similarity, 1.0);
  hits.clear();
  index.Find(FingerprintText("ok"), 0.0, hits);
  EXPECT_TRUE(hits.empty());
}

}  // namespace
}  // namespace cordon
