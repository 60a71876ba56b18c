// Encoding frames as an MP4 (content/video.h, EncodeVideoMp4): libswscale converts RGB24 to
// YUV 4:2:0, FFmpeg's own MPEG-4 part 2 encoder (no external library, fast) compresses at a
// fixed quantiser, and the mov muxer writes into memory through a seekable I/O context (MP4's
// index is written last, at the front's offsets). Bit-exact flags keep encoder version strings
// out of the file, so the same frames give the same bytes.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "cordon/content/ffmpeg_ptr.h"
#include "cordon/content/video.h"

#ifdef CORDON_HAVE_VIDEO
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}
#include <memory>
#endif

namespace cordon {

#ifndef CORDON_HAVE_VIDEO

StatusOr<std::string> EncodeVideoMp4(const std::vector<RgbImage>&, const VideoEncodeOptions&) {
  return Status::Unsupported("this build of cordon has no video support (built without FFmpeg)");
}

#else

namespace {

constexpr int kIoBufferBytes = 1 << 16;

// The file being written: bytes and a position the muxer may move back to patch headers.
struct MemoryFile {
  std::string bytes;
  int64_t pos = 0;
};

// FFmpeg 7 (libavformat 61) made the buffer const; Debian 12's FFmpeg 5.1 has it mutable.
#if LIBAVFORMAT_VERSION_MAJOR >= 61
using WriteBuffer = const uint8_t*;
#else
using WriteBuffer = uint8_t*;
#endif

int WritePacket(void* opaque, WriteBuffer buf, int size) {
  auto* f = static_cast<MemoryFile*>(opaque);
  const size_t end = static_cast<size_t>(f->pos) + static_cast<size_t>(size);
  if (end > f->bytes.size()) f->bytes.resize(end);
  std::memcpy(f->bytes.data() + f->pos, buf, static_cast<size_t>(size));
  f->pos = static_cast<int64_t>(end);
  return size;
}

int64_t SeekMemory(void* opaque, int64_t offset, int whence) {
  auto* f = static_cast<MemoryFile*>(opaque);
  whence &= ~AVSEEK_FORCE;
  const int64_t size = static_cast<int64_t>(f->bytes.size());
  if (whence == AVSEEK_SIZE) return size;
  const int64_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? size : 0;
  if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) || base + offset < 0) {
    return AVERROR(EINVAL);
  }
  f->pos = base + offset;
  return f->pos;
}

struct OutputCloser {
  void operator()(AVFormatContext* p) const { avformat_free_context(p); }
};

Status Fail(const std::string& what, int err = 0) {
  std::string m = "video encoding: " + what;
  if (err < 0) m += ": " + ffmpeg::ErrorText(err);
  return Status::Internal(m);
}

class Mp4Encoder {
 public:
  Status Open(int width, int height, const VideoEncodeOptions& o) {
    width_ = width;
    height_ = height;
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MPEG4);
    if (codec == nullptr) return Status::Unsupported("video encoding: no MPEG-4 encoder");
    codec_.reset(avcodec_alloc_context3(codec));
    if (codec_ == nullptr) return Fail("out of memory");
    codec_->width = width;
    codec_->height = height;
    codec_->pix_fmt = AV_PIX_FMT_YUV420P;
    codec_->time_base = AVRational{1, o.fps};
    codec_->framerate = AVRational{o.fps, 1};
    codec_->gop_size = std::max(1, o.keyframe_every);
    codec_->max_b_frames = 0;
    codec_->thread_count = 1;
    codec_->flags |= AV_CODEC_FLAG_QSCALE | AV_CODEC_FLAG_BITEXACT | AV_CODEC_FLAG_GLOBAL_HEADER;
    codec_->global_quality = FF_QP2LAMBDA * std::clamp(o.quantizer, 2, 31);
    int err = avcodec_open2(codec_.get(), codec, nullptr);
    if (err < 0) return Fail("cannot open the encoder", err);

    auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferBytes));
    if (buffer == nullptr) return Fail("out of memory");
    io_.reset(
        avio_alloc_context(buffer, kIoBufferBytes, 1, &file_, nullptr, WritePacket, SeekMemory));
    if (io_ == nullptr) {
      av_free(buffer);
      return Fail("out of memory");
    }
    AVFormatContext* fmt = nullptr;
    err = avformat_alloc_output_context2(&fmt, nullptr, "mp4", nullptr);
    if (err < 0 || fmt == nullptr) return Fail("no MP4 muxer", err);
    format_.reset(fmt);
    format_->pb = io_.get();
    format_->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
    AVStream* st = avformat_new_stream(format_.get(), nullptr);
    if (st == nullptr) return Fail("out of memory");
    st->time_base = codec_->time_base;
    err = avcodec_parameters_from_context(st->codecpar, codec_.get());
    if (err < 0) return Fail("bad codec parameters", err);
    err = avformat_write_header(format_.get(), nullptr);
    if (err < 0) return Fail("cannot write the MP4 header", err);
    stream_time_base_ = st->time_base;

    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (frame_ == nullptr || packet_ == nullptr) return Fail("out of memory");
    frame_->format = AV_PIX_FMT_YUV420P;
    frame_->width = width;
    frame_->height = height;
    if (av_frame_get_buffer(frame_.get(), 0) < 0) return Fail("out of memory");
    sws_.reset(sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P,
                              SWS_BILINEAR | SWS_BITEXACT | SWS_ACCURATE_RND, nullptr, nullptr,
                              nullptr));
    if (sws_ == nullptr) return Fail("cannot convert RGB to YUV");
    return Status::Ok();
  }

  // `rgb` holds frames of at least width x height; `stride` bytes a row.
  Status Add(const uint8_t* rgb, int stride) {
    int err = av_frame_make_writable(frame_.get());
    if (err < 0) return Fail("frame not writable", err);
    const uint8_t* src[1] = {rgb};
    const int src_stride[1] = {stride};
    sws_scale(sws_.get(), src, src_stride, 0, height_, frame_->data, frame_->linesize);
    frame_->pts = next_pts_++;
    frame_->quality = codec_->global_quality;
    return Send(frame_.get());
  }

  StatusOr<std::string> Finish() {
    RETURN_IF_ERROR(Send(nullptr));
    const int err = av_write_trailer(format_.get());
    if (err < 0) return Fail("cannot finish the MP4", err);
    avio_flush(io_.get());
    return std::move(file_.bytes);
  }

 private:
  Status Send(const AVFrame* frame) {
    int err = avcodec_send_frame(codec_.get(), frame);
    if (err < 0) return Fail("cannot encode a frame", err);
    for (;;) {
      err = avcodec_receive_packet(codec_.get(), packet_.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
      if (err < 0) return Fail("cannot encode a frame", err);
      // Every frame lasts one tick: with no duration the muxer gives the last frame none, and
      // demuxers then drop it and misread the frame rate.
      packet_->duration = 1;
      av_packet_rescale_ts(packet_.get(), codec_->time_base, stream_time_base_);
      packet_->stream_index = 0;
      err = av_interleaved_write_frame(format_.get(), packet_.get());
      if (err < 0) return Fail("cannot write a packet", err);
    }
  }

  MemoryFile file_;
  int width_ = 0, height_ = 0;
  int64_t next_pts_ = 0;
  AVRational stream_time_base_{1, 1};
  // Declared so that the muxer is freed before the I/O context it writes to.
  ffmpeg::IoPtr io_;
  std::unique_ptr<AVFormatContext, OutputCloser> format_;
  ffmpeg::CodecPtr codec_;
  ffmpeg::FramePtr frame_;
  ffmpeg::PacketPtr packet_;
  ffmpeg::SwsPtr sws_;
};

}  // namespace

StatusOr<std::string> EncodeVideoMp4(const std::vector<RgbImage>& frames,
                                     const VideoEncodeOptions& options) {
  if (frames.empty()) return Status::InvalidArgument("video encoding: no frames");
  if (options.fps < 1 || options.fps > 120) {
    return Status::InvalidArgument("video encoding: frame rate out of range");
  }
  const int w = frames[0].width, h = frames[0].height;
  // 4:2:0 needs even sizes: the last column or row of an odd size is dropped.
  const int ew = w & ~1, eh = h & ~1;
  if (ew < 16 || eh < 16 || static_cast<int64_t>(w) * h > 3840 * 2160) {
    return Status::InvalidArgument("video encoding: frame size out of range");
  }
  for (const RgbImage& f : frames) {
    if (f.width != w || f.height != h ||
        f.pixels.size() != static_cast<size_t>(w) * static_cast<size_t>(h) * 3) {
      return Status::InvalidArgument("video encoding: frames differ in size");
    }
  }
  Mp4Encoder enc;
  RETURN_IF_ERROR(enc.Open(ew, eh, options));
  for (const RgbImage& f : frames) RETURN_IF_ERROR(enc.Add(f.pixels.data(), w * 3));
  return enc.Finish();
}

#endif  // CORDON_HAVE_VIDEO

}  // namespace cordon
