#!/usr/bin/env bash
# vPDQ hashing throughput (seconds of video per CPU-second, decode included): cordon against
# Meta's reference vpdq-hash-video (ThreatExchange vpdq/cpp) on the same clips in the same run,
# with every frame's number, quality and hash compared.
#
# Usage: bench/vpdq_vs_reference.sh [--cordon PATH] [--seconds N] [--tries N]
#   --cordon   the cordon binary (default: build/cordon)
#   --seconds  length of each clip (default 20)
#   --tries    runs per tool and clip; the least CPU time is kept (default 3)
# Environment:
#   VPDQ_PEER      where the reference is built (default: /tmp/vpdq-peer); built when absent from
#   VPDQ_PEER_SRC  a ThreatExchange checkout or bare git directory; else it is cloned from GitHub.
# The reference is built outside the repository with its own CMake, less the FFmpeg libraries it
# asks for but does not use (libavdevice, libavfilter, libswresample). Needs ffmpeg, python3.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cordon="$here/build/cordon"
seconds=20
tries=3
while [ $# -gt 0 ]; do
  case "$1" in
    --cordon) cordon="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --tries) tries="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
peer="${VPDQ_PEER:-/tmp/vpdq-peer}"
hasher="$peer/vpdq/cpp/build/apps/vpdq-hash-video"
[ -x "$cordon" ] || { echo "no cordon binary at $cordon (make build)" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "no ffmpeg command (scripts/install-deps.sh)" >&2; exit 1; }

# ---------------------------------------------------------------- the reference, under /tmp
if [ ! -x "$hasher" ]; then
  echo "building the reference vpdq-hash-video in $peer ..." >&2
  mkdir -p "$peer"
  src="${VPDQ_PEER_SRC:-}"
  if [ -z "$src" ]; then
    git clone --depth 1 https://github.com/facebook/ThreatExchange "$peer/checkout" >&2
    src="$peer/checkout"
  fi
  if [ -d "$src/vpdq/cpp" ]; then
    mkdir -p "$peer/vpdq" && cp -r "$src/vpdq/cpp" "$peer/vpdq/"
  else  # a bare git directory: copy vpdq/cpp file by file (large blobs may be absent)
    git --git-dir="$src" ls-tree -r --name-only HEAD vpdq/cpp | while read -r f; do
      mkdir -p "$peer/$(dirname "$f")"
      git --git-dir="$src" show "HEAD:$f" > "$peer/$f" 2>/dev/null || rm -f "$peer/$f"
    done
  fi
  sed -i '/^ *libavdevice$/d;/^ *libavfilter$/d;/^ *libswresample$/d' "$peer/vpdq/cpp/CMakeLists.txt"
  cmake -S "$peer/vpdq/cpp" -B "$peer/vpdq/cpp/build" -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$peer/vpdq/cpp/build" -j "$(nproc)" --target vpdq-hash-video >&2
fi

# ---------------------------------------------------------------- clips
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ff() { ffmpeg -nostdin -y -loglevel error "$@"; }
ff -f lavfi -i "testsrc2=size=640x360:rate=30" -t "$seconds" -c:v libx264 -pix_fmt yuv420p "$work/h264-360p.mp4"
ff -f lavfi -i "testsrc2=size=1280x720:rate=25" -t "$seconds" -c:v libx264 -pix_fmt yuv420p "$work/h264-720p.mp4"
ff -f lavfi -i "mandelbrot=size=640x360:rate=30" -t "$seconds" -c:v libvpx-vp9 -b:v 1M -deadline realtime -cpu-used 8 "$work/vp9-360p.webm"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "clips of $seconds s, least CPU time of $tries runs; the reference on one hashing thread"
python3 - "$work" "$tries" "$hasher" "$cordon" "$seconds" <<'PY'
import json, os, resource, subprocess, sys
work, tries, hasher, cordon, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])

def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL if "-o" in cmd else subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

for clip in sorted(f for f in os.listdir(work) if not f.endswith(".txt")):
    path = os.path.join(work, clip)
    ref_out = path + ".ref.txt"
    ref_cpu = min(cpu([hasher, "-t", "1", "-r", "0", "-i", path, "-o", ref_out]) for _ in range(tries))
    ours_cpu = min(cpu([cordon, "hash", "--no-digests", path]) for _ in range(tries))
    out = subprocess.run([cordon, "hash", "--json", "--no-digests", path], check=True,
                         capture_output=True, text=True).stdout
    ours = json.loads(out)[0]["vpdq"]
    theirs = [l.strip().split(",") for l in open(ref_out) if l.strip()]
    same_frames = len(ours) == len(theirs) and all(int(t[0]) == o["frame"] for t, o in zip(theirs, ours))
    dists = sorted(bin(int(t[2], 16) ^ int(o["pdq"], 16)).count("1") for t, o in zip(theirs, ours))
    print(f"{clip:16} frames {len(ours):5} same frames {same_frames}  distance median "
          f"{dists[len(dists)//2]} max {dists[-1]}  video s per CPU s: cordon {seconds/ours_cpu:6.1f}"
          f"  reference {seconds/ref_cpu:6.1f}  ratio {ref_cpu/ours_cpu:4.2f}x")
PY
