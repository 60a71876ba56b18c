// Video decoding for vPDQ (content/vpdq.h): FFmpeg's libavformat/libavcodec decode each frame,
// libswscale converts it to RGB24 exactly as the reference vPDQ tool does (SWS_AREA, default
// colour coefficients, same size as the stream), and content/pdq.h hashes its luminance at that
// size. Frames are numbered from 0 in decoding order, as the reference numbers them.
//
// Hostile files (docs/formats/vpdq.md, "Hostile files"): the bytes are read through cordon's own
// reader (no URL is ever opened), every nested open a demuxer asks for (HLS or concat playlists,
// MOV external references) is refused, only the container formats and codecs listed in video.cc
// are accepted, and duration, frame count, pixels per frame and file size are limited. Anything
// that cannot be decoded is a Status, never a crash.
//
// Built without FFmpeg (CMake CORDON_VIDEO off or the libraries missing), VideoSupported() is
// false and the hashing functions return kUnsupported saying so.
//
// DecodeVideoRgb gives the same frames as RGB pixels (the simulator edits them into copies) and
// video_encode.cc writes frames as an MP4 (MPEG-4 part 2), for the simulator's synthetic videos.
//
// Thread safety: the functions are reentrant; call from any thread (one decoder per call).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/content/vpdq.h"
#include "cordon/util/status.h"

namespace cordon {

// Containers recognised from their first bytes (16 are enough but for MPEG-TS, which needs 189).
enum class VideoFormat { kUnknown, kMp4, kMatroska, kAvi, kFlv, kMpegTs, kMpegPs, kOgg };
VideoFormat SniffVideoFormat(std::string_view head);
const char* VideoFormatName(VideoFormat format);

// True when this build can decode and encode videos.
bool VideoSupported();

// RGB24 pixels, row-major, 3 * width bytes a row.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
};

struct VideoHashOptions {
  // 0: every decoded frame. Otherwise every k-th frame with k = int(seconds * frame rate)
  // (at least 1), as the reference's --seconds-per-hash.
  double seconds_per_hash = 0;
  int64_t max_file_bytes = int64_t{4} << 30;
  double max_duration_seconds = 4 * 3600;  // by decoded frame count / frame rate
  int64_t max_frames = 1'000'000;          // decoded frames, hashed or not
  // Per frame (codec's declared size and each decoded frame). With the decoder's reference
  // frames and cordon's RGB and luma planes, memory stays under about 40 bytes a pixel.
  int64_t max_pixels = 3840 * 2160;
};

// Hashes the video file at `path` (a regular file, read by descriptor).
StatusOr<std::vector<VpdqFrame>> VpdqFromFile(const std::string& path,
                                              const VideoHashOptions& options = {});
// Same, from a regular file open as `fd` (read with pread; left open). `name` is for errors.
StatusOr<std::vector<VpdqFrame>> VpdqFromFd(int fd, const std::string& name,
                                            const VideoHashOptions& options = {});
// Same, from bytes in memory; `name` is used in error locations.
StatusOr<std::vector<VpdqFrame>> VpdqFromBytes(std::string_view bytes, const std::string& name,
                                               const VideoHashOptions& options = {});

// Every decoded frame of a video in memory as RGB24 at the stream's size, converted as for
// hashing (same limits; seconds_per_hash is ignored), and its frame rate. Meant for short clips
// (the simulator edits its own): the frames together may take at most `max_bytes`, else
// kResourceExhausted.
struct DecodedVideo {
  double fps = 0;
  std::vector<RgbImage> frames;
};
StatusOr<DecodedVideo> DecodeVideoRgb(std::string_view bytes, const std::string& name,
                                      const VideoHashOptions& options = {},
                                      int64_t max_bytes = int64_t{256} << 20);

// Encodes `frames` (all of one size; an odd last row or column is dropped, as 4:2:0 needs even
// sizes) as an MP4 of MPEG-4 part 2 video at `fps` frames a second. `quantizer` is the
// encoder's fixed quantiser, 2 (best) to 31 (worst). Output is bit-exact for one FFmpeg build:
// the same frames give the same bytes. kUnsupported in builds without video support.
struct VideoEncodeOptions {
  int fps = 8;
  int quantizer = 4;
  int keyframe_every = 16;  // frames
};
StatusOr<std::string> EncodeVideoMp4(const std::vector<RgbImage>& frames,
                                     const VideoEncodeOptions& options = {});

// For commands given either a video or a hash file: a file whose first bytes look like a video
// is hashed; anything else is read (up to 64 MiB) as the reference's hash file.
StatusOr<std::vector<VpdqFrame>> VpdqFromVideoOrHashFile(const std::string& path,
                                                         const VideoHashOptions& options = {});

}  // namespace cordon
