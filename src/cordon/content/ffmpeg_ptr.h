// Internal to content/ (video.cc and video_encode.cc), only where FFmpeg is built in: owning
// pointers for FFmpeg's objects, each freed with its own function, and FFmpeg's error text.
// The two format contexts are not here: an input is closed, an output freed, so each file
// keeps its own.
#pragma once

#ifdef CORDON_HAVE_VIDEO
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}
#include <memory>
#include <string>

namespace cordon::ffmpeg {

struct IoCloser {
  void operator()(AVIOContext* p) const {
    if (p != nullptr) av_freep(&p->buffer);
    avio_context_free(&p);
  }
};
struct CodecCloser {
  void operator()(AVCodecContext* p) const { avcodec_free_context(&p); }
};
struct FrameCloser {
  void operator()(AVFrame* p) const { av_frame_free(&p); }
};
struct PacketCloser {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsCloser {
  void operator()(SwsContext* p) const { sws_freeContext(p); }
};
struct DictCloser {
  void operator()(AVDictionary* p) const { av_dict_free(&p); }
};

using IoPtr = std::unique_ptr<AVIOContext, IoCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecCloser>;
using FramePtr = std::unique_ptr<AVFrame, FrameCloser>;
using PacketPtr = std::unique_ptr<AVPacket, PacketCloser>;
using SwsPtr = std::unique_ptr<SwsContext, SwsCloser>;
using DictPtr = std::unique_ptr<AVDictionary, DictCloser>;

// FFmpeg's text for an AVERROR code.
inline std::string ErrorText(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, buf, sizeof(buf));
  return buf;
}

}  // namespace cordon::ffmpeg
#endif  // CORDON_HAVE_VIDEO
