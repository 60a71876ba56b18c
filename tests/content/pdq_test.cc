// PDQ: hash format, the pipeline's properties, conformance with the reference hashes of the
// authors' test images, dihedral variants, EXIF orientation, errors.
#include "cordon/content/pdq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "content/image_writers.h"
#include "test_util.h"

namespace cordon {
namespace {

std::filesystem::path PdqData() { return testing::SharedDir() / "data" / "pdq"; }

struct RefRow {
  std::string file;
  PdqHash hash;
  int quality = 0;
};

// reference-hashes.csv: file,pdq,quality
std::vector<RefRow> ReferenceRows() {
  std::vector<RefRow> rows;
  std::ifstream in(PdqData() / "reference-hashes.csv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string file, hex, q;
    std::getline(ss, file, ',');
    std::getline(ss, hex, ',');
    std::getline(ss, q, ',');
    auto h = PdqHash::FromHex(hex);
    EXPECT_TRUE(h.ok()) << line;
    if (h.ok()) rows.push_back({file, *h, std::stoi(q)});
  }
  return rows;
}

#define SKIP_WITHOUT_SHARED_DATA()                                                     \
  if (!std::filesystem::exists(PdqData() / "reference-hashes.csv")) {                  \
    GTEST_SKIP() << "reference data absent: " << (PdqData() / "reference-hashes.csv"); \
  }

std::string ImagePath(const std::string& rel) { return (PdqData() / "images" / rel).string(); }

PdqHash RefHash(const std::string& file) {
  for (const auto& r : ReferenceRows()) {
    if (r.file == file) return r.hash;
  }
  ADD_FAILURE() << "no reference row for " << file;
  return {};
}

std::vector<float> LumaOf(const Image& img) {
  std::vector<float> l(size_t(img.width) * img.height);
  for (size_t i = 0; i < l.size(); ++i) {
    if (img.channels == 1) {
      l[i] = img.pixels[i];
    } else {
      const uint8_t* p = &img.pixels[i * 3];
      l[i] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    }
  }
  return l;
}

// ---------------------------------------------------------------- the hash value

TEST(PdqHash, HexRoundTripsAndMatchesTheReferenceLayout) {
  const std::string hex = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
  auto h = PdqHash::FromHex(hex);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->Hex(), hex);
  auto upper = PdqHash::FromHex("D8F8F0CEE0F4A84F0637022A078F67F0B36E2ED596621E1D33E6339C4E9C9B22");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, *h);

  // The reference prints 16-bit words from the last to the first: bit 0 is the last digit's
  // low bit, bit 255 the first digit's high bit.
  PdqHash b;
  b.SetBit(0);
  EXPECT_EQ(b.Hex(), std::string(63, '0') + "1");
  PdqHash t;
  t.SetBit(255);
  EXPECT_EQ(t.Hex(), "8" + std::string(63, '0'));
  PdqHash m;
  m.SetBit(16);  // word 1, printed second to last
  EXPECT_EQ(m.Hex(), std::string(56, '0') + "00010000");
  EXPECT_TRUE(m.Bit(16));
  EXPECT_FALSE(m.Bit(15));
}

TEST(PdqHash, FromHexRejectsBadInput) {
  EXPECT_EQ(PdqHash::FromHex("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(PdqHash::FromHex(std::string(63, 'a')).ok());
  EXPECT_FALSE(PdqHash::FromHex(std::string(65, 'a')).ok());
  EXPECT_FALSE(PdqHash::FromHex(std::string(63, 'a') + "g").ok());
  EXPECT_FALSE(PdqHash::FromHex(std::string(31, 'a') + " " + std::string(32, 'a')).ok());
}

TEST(PdqHash, DistanceCountsDifferingBits) {
  PdqHash a, b;
  EXPECT_EQ(Distance(a, b), 0);
  for (int k : {0, 63, 64, 100, 200, 255}) b.SetBit(k);
  EXPECT_EQ(Distance(a, b), 6);
  EXPECT_EQ(Distance(b, a), 6);
  PdqHash all;
  for (int k = 0; k < 256; ++k) all.SetBit(k);
  EXPECT_EQ(Distance(a, all), 256);
  EXPECT_EQ(Distance(b, all), 250);
}

// ---------------------------------------------------------------- pipeline properties

// A flat picture's coefficients are rounding noise: its bits mean nothing, hence quality 0.
TEST(Pdq, FlatImageHasZeroQuality) {
  std::vector<float> flat(200 * 150, 77.0f);
  auto r = PdqFromLuma(flat.data(), 200, 150);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->quality, 0);
}

TEST(Pdq, ImagesUnderFivePixelsGetTheZeroHash) {
  const Image pic = testing::MakePicture(4, 300);
  auto r = PdqFromImage(pic);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hash, PdqHash());
  EXPECT_EQ(r->quality, 0);
  auto ok = PdqFromImage(testing::MakePicture(5, 300));
  ASSERT_TRUE(ok.ok());
  EXPECT_NE(ok->hash, PdqHash());
}

TEST(Pdq, QualityFollowsContrast) {
  std::mt19937 rng(3);
  std::vector<float> noise(128 * 128), faint(128 * 128);
  for (size_t i = 0; i < noise.size(); ++i) {
    noise[i] = float(rng() % 256);
    faint[i] = 120.0f + float(rng() % 3);
  }
  auto n = PdqFromLuma(noise.data(), 128, 128);
  auto f = PdqFromLuma(faint.data(), 128, 128);
  ASSERT_TRUE(n.ok() && f.ok());
  EXPECT_EQ(n->quality, 100);
  EXPECT_LT(f->quality, kPdqMinQuality);
  auto pic = PdqFromImage(testing::MakePicture(300, 200));
  ASSERT_TRUE(pic.ok());
  EXPECT_EQ(pic->quality, 100);
}

TEST(Pdq, HashSetsHalfTheBits) {
  auto r = PdqFromImage(testing::MakePicture(300, 200, 5));
  ASSERT_TRUE(r.ok());
  int ones = 0;
  for (int k = 0; k < 256; ++k) ones += r->hash.Bit(k);
  EXPECT_EQ(ones, 128);  // strictly above the lower median of 256 distinct values
}

TEST(Pdq, LumaAndImagePathsAgree) {
  for (const Image& img :
       {testing::MakePicture(300, 200), testing::ToGray(testing::MakePicture(97, 311))}) {
    auto a = PdqFromImage(img);
    const std::vector<float> luma = LumaOf(img);
    auto b = PdqFromLuma(luma.data(), img.width, img.height);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->hash, b->hash);
    EXPECT_EQ(a->quality, b->quality);
  }
}

// The video path's hasher filters in another order of memory accesses: every hash and quality
// must still equal PdqFromLuma's on the reference's luminance, for sizes around its block of 16
// rows and the 64 sampled columns, odd strides, and one hasher reused across sizes.
TEST(Pdq, FrameHasherEqualsTheLumaPath) {
  std::mt19937 rng(20);
  PdqFrameHasher hasher;
  for (auto [w, h] : std::vector<std::pair<int, int>>{{5, 5},
                                                      {6, 17},
                                                      {63, 15},
                                                      {64, 16},
                                                      {65, 33},
                                                      {320, 240},
                                                      {176, 132},
                                                      {97, 311},
                                                      {640, 360},
                                                      {1281, 721},
                                                      {300, 200}}) {
    const ptrdiff_t stride = ptrdiff_t(w) * 3 + (w % 7);
    std::vector<uint8_t> rgb(size_t(stride) * h);
    // Smooth gradients with noise, so quality varies and coefficients sit near the median.
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w * 3; ++x) {
        rgb[size_t(y) * stride + x] = uint8_t((x * 5 + y * 3 + (x % 3) * 60) % 256 ^ (rng() & 15));
      }
    }
    std::vector<float> luma(size_t(w) * h);
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const uint8_t* p = &rgb[size_t(y) * stride + 3 * x];
        luma[size_t(y) * w + x] = 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
      }
    }
    auto want = PdqFromLuma(luma.data(), w, h);
    auto got = hasher.HashRgb24(rgb.data(), w, h, stride);
    ASSERT_TRUE(want.ok() && got.ok()) << w << "x" << h;
    EXPECT_EQ(got->hash, want->hash) << w << "x" << h;
    EXPECT_EQ(got->quality, want->quality) << w << "x" << h;
  }
  auto tiny = hasher.HashRgb24(nullptr, 4, 0, 12);
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->quality, 0);
  EXPECT_FALSE(hasher.HashRgb24(nullptr, 10, 10, 30).ok());
  std::vector<uint8_t> row(30);
  EXPECT_FALSE(hasher.HashRgb24(row.data(), 10, 1, 29).ok());
}

// Over 512 px on a side, the loader takes the pixel at floor(i * size / 512) on each axis.
TEST(Pdq, LargeImagesAreResampledTo512Square) {
  const Image img = testing::MakePicture(1333, 700);
  std::vector<float> luma = LumaOf(img), small(512 * 512);
  for (int r = 0; r < 512; ++r) {
    for (int c = 0; c < 512; ++c)
      small[r * 512 + c] = luma[(r * 700 / 512) * 1333 + c * 1333 / 512];
  }
  auto a = PdqFromImage(img);
  auto b = PdqFromLuma(small.data(), 512, 512);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->hash, b->hash);
  EXPECT_EQ(a->quality, b->quality);
}

// ---------------------------------------------------------------- dihedral variants

std::vector<float> Transform(const std::vector<float>& a, int n, Dihedral t) {
  std::vector<float> out(a.size());
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) {
      int sr = r, sc = c;  // source of output (r, c)
      switch (t) {
        case Dihedral::kOriginal:
          break;
        case Dihedral::kRotate90:
          sr = c, sc = n - 1 - r;
          break;  // counter-clockwise
        case Dihedral::kRotate180:
          sr = n - 1 - r, sc = n - 1 - c;
          break;
        case Dihedral::kRotate270:
          sr = n - 1 - c, sc = r;
          break;
        case Dihedral::kFlipX:
          sr = n - 1 - r;
          break;  // upside down
        case Dihedral::kFlipY:
          sc = n - 1 - c;
          break;  // left-right
        case Dihedral::kFlipPlus1:
          sr = c, sc = r;
          break;
        case Dihedral::kFlipMinus1:
          sr = n - 1 - c, sc = n - 1 - r;
          break;
      }
      out[r * n + c] = a[sr * n + sc];
    }
  }
  return out;
}

// At 64 x 64 the box filter and the sampling are symmetric, so each variant computed from the
// one DCT must equal the hash of the transformed picture.
TEST(PdqDihedral, VariantsEqualHashesOfTransformedImages) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    const std::vector<float> luma = LumaOf(testing::MakePicture(64, 64, seed));
    auto d = PdqDihedralFromLuma(luma.data(), 64, 64);
    ASSERT_TRUE(d.ok());
    for (int t = 0; t < 8; ++t) {
      const std::vector<float> moved = Transform(luma, 64, Dihedral(t));
      auto h = PdqFromLuma(moved.data(), 64, 64);
      ASSERT_TRUE(h.ok());
      EXPECT_EQ(d->hashes[t], h->hash) << "seed " << seed << " transform " << t;
      EXPECT_EQ(d->quality, h->quality);
    }
    auto plain = PdqFromLuma(luma.data(), 64, 64);
    EXPECT_EQ(d->hashes[0], plain->hash);
  }
}

// The authors' eight re-encoded transforms of one photo: variant t of the original matches file
// t (distance <= 31) and none of the others.
TEST(PdqDihedral, MatchTheReferenceTransformedPhotos) {
  SKIP_WITHOUT_SHARED_DATA();
  const char* files[8] = {"bridge-1-original",    "bridge-2-rotate-90",   "bridge-3-rotate-180",
                          "bridge-4-rotate-270",  "bridge-5-flipx",       "bridge-6-flipy",
                          "bridge-7-flip-plus-1", "bridge-8-flip-minus-1"};
  auto d = PdqDihedralFromFile(ImagePath("reg-test-input/dih/bridge-1-original.jpg"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  for (int t = 0; t < 8; ++t) {
    for (int f = 0; f < 8; ++f) {
      const int dist =
          Distance(d->hashes[t], RefHash(std::string("reg-test-input/dih/") + files[f] + ".jpg"));
      if (t == f) {
        EXPECT_LE(dist, kPdqMatchDistance) << files[f];
      } else {
        EXPECT_GT(dist, 3 * kPdqMatchDistance) << "variant " << t << " vs " << files[f];
      }
    }
  }
}

// ---------------------------------------------------------------- conformance

// Same decoded pixels (libjpeg's default decode, libpng), same hash; the quality too.
TEST(PdqConformance, ReferenceImagesHashExactly) {
  SKIP_WITHOUT_SHARED_DATA();
  const auto rows = ReferenceRows();
  ASSERT_GE(rows.size(), 30u);
  for (const auto& row : rows) {
    auto r = PdqFromFile(ImagePath(row.file));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->hash.Hex(), row.hash.Hex()) << row.file;
    EXPECT_EQ(Distance(r->hash, row.hash), 0) << row.file;
    EXPECT_EQ(r->quality, row.quality) << row.file;
  }
}

// DCT-domain JPEG scaling changes the pixels: within the authors' bound of 10 bits for images
// of quality >= 80.
TEST(PdqConformance, FastJpegDecodingStaysWithinTenBits) {
  SKIP_WITHOUT_SHARED_DATA();
  PdqOptions fast;
  fast.fast_jpeg = true;
  int scaled = 0;
  for (const auto& row : ReferenceRows()) {
    auto r = PdqFromFile(ImagePath(row.file), fast);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (row.quality >= 80) {
      EXPECT_LE(Distance(r->hash, row.hash), 10) << row.file;
      EXPECT_GE(r->quality, 80) << row.file;
    }
    if (Distance(r->hash, row.hash) > 0) ++scaled;
  }
  EXPECT_GT(scaled, 0);  // the option does change something
}

// The reference refuses alpha, CMYK and WebP; these are the same photo saved that way.
TEST(PdqConformance, FormatsTheReferenceRefuses) {
  SKIP_WITHOUT_SHARED_DATA();
  const PdqHash original = RefHash("misc-images/modes/original.jpg");
  for (const char* f :
       {"LA.png", "RGBA.png", "CMYK.jpg", "F.webp", "HSV.webp", "I.webp", "LAB.webp", "PA.webp"}) {
    for (AlphaMode alpha : {AlphaMode::kIgnore, AlphaMode::kOverWhite}) {
      PdqOptions o;
      o.alpha = alpha;
      auto r = PdqFromFile(ImagePath(std::string("misc-images/modes/") + f), o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_LE(Distance(r->hash, original), 10) << f;
      EXPECT_EQ(r->quality, 100) << f;
    }
  }
  // Pictures with real transparency hash in both modes.
  for (const char* f : {"misc-images/c.png", "reg-test-input/pen-and-coaster.png"}) {
    for (AlphaMode alpha : {AlphaMode::kIgnore, AlphaMode::kOverWhite}) {
      PdqOptions o;
      o.alpha = alpha;
      auto r = PdqFromFile(ImagePath(f), o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_GT(r->quality, 0) << f;
    }
  }
}

// ---------------------------------------------------------------- EXIF orientation

TEST(PdqExif, OrientationOptionHashesTheDisplayedPicture) {
  const Image pic = testing::MakePicture(700, 450, 4);
  for (int o = 2; o <= 8; ++o) {
    const std::string jpg =
        testing::EncodeJpeg(pic, 92, false, testing::ExifWithOrientation(o, o % 2));
    auto decoded = DecodeImage(jpg, "o.jpg");
    ASSERT_TRUE(decoded.ok());
    PdqOptions apply;
    apply.apply_exif_orientation = true;
    auto shown = PdqFromBytes(jpg, "o.jpg", apply);
    auto stored = PdqFromBytes(jpg, "o.jpg");
    auto want_shown = PdqFromImage(testing::Orient(*decoded, o));
    auto want_stored = PdqFromImage(*decoded);
    ASSERT_TRUE(shown.ok() && stored.ok() && want_shown.ok() && want_stored.ok());
    EXPECT_EQ(shown->hash, want_shown->hash) << "orientation " << o;
    EXPECT_EQ(stored->hash, want_stored->hash) << "orientation " << o;
    EXPECT_GT(Distance(shown->hash, stored->hash), kPdqMatchDistance) << "orientation " << o;
  }
}

// The reference ignores EXIF; applying it turns each photo the way its dihedral variant says.
TEST(PdqExif, ReferenceRotatedPhotos) {
  SKIP_WITHOUT_SHARED_DATA();
  const std::map<int, Dihedral> turn = {{1, Dihedral::kOriginal},
                                        {3, Dihedral::kRotate180},
                                        {6, Dihedral::kRotate270},
                                        {8, Dihedral::kRotate90}};
  PdqOptions apply;
  apply.apply_exif_orientation = true;
  for (const auto& [o, t] : turn) {
    const std::string file = "reg-test-input/exif-rotn/exif-rotn-" + std::to_string(o) + ".jpg";
    auto raw = PdqDihedralFromFile(ImagePath(file));
    auto shown = PdqFromFile(ImagePath(file), apply);
    ASSERT_TRUE(raw.ok() && shown.ok());
    EXPECT_EQ(raw->hashes[0], RefHash(file));
    // The nearest variant is the turn the tag asks for, within matching distance (not 0: the
    // 512 px resampling and the even box window are not symmetric).
    EXPECT_LE(Distance(shown->hash, raw->hashes[int(t)]), kPdqMatchDistance) << file;
    for (int k = 0; k < 8; ++k) {
      if (k != int(t)) {
        EXPECT_GT(Distance(shown->hash, raw->hashes[k]), 3 * kPdqMatchDistance) << file << k;
      }
    }
    if (o == 1) {
      EXPECT_EQ(shown->hash, raw->hashes[0]);
    }
  }
}

// ---------------------------------------------------------------- errors

TEST(PdqFile, DamagedAndNonImageFilesAreErrors) {
  testing::TempDir tmp;
  const std::string jpg = testing::EncodeJpeg(testing::MakePicture(300, 200), 90);
  testing::WriteFile(tmp.path() / "cut.jpg", jpg.substr(0, jpg.size() / 2));
  testing::WriteFile(tmp.path() / "notes.txt", "not a picture");
  auto cut = PdqFromFile(tmp.File("cut.jpg"));
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(cut.status().ToString().find("cut.jpg"), std::string::npos);
  auto txt = PdqFromFile(tmp.File("notes.txt"));
  ASSERT_FALSE(txt.ok());
  EXPECT_EQ(txt.status().code(), StatusCode::kUnsupported);
  auto missing = PdqFromFile(tmp.File("absent.png"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_FALSE(PdqFromLuma(nullptr, -1, 5).ok());
  EXPECT_FALSE(PdqFromLuma(nullptr, 64, 64).ok());
  std::vector<float> nan(64 * 64, 1.0f);
  nan[100] = std::nanf("");
  EXPECT_EQ(PdqFromLuma(nan.data(), 64, 64).status().code(), StatusCode::kInvalidArgument);
}

TEST(PdqFile, LimitsAreApplied) {
  const std::string jpg = testing::EncodeJpeg(testing::MakePicture(300, 200), 90);
  PdqOptions o;
  o.max_pixels = 300 * 200 - 1;
  auto r = PdqFromBytes(jpg, "big.jpg", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  o.max_pixels = 300 * 200;
  EXPECT_TRUE(PdqFromBytes(jpg, "big.jpg", o).ok());
  o.max_file_bytes = int64_t(jpg.size()) - 1;
  EXPECT_EQ(PdqFromBytes(jpg, "big.jpg", o).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace cordon
