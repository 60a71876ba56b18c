#include "cordon/content/video.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>

#include "cordon/content/ffmpeg_ptr.h"
#include "cordon/content/image.h"
#include "cordon/content/pdq.h"

#ifdef CORDON_HAVE_VIDEO
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avstring.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}
#include <functional>
#include <mutex>
#endif

namespace cordon {

VideoFormat SniffVideoFormat(std::string_view h) {
  auto at = [&](size_t off, std::string_view magic) {
    return h.size() >= off + magic.size() && h.substr(off, magic.size()) == magic;
  };
  for (std::string_view box : {"ftyp", "moov", "mdat", "free", "skip", "wide"}) {
    if (at(4, box)) return VideoFormat::kMp4;
  }
  if (at(0, "\x1A\x45\xDF\xA3")) return VideoFormat::kMatroska;
  if (at(0, "RIFF") && at(8, "AVI ")) return VideoFormat::kAvi;
  if (at(0, "FLV\x01")) return VideoFormat::kFlv;
  if (at(0, std::string_view("\x00\x00\x01\xBA", 4))) return VideoFormat::kMpegPs;
  if (at(0, "OggS")) return VideoFormat::kOgg;
  if (h.size() >= 189 && h[0] == 0x47 && h[188] == 0x47) return VideoFormat::kMpegTs;
  return VideoFormat::kUnknown;
}

const char* VideoFormatName(VideoFormat format) {
  switch (format) {
    case VideoFormat::kMp4:
      return "MP4/QuickTime";
    case VideoFormat::kMatroska:
      return "Matroska/WebM";
    case VideoFormat::kAvi:
      return "AVI";
    case VideoFormat::kFlv:
      return "FLV";
    case VideoFormat::kMpegTs:
      return "MPEG-TS";
    case VideoFormat::kMpegPs:
      return "MPEG-PS";
    case VideoFormat::kOgg:
      return "Ogg";
    default:
      return "unknown";
  }
}

namespace {

// Where the container bytes come from: memory, or a descriptor read with pread.
struct VideoSource {
  std::string_view bytes;
  int fd = -1;
  int64_t size = 0;
  int64_t pos = 0;
};

}  // namespace

#ifndef CORDON_HAVE_VIDEO

bool VideoSupported() { return false; }

namespace {
Status NoVideo(const std::string& name) {
  return Status::Unsupported("this build of cordon has no video support (built without FFmpeg)",
                             Location{name});
}
StatusOr<std::vector<VpdqFrame>> DecodeAndHash(VideoSource&, const std::string& name,
                                               const VideoHashOptions&) {
  return NoVideo(name);
}
}  // namespace

StatusOr<DecodedVideo> DecodeVideoRgb(std::string_view, const std::string& name,
                                      const VideoHashOptions&, int64_t) {
  return NoVideo(name);
}

#else

bool VideoSupported() { return true; }

namespace {

// Demuxers that never read another file or URL (no playlists, concat, image sequences, DASH).
constexpr const char* kFormats = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,mpeg,ogg";
// Decoders for the video codecs those containers carry in practice; the rest of FFmpeg's
// hundreds of decoders are attack surface cordon does not need.
constexpr const char* kCodecs =
    "h264,hevc,vp8,vp9,av1,libdav1d,libaom-av1,mpeg4,msmpeg4v3,h263,flv,mpeg1video,mpeg2video,"
    "mjpeg,theora,vp6f";
constexpr int kIoBufferBytes = 1 << 16;
constexpr int kMaxStreams = 32;

int ReadPacket(void* opaque, uint8_t* buf, int size) {
  auto* src = static_cast<VideoSource*>(opaque);
  if (src->pos >= src->size) return AVERROR_EOF;
  const int64_t want = std::min<int64_t>(size, src->size - src->pos);
  if (src->fd < 0) {
    std::memcpy(buf, src->bytes.data() + src->pos, static_cast<size_t>(want));
    src->pos += want;
    return static_cast<int>(want);
  }
  for (;;) {
    const ssize_t n = ::pread(src->fd, buf, static_cast<size_t>(want), src->pos);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return AVERROR(EIO);
    if (n == 0) return AVERROR_EOF;
    src->pos += n;
    return static_cast<int>(n);
  }
}

int64_t SeekPacket(void* opaque, int64_t offset, int whence) {
  auto* src = static_cast<VideoSource*>(opaque);
  whence &= ~AVSEEK_FORCE;
  if (whence == AVSEEK_SIZE) return src->size;
  int64_t base = 0;
  if (whence == SEEK_CUR) {
    base = src->pos;
  } else if (whence == SEEK_END) {
    base = src->size;
  } else if (whence != SEEK_SET) {
    return AVERROR(EINVAL);
  }
  if ((offset > 0 && base > INT64_MAX - offset) || base + offset < 0) return AVERROR(EINVAL);
  src->pos = base + offset;
  return src->pos;
}

// Every nested open (HLS segment, concat entry, MOV data reference...) is refused.
int RefuseNestedOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

struct FormatCloser {
  void operator()(AVFormatContext* p) const { avformat_close_input(&p); }
};

// Receives each kept frame as RGB24 at the stream's size (valid during the call).
using RgbFrameSink = std::function<Status(int64_t frame, float timestamp, const uint8_t* rgb,
                                          int width, int height, int stride)>;

// The decoding state of one call: every kept frame converted to RGB24 and handed to the sink.
class VideoDecoder {
 public:
  VideoDecoder(const std::string& name, const VideoHashOptions& options, RgbFrameSink sink)
      : name_(name), options_(options), sink_(std::move(sink)) {}

  double fps() const { return frame_rate_; }

  Status Run(VideoSource& src) {
    RETURN_IF_ERROR(Open(src));
    ffmpeg::PacketPtr packet(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (packet == nullptr || frame_ == nullptr) return Fail("out of memory");
    // A read error ends the stream, as in the reference: the frames before it are kept.
    while (av_read_frame(format_.get(), packet.get()) == 0) {
      if (packet->stream_index != stream_) {
        av_packet_unref(packet.get());
        continue;
      }
      Status st = Decode(packet.get());
      av_packet_unref(packet.get());
      RETURN_IF_ERROR(st);
    }
    return Decode(nullptr);  // flush the decoder's delayed frames
  }

 private:
  Status Fail(const std::string& message) const {
    return Status::Corrupt("video: " + message, Location{name_});
  }

  Status Open(VideoSource& src) {
    auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
    if (buffer == nullptr) return Fail("out of memory");
    io_.reset(avio_alloc_context(buffer, kIoBufferBytes, 0, &src, ReadPacket, nullptr, SeekPacket));
    if (io_ == nullptr) {
      av_free(buffer);
      return Fail("out of memory");
    }
    AVFormatContext* fmt = avformat_alloc_context();
    if (fmt == nullptr) return Fail("out of memory");
    fmt->pb = io_.get();
    fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    fmt->io_open = RefuseNestedOpen;
    fmt->max_streams = kMaxStreams;
    AVDictionary* raw = nullptr;
    av_dict_set(&raw, "protocol_whitelist", "file", 0);
    av_dict_set(&raw, "format_whitelist", kFormats, 0);
    ffmpeg::DictPtr opts(raw);
    raw = opts.release();
    // On failure avformat_open_input frees the context (not our I/O context).
    int err = avformat_open_input(&fmt, "", nullptr, &raw);
    opts.reset(raw);
    if (err < 0)
      return Status::Unsupported("video: cannot open: " + ffmpeg::ErrorText(err), Location{name_});
    format_.reset(fmt);
    err = avformat_find_stream_info(format_.get(), nullptr);
    if (err < 0) return Fail("cannot read stream information: " + ffmpeg::ErrorText(err));
    for (unsigned i = 0; i < format_->nb_streams; ++i) {
      if (format_->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
        stream_ = static_cast<int>(i);
        break;
      }
    }
    if (stream_ < 0) return Status::Unsupported("video: no video stream", Location{name_});
    const AVStream* st = format_->streams[stream_];
    const AVCodecParameters* par = st->codecpar;
    width_ = par->width;
    height_ = par->height;
    if (width_ <= 0 || height_ <= 0) return Fail("video stream has no size");
    RETURN_IF_ERROR(CheckPixels(width_, height_));
    const AVCodec* codec = avcodec_find_decoder(par->codec_id);
    if (codec == nullptr || av_match_list(codec->name, kCodecs, ',') <= 0) {
      return Status::Unsupported(
          std::string("video: codec ") + avcodec_get_name(par->codec_id) + " is not accepted",
          Location{name_});
    }
    codec_.reset(avcodec_alloc_context3(codec));
    if (codec_ == nullptr) return Fail("out of memory");
    if (avcodec_parameters_to_context(codec_.get(), par) < 0) return Fail("bad codec parameters");
    // One thread: files are hashed in parallel, and a decoder thread pool per file would
    // oversubscribe the CPUs.
    codec_->thread_count = 1;
    codec_->max_pixels = options_.max_pixels;
    err = avcodec_open2(codec_.get(), codec, nullptr);
    if (err < 0) return Fail("cannot open the decoder: " + ffmpeg::ErrorText(err));
    AVRational rate = st->avg_frame_rate;
    if (rate.num == 0 || rate.den == 0) rate = st->r_frame_rate;
    if (rate.num == 0 || rate.den == 0) return Fail("frame rate is zero");
    const double fps = static_cast<double>(rate.num) / rate.den;
    if (!(fps > 0) || !std::isfinite(fps)) return Fail("frame rate is not positive");
    frame_rate_ = static_cast<float>(fps);
    const double every = options_.seconds_per_hash * fps;
    frame_mod_ = every >= 1 && every < 1e9 ? static_cast<int64_t>(every)
                 : every >= 1e9            ? 1'000'000'000
                                           : 1;
    rgb_.reset(av_frame_alloc());
    if (rgb_ == nullptr) return Fail("out of memory");
    rgb_->format = AV_PIX_FMT_RGB24;
    rgb_->width = width_;
    rgb_->height = height_;
    if (av_frame_get_buffer(rgb_.get(), 0) < 0) return Fail("out of memory");
    return Status::Ok();
  }

  Status CheckPixels(int64_t w, int64_t h) const {
    if (w * h > options_.max_pixels) {
      return Status::ResourceExhausted("video: frames of " + std::to_string(w) + "x" +
                                           std::to_string(h) + " pixels are over the limit of " +
                                           std::to_string(options_.max_pixels) + " pixels",
                                       Location{name_});
    }
    return Status::Ok();
  }

  Status Decode(const AVPacket* packet) {
    int err = avcodec_send_packet(codec_.get(), packet);
    if (err < 0 && err != AVERROR_EOF)
      return Fail("cannot decode a packet: " + ffmpeg::ErrorText(err));
    for (;;) {
      err = avcodec_receive_frame(codec_.get(), frame_.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
      if (err < 0) return Fail("cannot decode a frame: " + ffmpeg::ErrorText(err));
      Status st = OnFrame();
      av_frame_unref(frame_.get());
      RETURN_IF_ERROR(st);
    }
  }

  Status OnFrame() {
    const int64_t n = decoded_++;
    if (decoded_ > options_.max_frames) {
      return Status::ResourceExhausted(
          "video: more than " + std::to_string(options_.max_frames) + " frames", Location{name_});
    }
    const float timestamp = static_cast<float>(n) / frame_rate_;
    if (timestamp > options_.max_duration_seconds) {
      return Status::ResourceExhausted(
          "video: longer than " + std::to_string(options_.max_duration_seconds) + " s",
          Location{name_});
    }
    if (n % frame_mod_ != 0) return Status::Ok();
    const AVFrame* f = frame_.get();
    if (f->width <= 0 || f->height <= 0) return Fail("decoded frame has no size");
    RETURN_IF_ERROR(CheckPixels(f->width, f->height));
    // Same conversion as the reference: source as decoded, destination the stream's size in
    // RGB24, area averaging, libswscale's default coefficients.
    sws_.reset(sws_getCachedContext(sws_.release(), f->width, f->height,
                                    static_cast<AVPixelFormat>(f->format), width_, height_,
                                    AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
    if (sws_ == nullptr) return Fail("cannot convert frames of this pixel format");
    if (sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, rgb_->data, rgb_->linesize) <=
        0) {
      return Fail("cannot convert a frame");
    }
    return sink_(n, timestamp, rgb_->data[0], width_, height_, rgb_->linesize[0]);
  }

  const std::string& name_;
  const VideoHashOptions& options_;
  RgbFrameSink sink_;
  // Declared so that the format context closes before the I/O context it reads from.
  ffmpeg::IoPtr io_;
  std::unique_ptr<AVFormatContext, FormatCloser> format_;
  ffmpeg::CodecPtr codec_;
  ffmpeg::FramePtr frame_, rgb_;
  ffmpeg::SwsPtr sws_;
  int stream_ = -1;
  int width_ = 0, height_ = 0;
  float frame_rate_ = 0;
  int64_t frame_mod_ = 1;
  int64_t decoded_ = 0;
};

void QuietFfmpeg() {
  // FFmpeg logs to stderr by default; cordon reports through its Status instead.
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
}

StatusOr<std::vector<VpdqFrame>> DecodeAndHash(VideoSource& src, const std::string& name,
                                               const VideoHashOptions& options) {
  QuietFfmpeg();
  PdqFrameHasher pdq;
  std::vector<VpdqFrame> frames;
  VideoDecoder decoder(name, options,
                       [&](int64_t n, float timestamp, const uint8_t* rgb, int width, int height,
                           int stride) -> Status {
                         ASSIGN_OR_RETURN(PdqResult h, pdq.HashRgb24(rgb, width, height, stride));
                         frames.push_back(VpdqFrame{n, timestamp, h.quality, h.hash});
                         return Status::Ok();
                       });
  RETURN_IF_ERROR(decoder.Run(src));
  return frames;
}

}  // namespace

StatusOr<DecodedVideo> DecodeVideoRgb(std::string_view bytes, const std::string& name,
                                      const VideoHashOptions& options, int64_t max_bytes) {
  if (static_cast<int64_t>(bytes.size()) > options.max_file_bytes) {
    return Status::ResourceExhausted("video: file is over the size limit", Location{name});
  }
  QuietFfmpeg();
  VideoSource src;
  src.bytes = bytes;
  src.size = static_cast<int64_t>(bytes.size());
  VideoHashOptions every = options;
  every.seconds_per_hash = 0;
  DecodedVideo out;
  int64_t held = 0;
  VideoDecoder decoder(
      name, every,
      [&](int64_t, float, const uint8_t* rgb, int width, int height, int stride) -> Status {
        held += int64_t{width} * height * 3;
        if (held > max_bytes) {
          return Status::ResourceExhausted(
              "video: decoded frames over " + std::to_string(max_bytes >> 20) + " MiB",
              Location{name});
        }
        RgbImage img{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
        for (int y = 0; y < height; ++y) {
          std::memcpy(&img.pixels[static_cast<size_t>(y) * width * 3],
                      rgb + static_cast<ptrdiff_t>(y) * stride, static_cast<size_t>(width) * 3);
        }
        out.frames.push_back(std::move(img));
        return Status::Ok();
      });
  RETURN_IF_ERROR(decoder.Run(src));
  out.fps = decoder.fps();
  return out;
}

#endif  // CORDON_HAVE_VIDEO

StatusOr<std::vector<VpdqFrame>> VpdqFromBytes(std::string_view bytes, const std::string& name,
                                               const VideoHashOptions& options) {
  if (static_cast<int64_t>(bytes.size()) > options.max_file_bytes) {
    return Status::ResourceExhausted("video: file is over the size limit", Location{name});
  }
  VideoSource src;
  src.bytes = bytes;
  src.size = static_cast<int64_t>(bytes.size());
  return DecodeAndHash(src, name, options);
}

StatusOr<std::vector<VpdqFrame>> VpdqFromFile(const std::string& path,
                                              const VideoHashOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Status::IoError(std::string("cannot open: ") + std::strerror(errno), Location{path});
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  return VpdqFromFd(fd, path, options);
}

StatusOr<std::vector<VpdqFrame>> VpdqFromFd(int fd, const std::string& name,
                                            const VideoHashOptions& options) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Status::IoError("not a regular file", Location{name});
  }
  if (st.st_size > options.max_file_bytes) {
    return Status::ResourceExhausted("video: file is over the size limit", Location{name});
  }
  VideoSource src;
  src.fd = fd;
  src.size = st.st_size;
  return DecodeAndHash(src, name, options);
}

StatusOr<std::vector<VpdqFrame>> VpdqFromVideoOrHashFile(const std::string& path,
                                                         const VideoHashOptions& options) {
  std::string head(512, '\0');
  {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
      return Status::IoError(std::string("cannot open: ") + std::strerror(errno), Location{path});
    }
    const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
    ::close(fd);
    head.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  if (SniffVideoFormat(head) != VideoFormat::kUnknown) return VpdqFromFile(path, options);
  ASSIGN_OR_RETURN(std::string text, ReadFileLimited(path, int64_t{64} << 20));
  return ParseVpdqHashFile(text, path);
}

}  // namespace cordon
