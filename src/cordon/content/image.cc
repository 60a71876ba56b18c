#include "cordon/content/image.h"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE
#include <jpeglib.h>
#include <jerror.h>
// clang-format on
#include <png.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/stat.h>
#include <webp/decode.h>

#include <csetjmp>
#include <cstring>
#include <memory>

namespace cordon {
namespace {

// A hostile progressive JPEG can hold thousands of tiny scans that each cost a full pass.
constexpr int kMaxJpegScans = 1000;

enum class Fail { kNone, kCorrupt, kLimit, kUnsupported, kMemory };

Status MakeError(Fail kind, const std::string& message, const std::string& name) {
  Location where{name};
  switch (kind) {
    case Fail::kLimit:
      return Status::ResourceExhausted(message, where);
    case Fail::kUnsupported:
      return Status::Unsupported(message, where);
    case Fail::kMemory:
      return Status::ResourceExhausted("out of memory: " + message, where);
    default:
      return Status::Corrupt(message, where);
  }
}

Status CheckDims(int64_t w, int64_t h, const ImageDecodeOptions& o, const char* what,
                 const std::string& name) {
  if (w <= 0 || h <= 0) {
    return Status::Corrupt(std::string(what) + " image has no pixels", Location{name});
  }
  if (w * h > o.max_pixels) {
    return Status::ResourceExhausted(std::string(what) + " image of " + std::to_string(w) + "x" +
                                         std::to_string(h) + " pixels is over the limit of " +
                                         std::to_string(o.max_pixels) + " pixels",
                                     Location{name});
  }
  return Status::Ok();
}

inline uint8_t Blend(int c, int a, int bg) { return uint8_t((c * a + bg * (255 - a) + 127) / 255); }

// ---------------------------------------------------------------- EXIF

uint32_t ReadU(const uint8_t* p, int n, bool big_endian) {
  uint32_t v = 0;
  for (int i = 0; i < n; ++i) {
    int k = big_endian ? i : n - 1 - i;
    v = (v << 8) | p[k];
  }
  return v;
}

// ---------------------------------------------------------------- JPEG

struct JpegError {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

struct JpegProgress {
  jpeg_progress_mgr pub;
  JpegError* err;
};

extern "C" void JpegErrorExit(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegError*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// Warnings about damaged data are errors: a hash of a half-decoded picture is worse than none.
extern "C" void JpegEmitMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
      JpegErrorExit(cinfo);
      break;
    default:
      ++cinfo->err->num_warnings;  // benign: extraneous bytes, unknown JFIF version, ...
  }
}

extern "C" void JpegProgressMonitor(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxJpegScans) {
    auto* e = reinterpret_cast<JpegProgress*>(cinfo->progress)->err;
    std::snprintf(e->message, sizeof(e->message), "JPEG has more than %d scans", kMaxJpegScans);
    std::longjmp(e->jump, 1);
  }
}

// Everything the setjmp frame touches lives here, outside that frame, so nothing is clobbered
// by longjmp and no C++ destructor is skipped.
struct JpegJob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  const ImageDecodeOptions* opt = nullptr;
  ImageRowSink* sink = nullptr;
  ImageInfo info;
  jpeg_decompress_struct cinfo;
  JpegError err;
  JpegProgress progress;
  std::vector<uint8_t> row, rgb;  // decoded row; RGB from CMYK
  Status sink_status;
  Fail fail = Fail::kNone;
  std::string message;
  bool created = false;
};

void CmykRowToRgb(const uint8_t* in, uint8_t* out, int n, bool inverted) {
  for (int i = 0; i < n; ++i, in += 4, out += 3) {
    int c = in[0], m = in[1], y = in[2], k = in[3];
    if (!inverted) {
      c = 255 - c, m = 255 - m, y = 255 - y, k = 255 - k;
    }
    // Now each value is 255 - ink.
    out[0] = uint8_t((c * k + 127) / 255);
    out[1] = uint8_t((m * k + 127) / 255);
    out[2] = uint8_t((y * k + 127) / 255);
  }
}

[[noreturn]] void JpegFail(JpegJob* job, Fail kind, std::string message) {
  job->fail = kind;
  job->message = std::move(message);
  std::longjmp(job->err.jump, 1);
}

// Only C objects live in this frame between setjmp and return.
void RunJpeg(JpegJob* job) {
  jpeg_decompress_struct* cinfo = &job->cinfo;
  cinfo->err = jpeg_std_error(&job->err.pub);
  job->err.pub.error_exit = JpegErrorExit;
  job->err.pub.emit_message = JpegEmitMessage;
  job->err.message[0] = '\0';
  if (setjmp(job->err.jump)) {
    if (job->fail == Fail::kNone) job->fail = Fail::kCorrupt;
    if (job->message.empty()) job->message = job->err.message;
    if (job->created) jpeg_destroy_decompress(cinfo);
    job->created = false;
    return;
  }
  jpeg_create_decompress(cinfo);
  job->created = true;
  job->progress.pub.progress_monitor = JpegProgressMonitor;
  job->progress.err = &job->err;
  cinfo->progress = &job->progress.pub;
  jpeg_mem_src(cinfo, job->data, static_cast<unsigned long>(job->size));
  if (job->opt->read_orientation) jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header(cinfo, TRUE);

  ImageInfo& info = job->info;
  info.format = ImageFormat::kJpeg;
  info.source_width = static_cast<int>(cinfo->image_width);
  info.source_height = static_cast<int>(cinfo->image_height);
  if (int64_t(cinfo->image_width) * cinfo->image_height > job->opt->max_pixels) {
    JpegFail(job, Fail::kLimit,
             "JPEG image of " + std::to_string(cinfo->image_width) + "x" +
                 std::to_string(cinfo->image_height) + " pixels is over the limit of " +
                 std::to_string(job->opt->max_pixels) + " pixels");
  }
  if (job->opt->read_orientation) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != nullptr; m = m->next) {
      std::string_view payload(reinterpret_cast<const char*>(m->data), m->data_length);
      if (m->marker == JPEG_APP0 + 1 && payload.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
        info.orientation = ParseExifOrientation(payload);
        break;
      }
    }
  }

  bool cmyk = false;
  switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
      cinfo->out_color_space = JCS_GRAYSCALE;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo->out_color_space = JCS_CMYK;
      cmyk = true;
      break;
    default:
      cinfo->out_color_space = JCS_RGB;
      break;
  }
  if (job->opt->jpeg_scale_denom) {
    const int denom = job->opt->jpeg_scale_denom(info.source_width, info.source_height);
    if (denom == 2 || denom == 4 || denom == 8) {
      cinfo->scale_num = 1;
      cinfo->scale_denom = static_cast<unsigned>(denom);
    }
  }
  jpeg_start_decompress(cinfo);

  info.width = static_cast<int>(cinfo->output_width);
  info.height = static_cast<int>(cinfo->output_height);
  info.channels = cinfo->out_color_space == JCS_GRAYSCALE ? 1 : 3;
  job->sink_status = job->sink->Begin(info);
  if (!job->sink_status.ok()) JpegFail(job, Fail::kNone, "");
  job->row.resize(size_t(info.width) * cinfo->output_components);
  if (cmyk) job->rgb.resize(size_t(info.width) * 3);
  const bool inverted = cinfo->saw_Adobe_marker;
  while (cinfo->output_scanline < cinfo->output_height) {
    const int y = static_cast<int>(cinfo->output_scanline);
    if (!job->sink->WantRow(y)) {
      int skip = 1;
      while (y + skip < info.height && !job->sink->WantRow(y + skip)) ++skip;
      jpeg_skip_scanlines(cinfo, static_cast<JDIMENSION>(skip));
      continue;
    }
    JSAMPROW rows[1] = {job->row.data()};
    if (jpeg_read_scanlines(cinfo, rows, 1) != 1)
      JpegFail(job, Fail::kCorrupt, "JPEG data ended early");
    if (cmyk) {
      CmykRowToRgb(job->row.data(), job->rgb.data(), info.width, inverted);
      job->sink->Row(y, job->rgb.data());
    } else {
      job->sink->Row(y, job->row.data());
    }
  }
  jpeg_finish_decompress(cinfo);
  jpeg_destroy_decompress(cinfo);
  job->created = false;
}

Status DecodeJpeg(std::string_view bytes, const std::string& name, const ImageDecodeOptions& o,
                  ImageRowSink& sink) {
  auto job = std::make_unique<JpegJob>();
  job->data = reinterpret_cast<const uint8_t*>(bytes.data());
  job->size = bytes.size();
  job->opt = &o;
  job->sink = &sink;
  RunJpeg(job.get());
  if (!job->sink_status.ok()) return job->sink_status;
  if (job->fail != Fail::kNone) {
    return MakeError(job->fail,
                     job->fail == Fail::kCorrupt ? "JPEG: " + job->message : job->message, name);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- PNG

struct PngJob {
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t pos = 0;
  const ImageDecodeOptions* opt = nullptr;
  ImageRowSink* sink = nullptr;
  ImageInfo info;
  png_structp png = nullptr;
  png_infop info_ptr = nullptr;
  std::vector<uint8_t> raw;  // one row, or the whole image when interlaced
  std::vector<uint8_t> out;  // one row after alpha compositing
  int raw_channels = 0;
  Status sink_status;
  Fail fail = Fail::kNone;
  std::string message;
};

extern "C" void PngError(png_structp png, png_const_charp msg) {
  auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
  if (job->message.empty()) job->message = msg;
  png_longjmp(png, 1);
}

extern "C" void PngWarning(png_structp, png_const_charp) {}  // ancillary-chunk noise

extern "C" void PngRead(png_structp png, png_bytep out, png_size_t n) {
  auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
  if (n > job->size - job->pos) {
    job->message = "PNG data ended early (truncated file)";
    png_longjmp(png, 1);
  }
  std::memcpy(out, job->data + job->pos, n);
  job->pos += n;
}

void PngExifOrientation(PngJob* job) {
  png_uint_32 n = 0;
  png_bytep exif = nullptr;
  if (png_get_eXIf_1(job->png, job->info_ptr, &n, &exif) != 0 && exif != nullptr) {
    job->info.orientation =
        ParseExifOrientation(std::string_view(reinterpret_cast<const char*>(exif), n));
  }
}

void CompositeRowOverWhite(const uint8_t* in, int ch, int n, uint8_t* out) {
  for (int i = 0; i < n; ++i, in += ch) {
    const int a = in[ch - 1];
    for (int c = 0; c < ch - 1; ++c) *out++ = Blend(in[c], a, 255);
  }
}

void PngEmitRow(PngJob* job, int y, const uint8_t* raw) {
  if (job->raw_channels == job->info.channels) {
    job->sink->Row(y, raw);
  } else {
    CompositeRowOverWhite(raw, job->raw_channels, job->info.width, job->out.data());
    job->sink->Row(y, job->out.data());
  }
}

[[noreturn]] void PngFail(PngJob* job, Fail kind, std::string message) {
  job->fail = kind;
  job->message = std::move(message);
  png_longjmp(job->png, 1);
}

void RunPng(PngJob* job) {
  job->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, job, PngError, PngWarning);
  if (job->png == nullptr) {
    job->fail = Fail::kMemory;
    job->message = "cannot start libpng";
    return;
  }
  job->info_ptr = png_create_info_struct(job->png);
  if (job->info_ptr == nullptr || setjmp(png_jmpbuf(job->png))) {
    if (job->fail == Fail::kNone) job->fail = Fail::kCorrupt;
    png_destroy_read_struct(&job->png, job->info_ptr ? &job->info_ptr : nullptr, nullptr);
    return;
  }
  png_set_read_fn(job->png, job, PngRead);
  png_set_user_limits(job->png, 1u << 24, 1u << 24);
  png_set_chunk_malloc_max(job->png, 16u << 20);
  png_read_info(job->png, job->info_ptr);

  png_uint_32 w = 0, h = 0;
  int depth = 0, color = 0, interlace = 0;
  png_get_IHDR(job->png, job->info_ptr, &w, &h, &depth, &color, &interlace, nullptr, nullptr);
  ImageInfo& info = job->info;
  info.format = ImageFormat::kPng;
  info.source_width = info.width = static_cast<int>(w);
  info.source_height = info.height = static_cast<int>(h);
  if (int64_t(w) * h > job->opt->max_pixels) {
    PngFail(job, Fail::kLimit,
            "PNG image of " + std::to_string(w) + "x" + std::to_string(h) +
                " pixels is over the limit of " + std::to_string(job->opt->max_pixels) + " pixels");
  }
  if (job->opt->read_orientation) PngExifOrientation(job);

  const bool over_white = job->opt->alpha == AlphaMode::kOverWhite;
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(job->png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(job->png);
  if (over_white && png_get_valid(job->png, job->info_ptr, PNG_INFO_tRNS)) {
    png_set_tRNS_to_alpha(job->png);
  }
  if (depth == 16) png_set_scale_16(job->png);
  if (!over_white) png_set_strip_alpha(job->png);
  const int passes = png_set_interlace_handling(job->png);
  png_read_update_info(job->png, job->info_ptr);

  const int ch = png_get_channels(job->png, job->info_ptr);
  if (ch < 1 || ch > 4 || png_get_bit_depth(job->png, job->info_ptr) != 8) {
    PngFail(job, Fail::kUnsupported, "PNG layout not handled");
  }
  job->raw_channels = ch;
  info.channels = (ch == 1 || ch == 2) ? 1 : 3;
  job->sink_status = job->sink->Begin(info);
  if (!job->sink_status.ok()) PngFail(job, Fail::kNone, "");
  const size_t stride = size_t(w) * ch;
  if (ch != info.channels) job->out.resize(size_t(w) * info.channels);
  if (passes > 1) {
    job->raw.resize(stride * h);
    for (int p = 0; p < passes; ++p) {
      for (png_uint_32 y = 0; y < h; ++y)
        png_read_row(job->png, job->raw.data() + y * stride, nullptr);
    }
    for (png_uint_32 y = 0; y < h; ++y)
      PngEmitRow(job, static_cast<int>(y), job->raw.data() + y * stride);
  } else {
    job->raw.resize(stride);
    for (png_uint_32 y = 0; y < h; ++y) {
      png_read_row(job->png, job->raw.data(), nullptr);
      PngEmitRow(job, static_cast<int>(y), job->raw.data());
    }
  }
  png_read_end(job->png, job->info_ptr);
  png_destroy_read_struct(&job->png, &job->info_ptr, nullptr);
}

Status DecodePng(std::string_view bytes, const std::string& name, const ImageDecodeOptions& o,
                 ImageRowSink& sink) {
  auto job = std::make_unique<PngJob>();
  job->data = reinterpret_cast<const uint8_t*>(bytes.data());
  job->size = bytes.size();
  job->opt = &o;
  job->sink = &sink;
  RunPng(job.get());
  if (!job->sink_status.ok()) return job->sink_status;
  if (job->fail != Fail::kNone) {
    return MakeError(job->fail, job->fail == Fail::kCorrupt ? "PNG: " + job->message : job->message,
                     name);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- WebP

const char* Vp8StatusName(VP8StatusCode s) {
  switch (s) {
    case VP8_STATUS_OUT_OF_MEMORY:
      return "out of memory";
    case VP8_STATUS_INVALID_PARAM:
      return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR:
      return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
      return "unsupported feature";
    case VP8_STATUS_SUSPENDED:
      return "suspended";
    case VP8_STATUS_USER_ABORT:
      return "aborted";
    case VP8_STATUS_NOT_ENOUGH_DATA:
      return "data ended early (truncated file)";
    default:
      return "error";
  }
}

Status DecodeWebp(std::string_view bytes, const std::string& name, const ImageDecodeOptions& o,
                  ImageRowSink& sink) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  WebPBitstreamFeatures f;
  VP8StatusCode s = WebPGetFeatures(data, bytes.size(), &f);
  if (s != VP8_STATUS_OK) {
    return Status::Corrupt(std::string("WebP: ") + Vp8StatusName(s), Location{name});
  }
  if (f.has_animation) {
    return Status::Unsupported("animated WebP is not decoded", Location{name});
  }
  RETURN_IF_ERROR(CheckDims(f.width, f.height, o, "WebP", name));
  ImageInfo info;
  info.format = ImageFormat::kWebp;
  info.source_width = info.width = f.width;
  info.source_height = info.height = f.height;
  info.channels = 3;
  const bool composite = f.has_alpha && o.alpha == AlphaMode::kOverWhite;
  const int ch = composite ? 4 : 3;
  const size_t stride = size_t(f.width) * ch;
  std::vector<uint8_t> pixels(stride * f.height);
  const uint8_t* ok =
      composite ? WebPDecodeRGBAInto(data, bytes.size(), pixels.data(), pixels.size(), int(stride))
                : WebPDecodeRGBInto(data, bytes.size(), pixels.data(), pixels.size(), int(stride));
  if (ok == nullptr) return Status::Corrupt("WebP: cannot decode the image data", Location{name});
  RETURN_IF_ERROR(sink.Begin(info));
  std::vector<uint8_t> row(composite ? size_t(f.width) * 3 : 0);
  for (int y = 0; y < f.height; ++y) {
    const uint8_t* p = pixels.data() + y * stride;
    if (composite) {
      CompositeRowOverWhite(p, 4, f.width, row.data());
      p = row.data();
    }
    sink.Row(y, p);
  }
  return Status::Ok();
}

// Keeps every row.
class FullImageSink final : public ImageRowSink {
 public:
  explicit FullImageSink(Image& img) : img_(img) {}
  Status Begin(const ImageInfo& info) override {
    img_.format = info.format;
    img_.width = info.width;
    img_.height = info.height;
    img_.channels = info.channels;
    img_.source_width = info.source_width;
    img_.source_height = info.source_height;
    img_.orientation = info.orientation;
    stride_ = size_t(info.width) * info.channels;
    img_.pixels.resize(stride_ * info.height);
    return Status::Ok();
  }
  void Row(int y, const uint8_t* pixels) override {
    std::memcpy(img_.pixels.data() + y * stride_, pixels, stride_);
  }

 private:
  Image& img_;
  size_t stride_ = 0;
};

}  // namespace

const char* ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    default:
      return "unknown";
  }
}

ImageFormat SniffImageFormat(std::string_view h) {
  if (h.size() >= 3 && h.substr(0, 3) == "\xff\xd8\xff") return ImageFormat::kJpeg;
  if (h.size() >= 8 && h.substr(0, 8) == "\x89PNG\r\n\x1a\n") return ImageFormat::kPng;
  if (h.size() >= 12 && h.substr(0, 4) == "RIFF" && h.substr(8, 4) == "WEBP") {
    return ImageFormat::kWebp;
  }
  return ImageFormat::kUnknown;
}

int ParseExifOrientation(std::string_view exif) {
  if (exif.substr(0, 6) == std::string_view("Exif\0\0", 6)) exif.remove_prefix(6);
  const auto* p = reinterpret_cast<const uint8_t*>(exif.data());
  const size_t n = exif.size();
  if (n < 8) return 1;
  bool be;
  if (p[0] == 'M' && p[1] == 'M') {
    be = true;
  } else if (p[0] == 'I' && p[1] == 'I') {
    be = false;
  } else {
    return 1;
  }
  if (ReadU(p + 2, 2, be) != 42) return 1;
  const uint32_t ifd = ReadU(p + 4, 4, be);
  if (ifd > n - 2 || ifd < 8) return 1;
  const uint32_t count = ReadU(p + ifd, 2, be);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = size_t(ifd) + 2 + size_t(i) * 12;
    if (e + 12 > n) break;
    if (ReadU(p + e, 2, be) != 0x0112) continue;
    const uint32_t type = ReadU(p + e + 2, 2, be);
    uint32_t v = 0;
    if (type == 3) {  // SHORT: in the first two bytes of the value field
      v = ReadU(p + e + 8, 2, be);
    } else if (type == 4) {  // LONG, which some writers use
      v = ReadU(p + e + 8, 4, be);
    } else {
      return 1;
    }
    return (v >= 1 && v <= 8) ? static_cast<int>(v) : 1;
  }
  return 1;
}

Status ReadFileInto(const std::string& path, int64_t max_bytes, std::string& out) {
  out.clear();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status::IoError(std::string("cannot open: ") + std::strerror(errno), Location{path});
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    return Status::IoError(std::string("cannot stat: ") + std::strerror(errno), Location{path});
  }
  if (S_ISDIR(st.st_mode)) return Status::IoError("is a directory", Location{path});
  auto too_big = [&](int64_t n) {
    return Status::ResourceExhausted("file of " + std::to_string(n) +
                                         " bytes is over the limit of " +
                                         std::to_string(max_bytes) + " bytes",
                                     Location{path});
  };
  if (S_ISREG(st.st_mode)) {
    if (st.st_size > max_bytes) return too_big(st.st_size);
    out.resize(static_cast<size_t>(st.st_size));
    const size_t got = out.empty() ? 0 : std::fread(out.data(), 1, out.size(), f);
    out.resize(got);
  }
  // Pipes, and files that grew since fstat.
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    if (int64_t(out.size() + got) > max_bytes) return too_big(int64_t(out.size() + got));
    out.append(buf, got);
  }
  if (std::ferror(f)) {
    return Status::IoError(std::string("read failed: ") + std::strerror(errno), Location{path});
  }
  return Status::Ok();
}

void KeepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

StatusOr<std::string> ReadFileLimited(const std::string& path, int64_t max_bytes) {
  std::string out;
  RETURN_IF_ERROR(ReadFileInto(path, max_bytes, out));
  return out;
}

Status DecodeImageRows(std::string_view bytes, const std::string& name,
                       const ImageDecodeOptions& options, ImageRowSink& sink) {
  if (int64_t(bytes.size()) > options.max_file_bytes) {
    return Status::ResourceExhausted("image of " + std::to_string(bytes.size()) +
                                         " bytes is over the limit of " +
                                         std::to_string(options.max_file_bytes) + " bytes",
                                     Location{name});
  }
  switch (SniffImageFormat(bytes)) {
    case ImageFormat::kJpeg:
      return DecodeJpeg(bytes, name, options, sink);
    case ImageFormat::kPng:
      return DecodePng(bytes, name, options, sink);
    case ImageFormat::kWebp:
      return DecodeWebp(bytes, name, options, sink);
    default:
      return Status::Unsupported("not a JPEG, PNG or WebP image", Location{name});
  }
}

StatusOr<Image> DecodeImage(std::string_view bytes, const std::string& name,
                            const ImageDecodeOptions& options) {
  Image img;
  FullImageSink sink(img);
  RETURN_IF_ERROR(DecodeImageRows(bytes, name, options, sink));
  return img;
}

StatusOr<Image> DecodeImageFile(const std::string& path, const ImageDecodeOptions& options) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFileLimited(path, options.max_file_bytes));
  return DecodeImage(bytes, path, options);
}

}  // namespace cordon
