#include "cordon/sim/media.h"

// clang-format off
#include <cstdio>
#include <csetjmp>
#include <jpeglib.h>
// clang-format on

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cordon/content/pdq.h"
#include "cordon/sim/rng.h"
#include "cordon/util/digest.h"

namespace cordon::sim {
namespace {

constexpr int kMinSide = 128;

struct Color {
  int r, g, b;
};

Color RandomColor(Rng& rng, int lo = 0, int hi = 255) {
  return {static_cast<int>(rng.Range(lo, hi)), static_cast<int>(rng.Range(lo, hi)),
          static_cast<int>(rng.Range(lo, hi))};
}

uint8_t Clamp8(double v) { return static_cast<uint8_t>(std::clamp(v, 0.0, 255.0)); }

class Canvas {
 public:
  explicit Canvas(RgbImage& img) : img_(img) {}
  int w() const { return img_.width; }
  int h() const { return img_.height; }

  void Blend(int x, int y, Color c, double a) {
    if (x < 0 || y < 0 || x >= w() || y >= h()) return;
    uint8_t* p = &img_.pixels[(static_cast<size_t>(y) * w() + x) * 3];
    if (a >= 1) {
      p[0] = static_cast<uint8_t>(c.r);
      p[1] = static_cast<uint8_t>(c.g);
      p[2] = static_cast<uint8_t>(c.b);
      return;
    }
    p[0] = Clamp8(p[0] * (1 - a) + c.r * a);
    p[1] = Clamp8(p[1] * (1 - a) + c.g * a);
    p[2] = Clamp8(p[2] * (1 - a) + c.b * a);
  }
  void Gradient(Color a, Color b, double angle) {
    const float cx = static_cast<float>(std::cos(angle) / (w() * 0.75));
    const float cy = static_cast<float>(std::sin(angle) / (w() * 0.75));
    const float dr = static_cast<float>(b.r - a.r), dg = static_cast<float>(b.g - a.g),
                db = static_cast<float>(b.b - a.b);
    for (int y = 0; y < h(); ++y) {
      float t = (-w() / 2.0f) * cx + (y - h() / 2.0f) * cy + 0.5f;
      uint8_t* p = &img_.pixels[static_cast<size_t>(y) * w() * 3];
      for (int x = 0; x < w(); ++x, t += cx, p += 3) {
        const float u = std::clamp(t, 0.0f, 1.0f);
        p[0] = static_cast<uint8_t>(a.r + dr * u);
        p[1] = static_cast<uint8_t>(a.g + dg * u);
        p[2] = static_cast<uint8_t>(a.b + db * u);
      }
    }
  }
  void Rect(double x0, double y0, double x1, double y1, Color c, double a = 1) {
    for (int y = std::max(0, static_cast<int>(y0)); y < std::min(h(), static_cast<int>(y1)); ++y)
      for (int x = std::max(0, static_cast<int>(x0)); x < std::min(w(), static_cast<int>(x1)); ++x)
        Blend(x, y, c, a);
  }
  void Circle(double cx, double cy, double r, Color c, double inner = 0, double a = 1) {
    // Row spans: the disc's chord, less the hole's.
    for (int y = std::max(0, static_cast<int>(cy - r));
         y <= std::min(h() - 1, static_cast<int>(cy + r)); ++y) {
      const double dy2 = (y - cy) * (y - cy);
      if (dy2 > r * r) continue;
      const double half = std::sqrt(r * r - dy2);
      const double hole = dy2 < inner * inner ? std::sqrt(inner * inner - dy2) : -1;
      const int x0 = std::max(0, static_cast<int>(std::ceil(cx - half)));
      const int x1 = std::min(w() - 1, static_cast<int>(std::floor(cx + half)));
      for (int x = x0; x <= x1; ++x) {
        if (hole > 0 && std::abs(x - cx) < hole) continue;
        Blend(x, y, c, a);
      }
    }
  }
  void Triangle(double ax, double ay, double bx, double by, double qx, double qy, Color c,
                double a = 1) {
    const int x0 = std::max(0, static_cast<int>(std::min({ax, bx, qx})));
    const int x1 = std::min(w() - 1, static_cast<int>(std::max({ax, bx, qx})));
    const int y0 = std::max(0, static_cast<int>(std::min({ay, by, qy})));
    const int y1 = std::min(h() - 1, static_cast<int>(std::max({ay, by, qy})));
    auto edge = [](double px, double py, double ux, double uy, double vx, double vy) {
      return (vx - ux) * (py - uy) - (vy - uy) * (px - ux);
    };
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const double e0 = edge(x, y, ax, ay, bx, by), e1 = edge(x, y, bx, by, qx, qy),
                     e2 = edge(x, y, qx, qy, ax, ay);
        if ((e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0)) Blend(x, y, c, a);
      }
    }
  }
  void Line(double x0, double y0, double x1, double y1, double r, Color c, double a = 1) {
    const int bx0 = std::max(0, static_cast<int>(std::min(x0, x1) - r));
    const int bx1 = std::min(w() - 1, static_cast<int>(std::max(x0, x1) + r));
    const int by0 = std::max(0, static_cast<int>(std::min(y0, y1) - r));
    const int by1 = std::min(h() - 1, static_cast<int>(std::max(y0, y1) + r));
    const double dx = x1 - x0, dy = y1 - y0, len2 = std::max(1e-9, dx * dx + dy * dy);
    for (int y = by0; y <= by1; ++y) {
      for (int x = bx0; x <= bx1; ++x) {
        const double t = std::clamp(((x - x0) * dx + (y - y0) * dy) / len2, 0.0, 1.0);
        const double ex = x - (x0 + t * dx), ey = y - (y0 + t * dy);
        if (ex * ex + ey * ey <= r * r) Blend(x, y, c, a);
      }
    }
  }
  void Stripes(double x0, double y0, double x1, double y1, double period, double angle, Color c,
               double a) {
    const double cx = std::cos(angle), cy = std::sin(angle);
    for (int y = std::max(0, static_cast<int>(y0)); y < std::min(h(), static_cast<int>(y1)); ++y) {
      for (int x = std::max(0, static_cast<int>(x0)); x < std::min(w(), static_cast<int>(x1));
           ++x) {
        const double v = std::abs(x * cx + y * cy);
        if (v - period * std::floor(v / period) < period / 2) Blend(x, y, c, a);
      }
    }
  }

 private:
  RgbImage& img_;
};

// Glyph-like marks: a few strokes per cell, like writing in no real script.
void Glyphs(Canvas& cv, Rng& rng, double x, double y, double cell, int n, Color c) {
  for (int g = 0; g < n; ++g) {
    const double gx = x + g * cell * 1.1;
    const int strokes = static_cast<int>(rng.Range(2, 4));
    double px = gx + rng.Uniform(0, cell), py = y + rng.Uniform(0, cell);
    for (int s = 0; s < strokes; ++s) {
      const double qx = gx + rng.Uniform(0, cell), qy = y + rng.Uniform(0, cell);
      cv.Line(px, py, qx, qy, std::max(1.0, cell / 10), c);
      px = qx;
      py = qy;
    }
  }
}

void Emblem(Canvas& cv, uint64_t emblem_seed, double cx, double cy, double r) {
  Rng rng(emblem_seed);
  const Color c1 = RandomColor(rng, 150, 255), c2 = RandomColor(rng, 0, 90);
  cv.Circle(cx, cy, r, c1);
  cv.Circle(cx, cy, r * 0.8, c2, r * 0.6);
  const int points = static_cast<int>(rng.Range(3, 7));
  const double rot = rng.Uniform(0, 6.283);
  for (int i = 0; i < points; ++i) {
    const double a0 = rot + 6.283 * i / points, a1 = rot + 6.283 * (i + 0.5) / points;
    cv.Triangle(cx, cy, cx + r * 0.55 * std::cos(a0), cy + r * 0.55 * std::sin(a0),
                cx + r * 0.3 * std::cos(a1), cy + r * 0.3 * std::sin(a1), c2);
  }
}

struct JpegError {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void OnJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}
void OnJpegMessage(j_common_ptr, int) {}

// No C++ objects with destructors live in the two functions below: libjpeg reports errors
// by longjmp.
bool EncodeRaw(const uint8_t* px, int w, int h, int quality, unsigned char** out,
               unsigned long* size, char* message) {
  jpeg_compress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnJpegError;
  err.pub.emit_message = OnJpegMessage;
  if (setjmp(err.jump)) {
    std::memcpy(message, err.message, JMSG_LENGTH_MAX);
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, size);
  cinfo.image_width = static_cast<JDIMENSION>(w);
  cinfo.image_height = static_cast<JDIMENSION>(h);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(px + static_cast<size_t>(cinfo.next_scanline) * w * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

bool DecodeRaw(const unsigned char* data, unsigned long size, uint8_t** out, int* w, int* h,
               char* message) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  uint8_t* volatile buf = nullptr;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnJpegError;
  err.pub.emit_message = OnJpegMessage;
  if (setjmp(err.jump)) {
    std::memcpy(message, err.message, JMSG_LENGTH_MAX);
    jpeg_destroy_decompress(&cinfo);
    std::free(buf);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const size_t stride = static_cast<size_t>(cinfo.output_width) * 3;
  buf = static_cast<uint8_t*>(std::malloc(stride * cinfo.output_height));
  if (buf == nullptr) {
    std::snprintf(message, JMSG_LENGTH_MAX, "out of memory");
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = buf + static_cast<size_t>(cinfo.output_scanline) * stride;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  *w = static_cast<int>(cinfo.output_width);
  *h = static_cast<int>(cinfo.output_height);
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  *out = buf;
  return true;
}

RgbImage Resize(const RgbImage& src, int nw, int nh) {
  // Bilinear; the column taps are computed once.
  RgbImage out{nw, nh, std::vector<uint8_t>(static_cast<size_t>(nw) * nh * 3)};
  std::vector<int> x0s(static_cast<size_t>(nw)), x1s(static_cast<size_t>(nw));
  std::vector<float> fxs(static_cast<size_t>(nw));
  for (int x = 0; x < nw; ++x) {
    const double sx = std::clamp((x + 0.5) * src.width / nw - 0.5, 0.0, src.width - 1.0);
    x0s[static_cast<size_t>(x)] = static_cast<int>(sx);
    x1s[static_cast<size_t>(x)] = std::min(src.width - 1, static_cast<int>(sx) + 1);
    fxs[static_cast<size_t>(x)] = static_cast<float>(sx - static_cast<int>(sx));
  }
  for (int y = 0; y < nh; ++y) {
    const double sy = std::clamp((y + 0.5) * src.height / nh - 0.5, 0.0, src.height - 1.0);
    const int y0 = static_cast<int>(sy), y1 = std::min(src.height - 1, y0 + 1);
    const float fy = static_cast<float>(sy - y0);
    const uint8_t* r0 = &src.pixels[static_cast<size_t>(y0) * src.width * 3];
    const uint8_t* r1 = &src.pixels[static_cast<size_t>(y1) * src.width * 3];
    uint8_t* o = &out.pixels[static_cast<size_t>(y) * nw * 3];
    for (int x = 0; x < nw; ++x) {
      const size_t a = static_cast<size_t>(x0s[static_cast<size_t>(x)]) * 3;
      const size_t b = static_cast<size_t>(x1s[static_cast<size_t>(x)]) * 3;
      const float fx = fxs[static_cast<size_t>(x)];
      for (int c = 0; c < 3; ++c) {
        const float top = r0[a + c] + (r0[b + c] - r0[a + c]) * fx;
        const float bot = r1[a + c] + (r1[b + c] - r1[a + c]) * fx;
        *o++ = static_cast<uint8_t>(std::clamp(top + (bot - top) * fy + 0.5f, 0.0f, 255.0f));
      }
    }
  }
  return out;
}

RgbImage Crop(const RgbImage& src, int x0, int y0, int x1, int y1) {
  RgbImage out{x1 - x0, y1 - y0, {}};
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = y0; y < y1; ++y) {
    std::memcpy(&out.pixels[static_cast<size_t>(y - y0) * out.width * 3],
                &src.pixels[(static_cast<size_t>(y) * src.width + x0) * 3],
                static_cast<size_t>(out.width) * 3);
  }
  return out;
}

int QualityFor(Edit e, uint64_t seed) {
  if (e == Edit::kReencode) return 45 + static_cast<int>(seed % 25);
  return 80 + static_cast<int>(seed % 10);
}

std::string WriteFileBytes(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return "cannot create file";
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) return "cannot write file";
  return {};
}

}  // namespace

std::string_view EditName(Edit e) {
  switch (e) {
    case Edit::kOriginal:
      return "original";
    case Edit::kReencode:
      return "reencode";
    case Edit::kResize:
      return "resize";
    case Edit::kCrop:
      return "crop";
    case Edit::kWatermark:
      return "watermark";
    case Edit::kMirror:
      return "mirror";
  }
  return "unknown";
}

std::string_view VideoEditName(VideoEdit e) {
  switch (e) {
    case VideoEdit::kOriginal:
      return "original";
    case VideoEdit::kReencode:
      return "reencode";
    case VideoEdit::kScale:
      return "scale";
    case VideoEdit::kCrop:
      return "crop";
    case VideoEdit::kTrim:
      return "trim";
    case VideoEdit::kIntro:
      return "intro";
  }
  return "unknown";
}

std::vector<RgbImage> DrawVideo(uint64_t seed, uint64_t emblem_seed) {
  Rng rng(seed);
  const int w = kVideoWidth, h = kVideoHeight;
  const int seconds = static_cast<int>(rng.Range(4, 6));
  const int frames =
      kVideoFps * seconds + static_cast<int>(rng.Below(static_cast<uint64_t>(kVideoFps)));
  // The scene: a gradient turning slowly, shapes of several sizes drifting across it and a
  // caption of glyph-like marks that stays. Slow enough that frames half a second apart look
  // alike to PDQ (vPDQ samples one frame a second, and a copy's samples fall between the
  // original's), with detail at every scale PDQ looks at, so its bits are stable.
  const Color g0 = RandomColor(rng, 0, 120), g1 = RandomColor(rng, 60, 220);
  const double angle0 = rng.Uniform(0, 6.283), spin = rng.Uniform(-0.02, 0.02);
  struct Shape {
    int kind;
    Color c;
    double x, y, r, vx, vy;
  };
  std::vector<Shape> shapes(static_cast<size_t>(rng.Range(5, 8)));
  for (Shape& sh : shapes) {
    sh.kind = static_cast<int>(rng.Below(3));
    sh.c = RandomColor(rng);
    sh.x = rng.Uniform(0, w);
    sh.y = rng.Uniform(0, h);
    sh.r = rng.Uniform(h / 10.0, h / 3.5);
    sh.vx = rng.Uniform(-w / 100.0, w / 100.0);  // pixels a second
    sh.vy = rng.Uniform(-h / 100.0, h / 100.0);
  }
  const double period = h / rng.Uniform(6, 12), stripe_angle = rng.Uniform(0, 3.14);
  const Color stripe = RandomColor(rng), ink = RandomColor(rng, 200, 255);
  const uint64_t caption = rng.Next();
  const int marks = static_cast<int>(rng.Range(4, 8));
  std::vector<RgbImage> out;
  out.reserve(static_cast<size_t>(frames));
  for (int i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / kVideoFps;
    RgbImage img{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
    Canvas cv(img);
    cv.Gradient(g0, g1, angle0 + spin * t);
    for (const Shape& sh : shapes) {
      const double x = sh.x + sh.vx * t, y = sh.y + sh.vy * t;
      switch (sh.kind) {
        case 0:
          cv.Circle(x, y, sh.r, sh.c);
          break;
        case 1:
          cv.Rect(x - sh.r, y - sh.r * 0.6, x + sh.r, y + sh.r * 0.6, sh.c, 0.85);
          break;
        default:
          cv.Circle(x, y, sh.r, sh.c, sh.r * 0.6);
          break;
      }
    }
    cv.Stripes(0, h * 0.7, w, h * 0.85, period, stripe_angle, stripe, 0.35);
    Rng marks_rng(caption);  // the same marks on every frame
    Glyphs(cv, marks_rng, w * 0.08, h * 0.72, h / 14.0, marks, ink);
    if (emblem_seed != 0) Emblem(cv, emblem_seed, w * 0.88, h * 0.16, h * 0.11);
    out.push_back(std::move(img));
  }
  return out;
}

EditedVideo ApplyVideoEdit(std::vector<RgbImage> frames, VideoEdit edit, uint64_t seed) {
  Rng rng(MixSeed(seed, static_cast<uint64_t>(edit)));
  EditedVideo out;
  out.quantizer = edit == VideoEdit::kOriginal ? 3 : static_cast<int>(rng.Range(4, 8));
  if (frames.empty()) return out;
  const int w = frames[0].width, h = frames[0].height;
  switch (edit) {
    case VideoEdit::kOriginal:
    case VideoEdit::kReencode:
      break;
    case VideoEdit::kScale: {
      const double f = rng.Bernoulli(0.6) ? rng.Uniform(0.6, 0.8) : rng.Uniform(1.2, 1.5);
      const int nw = std::max(32, static_cast<int>(w * f)),
                nh = std::max(32, static_cast<int>(h * f));
      for (RgbImage& img : frames) img = Resize(img, nw, nh);
      break;
    }
    case VideoEdit::kCrop: {
      // A thin border trimmed (a channel's frame taken off): PDQ survives only a little.
      const int x0 = static_cast<int>(w * rng.Uniform(0.004, 0.01));
      const int x1 = w - static_cast<int>(w * rng.Uniform(0.004, 0.01));
      const int y0 = static_cast<int>(h * rng.Uniform(0.004, 0.01));
      const int y1 = h - static_cast<int>(h * rng.Uniform(0.004, 0.01));
      for (RgbImage& img : frames) img = Crop(img, x0, y0, x1, y1);
      break;
    }
    case VideoEdit::kTrim: {
      // Up to a second and a half off the start, up to a second off the end.
      const size_t n = frames.size();
      const size_t head = static_cast<size_t>(rng.Range(3, kVideoFps * 3 / 2));
      const size_t tail = static_cast<size_t>(rng.Range(0, kVideoFps));
      if (head + tail + kVideoFps * 2 < n) {
        frames.erase(frames.end() - static_cast<ptrdiff_t>(tail), frames.end());
        frames.erase(frames.begin(), frames.begin() + static_cast<ptrdiff_t>(head));
      }
      break;
    }
    case VideoEdit::kIntro: {
      // A short card before the video: the re-uploader's own mark on a dark ground.
      const int n = static_cast<int>(rng.Range(kVideoFps / 2, kVideoFps - 1));
      RgbImage card{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
      Canvas cv(card);
      const double angle = rng.Uniform(0, 6.283);
      const Color to = RandomColor(rng, 20, 90);
      cv.Gradient(RandomColor(rng, 0, 50), to, angle);
      Glyphs(cv, rng, w * 0.2, h * 0.4, h / 6.0, 5, RandomColor(rng, 180, 255));
      frames.insert(frames.begin(), static_cast<size_t>(n), card);
      break;
    }
  }
  out.frames = std::move(frames);
  return out;
}

RgbImage DrawImage(uint64_t seed, int size, ImageStyle style, uint64_t emblem_seed) {
  RgbImage img{size, size, std::vector<uint8_t>(static_cast<size_t>(size) * size * 3)};
  Canvas cv(img);
  Rng rng(seed);
  const double s = size;
  switch (style) {
    case ImageStyle::kRelease: {
      const double angle = rng.Uniform(0, 6.283);
      const Color to = RandomColor(rng, 60, 220);
      cv.Gradient(RandomColor(rng, 0, 120), to, angle);
      const int shapes = static_cast<int>(rng.Range(4, 8));
      for (int i = 0; i < shapes; ++i) {
        const Color c = RandomColor(rng);
        const double x = rng.Uniform(0, s), y = rng.Uniform(0, s), r = rng.Uniform(s / 12, s / 4);
        switch (rng.Below(4)) {
          case 0:
            cv.Circle(x, y, r, c);
            break;
          case 1:
            cv.Rect(x - r, y - r * 0.6, x + r, y + r * 0.6, c, 0.85);
            break;
          case 2:
            cv.Triangle(x, y - r, x - r, y + r, x + r * rng.Uniform(0.2, 1), y + r * 0.8, c);
            break;
          default:
            cv.Circle(x, y, r, c, r * 0.7);
            break;
        }
      }
      const Color band = RandomColor(rng);
      const double band_angle = rng.Uniform(0, 3.14);
      cv.Stripes(0, s * 0.7, s, s * 0.85, s / rng.Uniform(10, 24), band_angle, band, 0.35);
      const Color ink = RandomColor(rng, 200, 255);
      Glyphs(cv, rng, s * 0.08, s * 0.72, s / 14, static_cast<int>(rng.Range(4, 8)), ink);
      if (emblem_seed != 0) Emblem(cv, emblem_seed, s * 0.86, s * 0.14, s * 0.1);
      break;
    }
    case ImageStyle::kPhoto: {
      // Sky, ground, a sun and blocky things: a made-up snapshot.
      const double horizon = rng.Uniform(0.45, 0.75) * s;
      const Color ground = RandomColor(rng, 40, 160);
      cv.Gradient(RandomColor(rng, 120, 230), ground, 1.5708);
      cv.Rect(0, horizon, s, s, RandomColor(rng, 20, 140));
      const Color furrows = RandomColor(rng, 20, 200);
      const double furrow_angle = rng.Uniform(0, 3.14);
      cv.Stripes(0, horizon, s, s, s / rng.Uniform(6, 20), furrow_angle, furrows, 0.3);
      const Color sun = RandomColor(rng, 180, 255);
      const double sun_r = rng.Uniform(s / 20, s / 8);
      const double sun_y = rng.Uniform(0, horizon * 0.7);
      cv.Circle(rng.Uniform(0, s), sun_y, sun_r, sun);
      const int blocks = static_cast<int>(rng.Range(2, 7));
      for (int i = 0; i < blocks; ++i) {
        const double x = rng.Uniform(0, s), bw = rng.Uniform(s / 16, s / 5),
                     bh = rng.Uniform(s / 10, s / 2.5);
        cv.Rect(x, horizon - bh, x + bw, horizon + s / 40, RandomColor(rng, 30, 230));
      }
      for (int i = 0; i < 3; ++i) {
        const Color bush = RandomColor(rng, 30, 200);
        const double bush_r = rng.Uniform(s / 30, s / 10);
        const double bush_y = rng.Uniform(horizon, s);
        cv.Circle(rng.Uniform(0, s), bush_y, bush_r, bush, 0, 0.8);
      }
      break;
    }
    case ImageStyle::kAvatar: {
      const double angle = rng.Uniform(0, 6.283);
      const Color to = RandomColor(rng, 0, 255);
      cv.Gradient(RandomColor(rng, 0, 255), to, angle);
      cv.Circle(s / 2, s / 2, s * 0.38, RandomColor(rng, 0, 255));
      Emblem(cv, MixSeed(seed, 7), s / 2, s / 2, s * 0.3);
      Glyphs(cv, rng, s * 0.2, s * 0.72, s / 8, 3, RandomColor(rng, 200, 255));
      const Color band = RandomColor(rng);
      cv.Stripes(0, 0, s, s * 0.2, s / 8, rng.Uniform(0, 3.14), band, 0.4);
      break;
    }
  }
  return img;
}

RgbImage ApplyEdit(const RgbImage& image, Edit edit, uint64_t seed) {
  Rng rng(MixSeed(seed, static_cast<uint64_t>(edit)));
  switch (edit) {
    case Edit::kOriginal:
    case Edit::kReencode:
      return image;
    case Edit::kResize: {
      // Thumbnails keep at least kMinSide px on a side.
      const double lo =
          std::max(0.55, static_cast<double>(kMinSide) / std::min(image.width, image.height));
      const double f =
          rng.Bernoulli(0.7) && lo < 0.85 ? rng.Uniform(lo, 0.85) : rng.Uniform(1.15, 1.4);
      return Resize(image, std::max(16, static_cast<int>(image.width * f)),
                    std::max(16, static_cast<int>(image.height * f)));
    }
    case Edit::kCrop: {
      const int w = image.width, h = image.height;
      const int x0 = static_cast<int>(w * rng.Uniform(0.02, 0.10));
      const int x1 = w - static_cast<int>(w * rng.Uniform(0.02, 0.10));
      const int y0 = static_cast<int>(h * rng.Uniform(0.02, 0.10));
      const int y1 = h - static_cast<int>(h * rng.Uniform(0.02, 0.10));
      return Crop(image, x0, y0, x1, y1);
    }
    case Edit::kWatermark: {
      RgbImage out = image;
      Canvas cv(out);
      const double s = std::min(out.width, out.height);
      const bool left = rng.Bernoulli(0.5), top = rng.Bernoulli(0.5);
      const double x = left ? s * 0.04 : out.width - s * 0.36,
                   y = top ? s * 0.04 : out.height - s * 0.16;
      cv.Rect(x, y, x + s * 0.32, y + s * 0.12, RandomColor(rng, 0, 60), 0.45);
      Glyphs(cv, rng, x + s * 0.02, y + s * 0.02, s * 0.07, 4, RandomColor(rng, 200, 255));
      return out;
    }
    case Edit::kMirror: {
      RgbImage out = image;
      for (int y = 0; y < out.height; ++y) {
        for (int x = 0; x < out.width / 2; ++x) {
          for (int c = 0; c < 3; ++c) {
            std::swap(out.pixels[(static_cast<size_t>(y) * out.width + x) * 3 + c],
                      out.pixels[(static_cast<size_t>(y) * out.width + out.width - 1 - x) * 3 + c]);
          }
        }
      }
      return out;
    }
  }
  return image;
}

StatusOr<std::string> EncodeJpeg(const RgbImage& image, int quality) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3) {
    return Status::InvalidArgument("image buffer does not match its size");
  }
  unsigned char* out = nullptr;
  unsigned long size = 0;
  char message[JMSG_LENGTH_MAX] = {};
  if (!EncodeRaw(image.pixels.data(), image.width, image.height, quality, &out, &size, message)) {
    std::free(out);
    return Status::Internal(std::string("JPEG encoding failed: ") + message);
  }
  std::string bytes(reinterpret_cast<const char*>(out), size);
  std::free(out);
  return bytes;
}

StatusOr<RgbImage> DecodeJpeg(std::string_view bytes) {
  uint8_t* buf = nullptr;
  int w = 0, h = 0;
  char message[JMSG_LENGTH_MAX] = {};
  if (!DecodeRaw(reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()), &buf, &w, &h, message)) {
    return Status::Corrupt(std::string("JPEG decoding failed: ") + message);
  }
  RgbImage img{w, h, std::vector<uint8_t>(buf, buf + static_cast<size_t>(w) * h * 3)};
  std::free(buf);
  return img;
}

Status HashImage(std::string_view jpeg, MediaFile& out) {
  Digests d = DigestBytes(jpeg);
  out.sha256 = std::move(d.sha256);
  out.md5 = std::move(d.md5);
  out.bytes = static_cast<int64_t>(jpeg.size());
  ASSIGN_OR_RETURN(PdqResult pdq, PdqFromBytes(jpeg, "simulated image"));
  out.pdq = pdq.hash.Hex();
  return Status::Ok();
}

MediaStore::MediaStore(std::string out_dir, uint64_t seed, int image_size, bool write)
    : out_dir_(std::move(out_dir)), seed_(seed), size_(image_size), write_(write) {}

StatusOr<const MediaFile*> MediaStore::Get(uint64_t image, ImageStyle style, uint64_t emblem_seed,
                                           Edit edit) {
  const auto key = std::make_pair(image, static_cast<int>(edit));
  auto it = cache_.find(key);
  if (it != cache_.end()) return &it->second;
  const uint64_t img_seed = MixSeed(seed_, image);
  RgbImage pic;
  int quality = 88;
  if (edit == Edit::kOriginal) {
    pic = DrawImage(img_seed, size_, style, emblem_seed);
  } else {
    // Edits start from the original file, decoded, as a re-uploader's copy would.
    ASSIGN_OR_RETURN(const MediaFile* base, Get(image, style, emblem_seed, Edit::kOriginal));
    ASSIGN_OR_RETURN(std::string base_bytes, Bytes(*base));
    ASSIGN_OR_RETURN(RgbImage decoded, DecodeJpeg(base_bytes));
    const uint64_t edit_seed = MixSeed(img_seed, 0xed17);
    pic = ApplyEdit(decoded, edit, edit_seed);
    quality = QualityFor(edit, edit_seed);
  }
  ASSIGN_OR_RETURN(std::string original, EncodeJpeg(pic, quality));
  MediaFile f;
  f.image = image;
  f.edit = edit;
  f.width = pic.width;
  f.height = pic.height;
  RETURN_IF_ERROR(HashImage(original, f));
  RETURN_IF_ERROR(Keep(f, std::move(original), ".jpg"));
  auto [pos, inserted] = cache_.emplace(key, std::move(f));
  return &pos->second;
}

StatusOr<const MediaFile*> MediaStore::GetVideo(uint64_t video, uint64_t emblem_seed, int copy) {
  const auto key = std::make_pair(video, copy);
  auto it = cache_.find(key);
  if (it != cache_.end()) return &it->second;
  const uint64_t video_seed = MixSeed(seed_, video);
  EditedVideo clip;
  VideoEdit edit = VideoEdit::kOriginal;
  if (copy == 0) {
    clip.frames = DrawVideo(video_seed, emblem_seed);
  } else {
    // Copies start from the original file, decoded, as a re-uploader's copy would.
    ASSIGN_OR_RETURN(const MediaFile* base, GetVideo(video, emblem_seed, 0));
    ASSIGN_OR_RETURN(std::string base_bytes, Bytes(*base));
    ASSIGN_OR_RETURN(DecodedVideo decoded, DecodeVideoRgb(base_bytes, "simulated video"));
    const uint64_t edit_seed = MixSeed(video_seed, 0xed17, static_cast<uint64_t>(copy));
    edit = static_cast<VideoEdit>(1 + edit_seed % (kVideoEdits - 1));
    clip = ApplyVideoEdit(std::move(decoded.frames), edit, edit_seed);
  }
  VideoEncodeOptions vo;
  vo.fps = kVideoFps;
  vo.quantizer = clip.quantizer;
  ASSIGN_OR_RETURN(std::string mp4, EncodeVideoMp4(clip.frames, vo));
  MediaFile f;
  f.image = video;
  f.video = true;
  f.video_edit = edit;
  f.frames = static_cast<int>(clip.frames.size());
  f.width = clip.frames[0].width & ~1;
  f.height = clip.frames[0].height & ~1;
  Digests d = DigestBytes(mp4);
  f.sha256 = std::move(d.sha256);
  f.md5 = std::move(d.md5);
  f.bytes = static_cast<int64_t>(mp4.size());
  const int64_t before = files_;
  RETURN_IF_ERROR(Keep(f, std::move(mp4), ".mp4"));
  if (files_ > before || !write_) ++video_files_;
  auto [pos, inserted] = cache_.emplace(key, std::move(f));
  return &pos->second;
}

Status MediaStore::Keep(MediaFile& f, std::string bytes, std::string_view extension) {
  if (!write_) {
    memory_.emplace(f.sha256, std::move(bytes));
    return Status::Ok();
  }
  f.path = "media/" + f.sha256.substr(0, 2) + "/" + f.sha256 + std::string(extension);
  const std::filesystem::path full = std::filesystem::path(out_dir_) / f.path;
  std::error_code ec;
  std::filesystem::create_directories(full.parent_path(), ec);
  if (ec) {
    return Status::IoError("cannot create directory: " + ec.message(),
                           Location{full.parent_path().string()});
  }
  if (!std::filesystem::exists(full, ec)) {
    std::string err = WriteFileBytes(full.string(), bytes);
    if (!err.empty()) return Status::IoError(err, Location{full.string()});
    ++files_;
    bytes_ += f.bytes;
  }
  return Status::Ok();
}

StatusOr<std::string> MediaStore::Bytes(const MediaFile& f) const {
  if (f.path.empty()) {
    auto it = memory_.find(f.sha256);
    if (it == memory_.end()) return Status::NotFound("media not in memory: " + f.sha256);
    return it->second;
  }
  const std::string full = (std::filesystem::path(out_dir_) / f.path).string();
  std::FILE* fp = std::fopen(full.c_str(), "rb");
  if (fp == nullptr) return Status::IoError("cannot open media file", Location{full});
  std::string data;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) data.append(buf, n);
  std::fclose(fp);
  return data;
}

StatusOr<AvatarHashes> MakeAvatar(uint64_t base, uint64_t perturb, int size) {
  RgbImage img = DrawImage(base, size, ImageStyle::kAvatar);
  int quality = 90;
  if (perturb != 0) {
    Rng rng(perturb);
    switch (rng.Below(4)) {
      case 0:
        quality = 55 + static_cast<int>(rng.Below(25));
        break;
      case 1: {
        const int m = std::max(2, size / 16);
        img = Resize(Crop(img, m, m, size - m, size - m), size, size);
        break;
      }
      case 2: {
        const int shift = static_cast<int>(rng.Range(-24, 24));
        for (auto& p : img.pixels) p = Clamp8(p + shift);
        break;
      }
      default: {
        Canvas cv(img);
        cv.Circle(size * 0.82, size * 0.82, size * 0.12, RandomColor(rng, 150, 255));
        break;
      }
    }
  }
  ASSIGN_OR_RETURN(std::string jpeg, EncodeJpeg(img, quality));
  MediaFile f;
  RETURN_IF_ERROR(HashImage(jpeg, f));
  return AvatarHashes{f.sha256, f.pdq};
}

}  // namespace cordon::sim
