#!/usr/bin/env bash
# Writes the vPDQ conformance clips of issue #20 into DIR, made only with FFmpeg's own test
# sources (no outside footage): four originals of different sources, sizes, frame rates and
# codecs, and for each of them six edited copies as mirrors make them.
#
# Usage: bench/vpdq_clips.sh DIR [--seconds N]
#   --seconds  length of each original (default 10; trimmed copies are 4 s shorter, intro'd
#              ones 2 s longer)
#
# Originals (NAME.orig.EXT):
#   t2   testsrc2    640x360  30 fps  H.264/MP4
#   mb   mandelbrot  480x270  25 fps  VP9/WebM
#   lf   life        320x240  15 fps  H.264/MP4
#   gr   gradients  1280x720  24 fps  VP9/WebM
# Copies (NAME.EDIT.EXT), each from the original's file, so the copy is decoded and re-encoded:
#   reenc   the same codec at a much lower quality
#   scaled  half the width and height
#   crop    the centre 90% (5% off each side)
#   trim    the first and the last 2 s cut
#   intro   2 s of another source (cellauto) before it
#   xcode   the other codec and container, at another frame rate (H.264 <-> VP9, 20 fps)
# Needs ffmpeg with libx264 and libvpx (Debian's ffmpeg has both).
set -euo pipefail

dir=""
seconds=10
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) dir="$1"; shift ;;
  esac
done
[ -n "$dir" ] || { echo "usage: $0 DIR [--seconds N]" >&2; exit 2; }
command -v ffmpeg >/dev/null || { echo "no ffmpeg command (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$dir"

ff() { ffmpeg -nostdin -y -loglevel error "$@"; }
x264=(-c:v libx264 -preset medium -pix_fmt yuv420p)
vp9=(-c:v libvpx-vp9 -b:v 0 -crf 32 -deadline good -cpu-used 4 -row-mt 1 -pix_fmt yuv420p)

# name source size rate codec
originals=(
  "t2 testsrc2 640x360 30 h264"
  "mb mandelbrot 480x270 25 vp9"
  "lf life 320x240 15 h264"
  "gr gradients 1280x720 24 vp9"
)

for spec in "${originals[@]}"; do
  read -r name src size rate codec <<<"$spec"
  w="${size%x*}"
  h="${size#*x}"
  case "$src" in
    life) input="life=size=$size:rate=$rate:seed=7:mold=10:ratio=0.3:death_color=#202020:life_color=#e0e0a0" ;;
    gradients) input="gradients=size=$size:rate=$rate:speed=0.03:seed=11" ;;
    *) input="$src=size=$size:rate=$rate" ;;
  esac
  if [ "$codec" = h264 ]; then
    enc=("${x264[@]}") ext=mp4 lowq=(-c:v libx264 -crf 38 -pix_fmt yuv420p)
    other=("${vp9[@]}") other_ext=webm
  else
    enc=("${vp9[@]}") ext=webm lowq=(-c:v libvpx-vp9 -b:v 0 -crf 55 -deadline good -cpu-used 5 -pix_fmt yuv420p)
    other=("${x264[@]}") other_ext=mp4
  fi
  orig="$dir/$name.orig.$ext"
  ff -f lavfi -i "$input" -t "$seconds" "${enc[@]}" "$orig"
  ff -i "$orig" "${lowq[@]}" "$dir/$name.reenc.$ext"
  ff -i "$orig" -vf "scale=$((w / 2)):$((h / 2))" "${enc[@]}" "$dir/$name.scaled.$ext"
  ff -i "$orig" -vf "crop=$((w * 9 / 10 / 2 * 2)):$((h * 9 / 10 / 2 * 2))" "${enc[@]}" \
    "$dir/$name.crop.$ext"
  ff -ss 2 -i "$orig" -t "$((seconds - 4))" "${enc[@]}" "$dir/$name.trim.$ext"
  ff -f lavfi -i "cellauto=size=$size:rate=$rate:rule=110" -i "$orig" -filter_complex \
    "[0:v]trim=duration=2,setsar=1[a];[1:v]setsar=1[b];[a][b]concat=n=2:v=1[v]" -map "[v]" \
    "${enc[@]}" "$dir/$name.intro.$ext"
  ff -i "$orig" -r 20 "${other[@]}" "$dir/$name.xcode.$other_ext"
done
ls "$dir"
