// Test helpers: synthetic pictures and JPEG/PNG/WebP encoders (libjpeg, libpng, libwebp), so
// decoder tests control every byte. Header-only; for tests only.
#pragma once

// clang-format off
#include <cstdio>
#include <jpeglib.h>
// clang-format on
#include <png.h>
#include <webp/encode.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cordon/content/image.h"

namespace cordon::testing {

// A picture with structure at several scales (PDQ quality 100), RGB, deterministic.
inline Image MakePicture(int w, int h, uint32_t seed = 1) {
  Image img;
  img.format = ImageFormat::kUnknown;
  img.width = img.source_width = w;
  img.height = img.source_height = h;
  img.channels = 3;
  img.pixels.resize(size_t(w) * h * 3);
  const double fx = 3.0 + seed % 5, fy = 2.0 + seed % 7;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double u = double(x) / w, v = double(y) / h;
      double base = 128 + 60 * std::sin(fx * 6.283 * u + seed) * std::cos(fy * 6.283 * v) +
                    40 * ((u - 0.3) * (u - 0.3) + (v - 0.6) * (v - 0.6) < 0.04 ? 1 : -1);
      uint8_t* p = &img.pixels[(size_t(y) * w + x) * 3];
      p[0] = uint8_t(std::clamp(base + 30 * u, 0.0, 255.0));
      p[1] = uint8_t(std::clamp(base - 20 * v, 0.0, 255.0));
      p[2] = uint8_t(std::clamp(255 - base, 0.0, 255.0));
    }
  }
  return img;
}

// Gray copy (0.299R + 0.587G + 0.114B, rounded).
inline Image ToGray(const Image& rgb) {
  Image g = rgb;
  g.channels = 1;
  g.pixels.resize(size_t(rgb.width) * rgb.height);
  for (size_t i = 0; i < g.pixels.size(); ++i) {
    const uint8_t* p = &rgb.pixels[i * 3];
    g.pixels[i] = uint8_t(std::lround(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]));
  }
  return g;
}

// The displayed picture for an EXIF orientation, made explicitly.
inline Image Orient(const Image& img, int orientation) {
  Image out = img;
  const bool swap = orientation >= 5;
  out.width = out.source_width = swap ? img.height : img.width;
  out.height = out.source_height = swap ? img.width : img.height;
  out.orientation = 1;
  const int ch = img.channels;
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      int sx, sy;
      OrientedToStored(orientation, img.width, img.height, x, y, sx, sy);
      std::memcpy(&out.pixels[(size_t(y) * out.width + x) * ch],
                  &img.pixels[(size_t(sy) * img.width + sx) * ch], ch);
    }
  }
  return out;
}

// "Exif\0\0" + a TIFF block whose IFD0 holds only the orientation tag.
inline std::string ExifWithOrientation(int orientation, bool big_endian) {
  std::string t =
      big_endian ? std::string("MM\0\x2a\0\0\0\x08", 8) : std::string("II\x2a\0\x08\0\0\0", 8);
  auto u16 = [&](int v) {
    if (big_endian) {
      t += char(v >> 8), t += char(v & 255);
    } else {
      t += char(v & 255), t += char(v >> 8);
    }
  };
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i)
      t += char(big_endian ? (v >> (24 - 8 * i)) & 255 : (v >> (8 * i)) & 255);
  };
  u16(1);            // one entry
  u16(0x0112);       // Orientation
  u16(3);            // SHORT
  u32(1);            // count
  u16(orientation);  // value, left-justified in the 4-byte field
  u16(0);
  u32(0);  // no next IFD
  return std::string("Exif\0\0", 6) + t;
}

// Encodes gray (1), RGB (3) or CMYK (4 channels) pixels. `exif` (an APP1 payload) is optional.
inline std::string EncodeJpeg(const uint8_t* pixels, int w, int h, int channels, int quality,
                              bool progressive = false, const std::string& exif = {}) {
  jpeg_compress_struct c;
  jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buf, &size);
  c.image_width = static_cast<JDIMENSION>(w);
  c.image_height = static_cast<JDIMENSION>(h);
  c.input_components = channels;
  c.in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, quality, TRUE);
  if (progressive) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  if (!exif.empty()) {
    jpeg_write_marker(&c, JPEG_APP0 + 1, reinterpret_cast<const JOCTET*>(exif.data()),
                      static_cast<unsigned>(exif.size()));
  }
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels + size_t(c.next_scanline) * w * channels);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<char*>(buf), size);
  jpeg_destroy_compress(&c);
  std::free(buf);
  return out;
}

inline std::string EncodeJpeg(const Image& img, int quality, bool progressive = false,
                              const std::string& exif = {}) {
  return EncodeJpeg(img.pixels.data(), img.width, img.height, img.channels, quality, progressive,
                    exif);
}

struct PngSpec {
  int width = 0, height = 0;
  int color_type = PNG_COLOR_TYPE_RGB;
  int bit_depth = 8;
  bool interlace = false;
  std::vector<uint8_t> data;  // rows packed as libpng expects (16-bit samples big-endian)
  std::vector<png_color> palette;
  std::vector<uint8_t> trns;  // palette alpha, when given
  std::string exif;           // eXIf payload (a TIFF block), when given
};

inline std::string EncodePng(const PngSpec& s) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep d, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<char*>(d), n);
      },
      nullptr);
  png_set_IHDR(png, info, s.width, s.height, s.bit_depth, s.color_type,
               s.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (!s.palette.empty()) {
    png_set_PLTE(png, info, s.palette.data(), static_cast<int>(s.palette.size()));
  }
  if (!s.trns.empty()) {
    png_set_tRNS(png, info, s.trns.data(), static_cast<int>(s.trns.size()), nullptr);
  }
  if (!s.exif.empty()) {
    png_set_eXIf_1(png, info, static_cast<png_uint_32>(s.exif.size()),
                   reinterpret_cast<png_bytep>(const_cast<char*>(s.exif.data())));
  }
  png_write_info(png, info);
  const size_t stride = s.data.size() / s.height;
  std::vector<png_bytep> rows(s.height);
  for (int y = 0; y < s.height; ++y) {
    rows[y] = const_cast<png_bytep>(s.data.data() + y * stride);
  }
  png_write_image(png, rows.data());
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return out;
}

// 8-bit gray or RGB(A) image as PNG.
inline std::string EncodePng(const Image& img) {
  PngSpec s;
  s.width = img.width;
  s.height = img.height;
  s.color_type = img.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB;
  s.data = img.pixels;
  return EncodePng(s);
}

inline std::string EncodeWebpLossless(const Image& img) {
  uint8_t* out = nullptr;
  size_t n = WebPEncodeLosslessRGB(img.pixels.data(), img.width, img.height, img.width * 3, &out);
  std::string s(reinterpret_cast<char*>(out), n);
  WebPFree(out);
  return s;
}

}  // namespace cordon::testing
