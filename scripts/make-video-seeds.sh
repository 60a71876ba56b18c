#!/usr/bin/env bash
# Writes the seed clips of fuzz/video_decode_fuzz (a few kB each) with the ffmpeg command's own
# test sources. Usage: scripts/make-video-seeds.sh [OUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/fuzz/corpus/video_decode_fuzz}
mkdir -p "$out"
ff() { ffmpeg -nostdin -y -loglevel error "$@"; }
ff -f lavfi -i testsrc=size=32x24:rate=5 -t 1 -c:v libx264 -pix_fmt yuv420p "$out/h264.mp4"
ff -f lavfi -i mandelbrot=size=32x24:rate=5 -t 1 -c:v libvpx-vp9 -b:v 50k "$out/vp9.webm"
ff -f lavfi -i testsrc=size=32x24:rate=5 -t 1 -c:v libvpx -b:v 50k "$out/vp8.mkv"
ff -f lavfi -i testsrc=size=32x24:rate=5 -t 1 -c:v mpeg4 "$out/mpeg4.avi"
ff -f lavfi -i testsrc=size=32x24:rate=5 -t 1 -c:v flv1 "$out/flv1.flv"
ff -f lavfi -i testsrc=size=32x24:rate=5 -t 1 -c:v mpeg2video "$out/mpeg2.ts"
ff -f lavfi -i testsrc=size=32x24:rate=5 -t 1 -c:v libtheora "$out/theora.ogv"
ls -l "$out"
