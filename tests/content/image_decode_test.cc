// Image decoders: formats, conversions, limits, damaged input, EXIF orientation.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "content/image_writers.h"
#include "cordon/content/image.h"
#include "test_util.h"

namespace cordon {
namespace {

using namespace std::literals;
using testing::EncodeJpeg;
using testing::EncodePng;
using testing::MakePicture;
using testing::PngSpec;

double MeanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  EXPECT_EQ(a.size(), b.size());
  double s = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) s += std::abs(int(a[i]) - int(b[i]));
  return a.empty() ? 0 : s / a.size();
}

std::filesystem::path PdqImages() { return testing::SharedDir() / "data" / "pdq" / "images"; }

// Keeps the rows it is offered, wanting only every `step`-th one.
class SparseSink final : public ImageRowSink {
 public:
  explicit SparseSink(int step) : step_(step) {}
  Status Begin(const ImageInfo& info) override {
    info_ = info;
    rows_.assign(info.height, {});
    return Status::Ok();
  }
  bool WantRow(int y) override { return y % step_ == 0; }
  void Row(int y, const uint8_t* p) override {
    rows_[y].assign(p, p + size_t(info_.width) * info_.channels);
  }
  ImageInfo info_;
  std::vector<std::vector<uint8_t>> rows_;

 private:
  int step_;
};

TEST(ImageSniff, RecognisesMagicNumbers) {
  EXPECT_EQ(SniffImageFormat("\xff\xd8\xff\xe0"sv), ImageFormat::kJpeg);
  EXPECT_EQ(SniffImageFormat("\x89PNG\r\n\x1a\n\0\0\0\x0d"sv), ImageFormat::kPng);
  EXPECT_EQ(SniffImageFormat("RIFF\x10\0\0\0WEBPVP8 "sv), ImageFormat::kWebp);
  EXPECT_EQ(SniffImageFormat("RIFF\x10\0\0\0WAVEfmt "sv), ImageFormat::kUnknown);
  EXPECT_EQ(SniffImageFormat("\xff\xd8"sv), ImageFormat::kUnknown);
  EXPECT_EQ(SniffImageFormat("GIF89a"), ImageFormat::kUnknown);
  EXPECT_EQ(SniffImageFormat(""), ImageFormat::kUnknown);
}

TEST(ImageDecode, JpegRgbAndGray) {
  const Image pic = MakePicture(120, 90);
  auto rgb = DecodeImage(EncodeJpeg(pic, 95), "rgb.jpg");
  ASSERT_TRUE(rgb.ok()) << rgb.status().ToString();
  EXPECT_EQ(rgb->format, ImageFormat::kJpeg);
  EXPECT_EQ(rgb->width, 120);
  EXPECT_EQ(rgb->height, 90);
  EXPECT_EQ(rgb->channels, 3);
  EXPECT_LT(MeanAbsDiff(rgb->pixels, pic.pixels), 4.0);

  const Image gray = testing::ToGray(pic);
  auto g = DecodeImage(EncodeJpeg(gray, 95), "gray.jpg");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->channels, 1);
  EXPECT_LT(MeanAbsDiff(g->pixels, gray.pixels), 3.0);
}

// Photoshop's convention, which PIL and libjpeg-based viewers follow: CMYK with an Adobe marker
// is stored inverted (255 - ink).
TEST(ImageDecode, CmykJpegIsConvertedToRgb) {
  const Image pic = MakePicture(64, 48);
  std::vector<uint8_t> cmyk(size_t(64) * 48 * 4);
  for (size_t i = 0; i < size_t(64) * 48; ++i) {
    // ink c = 255 - r etc. and no black; stored inverted, so stored = r, g, b, 255.
    cmyk[i * 4 + 0] = pic.pixels[i * 3 + 0];
    cmyk[i * 4 + 1] = pic.pixels[i * 3 + 1];
    cmyk[i * 4 + 2] = pic.pixels[i * 3 + 2];
    cmyk[i * 4 + 3] = 255;
  }
  auto img = DecodeImage(EncodeJpeg(cmyk.data(), 64, 48, 4, 95), "cmyk.jpg");
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->channels, 3);
  EXPECT_LT(MeanAbsDiff(img->pixels, pic.pixels), 4.0);
}

TEST(ImageDecode, PngRgbGrayAndWebpAreLossless) {
  const Image pic = MakePicture(70, 50);
  auto rgb = DecodeImage(EncodePng(pic), "a.png");
  ASSERT_TRUE(rgb.ok()) << rgb.status().ToString();
  EXPECT_EQ(rgb->channels, 3);
  EXPECT_EQ(rgb->pixels, pic.pixels);

  const Image gray = testing::ToGray(pic);
  auto g = DecodeImage(EncodePng(gray), "g.png");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->channels, 1);
  EXPECT_EQ(g->pixels, gray.pixels);

  auto w = DecodeImage(testing::EncodeWebpLossless(pic), "a.webp");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->format, ImageFormat::kWebp);
  EXPECT_EQ(w->channels, 3);
  EXPECT_EQ(w->pixels, pic.pixels);
}

TEST(ImageDecode, PngBitDepthsAndPalette) {
  // 1-bit gray expands to 0 / 255.
  PngSpec one{.width = 9, .height = 2, .color_type = PNG_COLOR_TYPE_GRAY, .bit_depth = 1};
  one.data = {0b10100000, 0b10000000, 0b01000000, 0b00000000};  // 2 bytes per row
  auto a = DecodeImage(EncodePng(one), "one.png");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->channels, 1);
  EXPECT_EQ(a->pixels, (std::vector<uint8_t>{255, 0, 255, 0, 0, 0, 0, 0, 255,  //
                                             0, 255, 0, 0, 0, 0, 0, 0, 0}));

  // 16-bit samples are scaled to 8 bits with rounding.
  PngSpec deep{.width = 3, .height = 1, .color_type = PNG_COLOR_TYPE_GRAY, .bit_depth = 16};
  deep.data = {0x00, 0x00, 0x12, 0x34, 0xff, 0xff};
  auto d = DecodeImage(EncodePng(deep), "deep.png");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->pixels,
            (std::vector<uint8_t>{0, uint8_t(std::lround(0x1234 * 255.0 / 65535)), 255}));

  // Palette images come out as RGB.
  PngSpec pal{.width = 2, .height = 2, .color_type = PNG_COLOR_TYPE_PALETTE, .bit_depth = 8};
  pal.palette = {{10, 20, 30}, {200, 100, 50}};
  pal.data = {0, 1, 1, 0};
  auto p = DecodeImage(EncodePng(pal), "pal.png");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->channels, 3);
  EXPECT_EQ(p->pixels, (std::vector<uint8_t>{10, 20, 30, 200, 100, 50, 200, 100, 50, 10, 20, 30}));
}

TEST(ImageDecode, PngInterlacedEqualsPlain) {
  const Image pic = MakePicture(37, 23);
  PngSpec s{.width = 37, .height = 23, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8};
  s.data = pic.pixels;
  s.interlace = true;
  auto img = DecodeImage(EncodePng(s), "adam7.png");
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->pixels, pic.pixels);
}

TEST(ImageDecode, AlphaIsDroppedOrCompositedOverWhite) {
  PngSpec s{.width = 3, .height = 1, .color_type = PNG_COLOR_TYPE_RGBA, .bit_depth = 8};
  s.data = {10, 20, 30, 0, 10, 20, 30, 255, 200, 100, 0, 128};
  const std::string png = EncodePng(s);
  auto ignore = DecodeImage(png, "rgba.png");
  ASSERT_TRUE(ignore.ok()) << ignore.status().ToString();
  EXPECT_EQ(ignore->channels, 3);
  EXPECT_EQ(ignore->pixels, (std::vector<uint8_t>{10, 20, 30, 10, 20, 30, 200, 100, 0}));

  ImageDecodeOptions white;
  white.alpha = AlphaMode::kOverWhite;
  auto over = DecodeImage(png, "rgba.png", white);
  ASSERT_TRUE(over.ok());
  auto blend = [](int c, int a) { return uint8_t((c * a + 255 * (255 - a) + 127) / 255); };
  EXPECT_EQ(over->pixels, (std::vector<uint8_t>{255, 255, 255, 10, 20, 30, blend(200, 128),
                                                blend(100, 128), blend(0, 128)}));

  PngSpec ga{.width = 2, .height = 1, .color_type = PNG_COLOR_TYPE_GRAY_ALPHA, .bit_depth = 8};
  ga.data = {40, 0, 40, 255};
  auto g1 = DecodeImage(EncodePng(ga), "ga.png");
  ASSERT_TRUE(g1.ok());
  EXPECT_EQ(g1->channels, 1);
  EXPECT_EQ(g1->pixels, (std::vector<uint8_t>{40, 40}));
  auto g2 = DecodeImage(EncodePng(ga), "ga.png", white);
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(g2->pixels, (std::vector<uint8_t>{255, 40}));

  // Palette transparency (tRNS) follows the same rule.
  PngSpec pal{.width = 2, .height = 1, .color_type = PNG_COLOR_TYPE_PALETTE, .bit_depth = 8};
  pal.palette = {{10, 20, 30}, {200, 100, 50}};
  pal.trns = {0, 255};
  pal.data = {0, 1};
  auto p1 = DecodeImage(EncodePng(pal), "pa.png");
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->pixels, (std::vector<uint8_t>{10, 20, 30, 200, 100, 50}));
  auto p2 = DecodeImage(EncodePng(pal), "pa.png", white);
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->pixels, (std::vector<uint8_t>{255, 255, 255, 200, 100, 50}));
}

TEST(ImageDecode, DctScaledJpeg) {
  const Image pic = MakePicture(200, 120);
  ImageDecodeOptions o;
  o.jpeg_scale_denom = [](int w, int h) { return (w == 200 && h == 120) ? 4 : 1; };
  auto img = DecodeImage(EncodeJpeg(pic, 90), "s.jpg", o);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->width, 50);
  EXPECT_EQ(img->height, 30);
  EXPECT_EQ(img->source_width, 200);
  EXPECT_EQ(img->source_height, 120);
}

// Skipped rows must not change the rows that are decoded (jpeg_skip_scanlines with fancy
// upsampling), for baseline, progressive, 4:2:0 and gray data.
TEST(ImageDecode, SkippingRowsKeepsTheOthersExact) {
  std::vector<std::pair<std::string, std::string>> files;
  const Image pic = MakePicture(300, 211);
  files.push_back({"baseline", EncodeJpeg(pic, 90)});
  files.push_back({"progressive", EncodeJpeg(pic, 80, true)});
  files.push_back({"gray", EncodeJpeg(testing::ToGray(pic), 90)});
  for (const char* f : {"bridge-mods/aaa-orig.jpg", "reg-test-input/dih/bridge-2-rotate-90.jpg"}) {
    if (std::filesystem::exists(PdqImages() / f)) {
      files.push_back({f, testing::ReadFile(PdqImages() / f)});
    }
  }
  for (const auto& [name, bytes] : files) {
    auto full = DecodeImage(bytes, name);
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    for (int step : {2, 3, 7, 40}) {
      SparseSink sink(step);
      ASSERT_TRUE(DecodeImageRows(bytes, name, {}, sink).ok()) << name;
      for (int y = 0; y < full->height; y += step) {
        const uint8_t* want = full->Row(y);
        ASSERT_EQ(sink.rows_[y], std::vector<uint8_t>(want, want + full->width * full->channels))
            << name << " step " << step << " row " << y;
      }
    }
  }
}

TEST(ImageDecode, NotAnImage) {
  auto r = DecodeImage("hello, this is text", "notes.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(r.status().ToString().find("notes.txt"), std::string::npos);
}

TEST(ImageDecode, TruncatedFilesAreErrors) {
  const Image pic = MakePicture(160, 120);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"base.jpg", EncodeJpeg(pic, 90)},
      {"prog.jpg", EncodeJpeg(pic, 90, true)},
      {"a.png", EncodePng(pic)},
      {"a.webp", testing::EncodeWebpLossless(pic)},
  };
  for (const auto& [name, bytes] : files) {
    for (size_t keep : {bytes.size() / 2, bytes.size() - 30, size_t(40), size_t(12)}) {
      auto r = DecodeImage(std::string_view(bytes).substr(0, keep), name);
      ASSERT_FALSE(r.ok()) << name << " cut to " << keep;
      EXPECT_EQ(r.status().code(), StatusCode::kCorrupt) << r.status().ToString();
      EXPECT_NE(r.status().ToString().find(name), std::string::npos);
    }
  }
}

TEST(ImageDecode, PngWithBadCrcIsAnError) {
  std::string png = EncodePng(MakePicture(40, 30));
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  png[idat + 10] ^= 0x55;
  auto r = DecodeImage(png, "crc.png");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
}

// Damaged bytes anywhere: a value or an error, never a crash (run under ASan in CI).
TEST(ImageDecode, RandomDamageNeverCrashes) {
  const Image pic = MakePicture(64, 40);
  const std::vector<std::string> files = {EncodeJpeg(pic, 90), EncodeJpeg(pic, 90, true),
                                          EncodePng(pic), testing::EncodeWebpLossless(pic)};
  std::mt19937 rng(7);
  int errors = 0;
  for (const std::string& original : files) {
    for (int round = 0; round < 150; ++round) {
      std::string b = original;
      const int flips = 1 + int(rng() % 8);
      for (int i = 0; i < flips; ++i) b[rng() % b.size()] ^= char(1 + rng() % 255);
      auto r = DecodeImage(b, "damaged");
      if (!r.ok()) {
        ++errors;
      } else {
        EXPECT_EQ(r->pixels.size(), size_t(r->width) * r->height * r->channels);
      }
    }
  }
  EXPECT_GT(errors, 0);
}

uint32_t Crc32(std::string_view s) {
  uint32_t c = 0xffffffffu;
  for (unsigned char ch : s) {
    c ^= ch;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

void PutBe32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char((v >> (24 - 8 * i)) & 255);
}

// A header that claims billions of pixels is refused before anything that size is allocated.
TEST(ImageDecode, DecompressionBombsAreRefusedFromTheHeader) {
  const Image pic = MakePicture(32, 32);
  std::string jpg = EncodeJpeg(pic, 90);
  const size_t sof = jpg.find("\xff\xc0");
  ASSERT_NE(sof, std::string::npos);
  jpg[sof + 5] = jpg[sof + 7] = char(0xfd);  // 65000 x 65000
  jpg[sof + 6] = jpg[sof + 8] = char(0xe8);
  auto j = DecodeImage(jpg, "bomb.jpg");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().code(), StatusCode::kResourceExhausted) << j.status().ToString();

  std::string png = EncodePng(pic);
  PutBe32(png, 16, 50000);  // IHDR width, height
  PutBe32(png, 20, 50000);
  PutBe32(png, 29, Crc32(std::string_view(png).substr(12, 17)));
  auto p = DecodeImage(png, "bomb.png");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted) << p.status().ToString();

  ImageDecodeOptions small;
  small.max_pixels = 1000;
  for (const auto& [name, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"a.jpg", EncodeJpeg(pic, 90)},
           {"a.png", EncodePng(pic)},
           {"a.webp", testing::EncodeWebpLossless(pic)}}) {
    auto r = DecodeImage(bytes, name, small);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << name;
  }
}

TEST(ImageDecode, FileLimitsAndMissingFiles) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.path() / "a.png", EncodePng(MakePicture(30, 30)));
  ImageDecodeOptions o;
  o.max_file_bytes = 100;
  auto big = DecodeImageFile(tmp.File("a.png"), o);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(DecodeImageFile(tmp.File("a.png")).ok());
  auto missing = DecodeImageFile(tmp.File("nope.png"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  EXPECT_NE(missing.status().ToString().find("nope.png"), std::string::npos);
}

TEST(ImageExif, ParsesOrientationInBothByteOrders) {
  for (int o = 1; o <= 8; ++o) {
    EXPECT_EQ(ParseExifOrientation(testing::ExifWithOrientation(o, true)), o);
    EXPECT_EQ(ParseExifOrientation(testing::ExifWithOrientation(o, false)), o);
    EXPECT_EQ(ParseExifOrientation(testing::ExifWithOrientation(o, false).substr(6)), o);
  }
  EXPECT_EQ(ParseExifOrientation(testing::ExifWithOrientation(9, true)), 1);  // out of range
  EXPECT_EQ(ParseExifOrientation(""), 1);
  EXPECT_EQ(ParseExifOrientation("Exif\0\0MM\0\x2a"sv), 1);
  const std::string full = testing::ExifWithOrientation(6, true);
  for (size_t n = 0; n < full.size() - 4; ++n) {
    EXPECT_EQ(ParseExifOrientation(full.substr(0, n)), 1) << n;  // truncated: absent
  }
  std::string bad_ifd = full;
  bad_ifd[6 + 7] = char(0xf0);  // IFD offset past the end
  EXPECT_EQ(ParseExifOrientation(bad_ifd), 1);
}

TEST(ImageExif, OrientationIsReadOnlyWhenAsked) {
  const Image pic = MakePicture(40, 30);
  const std::string jpg = EncodeJpeg(pic, 90, false, testing::ExifWithOrientation(6, false));
  ImageDecodeOptions ask;
  ask.read_orientation = true;
  auto with = DecodeImage(jpg, "o.jpg", ask);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_EQ(with->orientation, 6);
  EXPECT_EQ(with->width, 40);  // pixels stay as stored
  auto without = DecodeImage(jpg, "o.jpg");
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->orientation, 1);
  EXPECT_EQ(without->pixels, with->pixels);

  PngSpec s{.width = 40, .height = 30, .color_type = PNG_COLOR_TYPE_RGB, .bit_depth = 8};
  s.data = pic.pixels;
  s.exif = testing::ExifWithOrientation(3, true).substr(6);
  auto png = DecodeImage(EncodePng(s), "o.png", ask);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_EQ(png->orientation, 3);
}

TEST(ImageExif, ReferencePhotos) {
  if (!std::filesystem::exists(PdqImages())) GTEST_SKIP() << "no " << PdqImages();
  ImageDecodeOptions ask;
  ask.read_orientation = true;
  for (int o : {1, 3, 6, 8}) {
    const auto path =
        PdqImages() / "reg-test-input" / "exif-rotn" / ("exif-rotn-" + std::to_string(o) + ".jpg");
    auto img = DecodeImageFile(path.string(), ask);
    ASSERT_TRUE(img.ok()) << img.status().ToString();
    EXPECT_EQ(img->orientation, o);
  }
}

}  // namespace
}  // namespace cordon
