#!/usr/bin/env bash
# vPDQ against Meta's reference (ThreatExchange vpdq/cpp) on the clips bench/vpdq_clips.sh makes
# with FFmpeg's test sources (originals and their re-encoded, scaled, cropped, trimmed, intro'd
# and transcoded copies), in one run:
#   - every frame: the same frame numbers, qualities and timestamps, the PDQ distance between the
#     two tools' hashes of each frame (median and max per clip);
#   - every pair of clips: the reference's match-hashes-brute on its hash files against
#     `cordon vpdq compare` on cordon's (distance 31, quality 50), percentages and decisions under
#     the C++ rule (80% of both) and the Python rule (80% of the query);
#   - throughput: seconds of video per CPU-second (user + system of every thread, decode
#     included), the least of --tries runs per tool and clip, interleaved.
#
# Usage: bench/vpdq_vs_reference.sh [--cordon PATH] [--seconds N] [--tries N] [--clips DIR]
#   --cordon   the cordon binary (default: build/cordon)
#   --seconds  length of each original clip (default 10)
#   --tries    runs per tool and clip; the least CPU time is kept (default 3)
#   --clips    keep the clips in DIR (made there when it holds none) instead of a temporary one
# Environment:
#   VPDQ_PEER      where the reference is built (default: /tmp/vpdq-peer); built when absent from
#   VPDQ_PEER_SRC  a ThreatExchange checkout or bare git directory (e.g. the one the lead's
#                  `fetch github:facebook/ThreatExchange` gives); else it is cloned from GitHub.
# The reference is built outside the repository with its own CMake, less the FFmpeg libraries it
# asks for but does not use (libavdevice, libavfilter, libswresample). It hashes with one hashing
# thread (-t 1); its decoder uses FFmpeg's slice threads, counted in its CPU time as cordon's
# are. Needs ffmpeg, ffprobe, python3.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cordon="$here/build/cordon"
seconds=10
tries=3
clips=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cordon) cordon="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --tries) tries="$2"; shift 2 ;;
    --clips) clips="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
peer="${VPDQ_PEER:-/tmp/vpdq-peer}"
apps="$peer/vpdq/cpp/build/apps"
[ -x "$cordon" ] || { echo "no cordon binary at $cordon (make build)" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "no ffmpeg command (scripts/install-deps.sh)" >&2; exit 1; }

# ---------------------------------------------------------------- the reference, outside the repo
if [ ! -x "$apps/vpdq-hash-video" ] || [ ! -x "$apps/match-hashes-brute" ]; then
  echo "building the reference vpdq-hash-video and match-hashes-brute in $peer ..." >&2
  if [ ! -f "$peer/vpdq/cpp/CMakeLists.txt" ]; then
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
  fi
  cmake -S "$peer/vpdq/cpp" -B "$peer/vpdq/cpp/build" -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$peer/vpdq/cpp/build" -j "$(nproc)" --target vpdq-hash-video match-hashes-brute >&2
fi

# ---------------------------------------------------------------- clips
out="$(mktemp -d)"
clips_tmp=""
trap 'rm -rf "$out" ${clips_tmp:+"$clips_tmp"}' EXIT
if [ -z "$clips" ]; then
  clips_tmp="$(mktemp -d)"
  clips="$clips_tmp"
fi
if ! ls "$clips"/*.orig.* >/dev/null 2>&1; then
  echo "making the clips in $clips ..." >&2
  "$here/bench/vpdq_clips.sh" "$clips" --seconds "$seconds" >/dev/null
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
echo "cordon $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'); least CPU time of $tries runs"
python3 - "$clips" "$out" "$tries" "$apps" "$cordon" <<'PY'
import json, os, resource, statistics, subprocess, sys
clips, out, tries, apps, cordon = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
hasher, brute = os.path.join(apps, "vpdq-hash-video"), os.path.join(apps, "match-hashes-brute")

def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def seconds_of_video(path, frames):
    rate = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=avg_frame_rate", "-of", "csv=p=0", path],
                          check=True, capture_output=True, text=True).stdout.strip()
    num, den = (int(x) for x in rate.split("/"))
    return frames * den / num

def read_hashes(path):
    rows = []
    for line in open(path):
        if line.strip():
            f, q, h, t = line.strip().split(",")
            rows.append((int(f), int(q), int(h, 16), float(t)))
    return rows

names = sorted(f for f in os.listdir(clips) if f.endswith((".mp4", ".webm")))
total = {"video": 0.0, "ref": 0.0, "ours": 0.0}
all_same, worst_max, medians = True, 0, []
print(f"{'clip':18} {'frames':>6}  same  median  max  {'cordon v-s/cpu-s':>16}  {'reference':>9}  ratio")
for name in names:
    path = os.path.join(clips, name)
    ref_txt, ours_txt = os.path.join(out, name + ".ref.txt"), os.path.join(out, name + ".cordon.txt")
    ref_cpu, ours_cpu = [], []
    for _ in range(tries):
        ref_cpu.append(cpu([hasher, "-t", "1", "-r", "0", "-i", path, "-o", ref_txt]))
        ours_cpu.append(cpu([cordon, "vpdq", "hash", "-o", ours_txt, path]))
    theirs, ours = read_hashes(ref_txt), read_hashes(ours_txt)
    same = len(ours) == len(theirs) and all(
        t[0] == o[0] and t[1] == o[1] and abs(t[3] - o[3]) < 0.0015 for t, o in zip(theirs, ours))
    dists = [bin(t[2] ^ o[2]).count("1") for t, o in zip(theirs, ours)] or [0]
    video = seconds_of_video(path, len(theirs))
    total["video"] += video
    total["ref"] += min(ref_cpu)
    total["ours"] += min(ours_cpu)
    all_same &= same
    worst_max = max(worst_max, max(dists))
    medians.append(statistics.median(dists))
    print(f"{name:18} {len(ours):6}  {'yes' if same else 'NO':4}  {statistics.median(dists):6}  "
          f"{max(dists):3}  {video / min(ours_cpu):16.1f}  {video / min(ref_cpu):9.1f}  "
          f"{min(ref_cpu) / min(ours_cpu):4.2f}x")
print(f"{'all clips':18} {'':6}  {'yes' if all_same else 'NO':4}  {max(medians):6}  {worst_max:3}  "
      f"{total['video'] / total['ours']:16.1f}  {total['video'] / total['ref']:9.1f}  "
      f"{total['ref'] / total['ours']:4.2f}x")

# Every unordered pair, both tools' own hash files, the reference's rule implementation.
pairs = same_cpp = same_py = 0
worst_gap, disagreements, matches = 0.0, [], 0
for i, a in enumerate(names):
    for b in names[i + 1:]:
        ra = subprocess.run([brute, os.path.join(out, a + ".ref.txt"), os.path.join(out, b + ".ref.txt"),
                             "31", "50"], check=True, capture_output=True, text=True).stdout.split("\n")
        rq, rt = float(ra[-3].split()[0]), float(ra[-2].split()[0])
        oc = json.loads(subprocess.run([cordon, "vpdq", "compare", "--json",
                                        os.path.join(out, a + ".cordon.txt"),
                                        os.path.join(out, b + ".cordon.txt")],
                                       check=True, capture_output=True, text=True).stdout)
        oq, ot = oc["query_match_percent"], oc["target_match_percent"]
        pairs += 1
        ref_cpp, ours_cpp = rq >= 80 and rt >= 80, oq >= 80 and ot >= 80
        assert ours_cpp == oc["match"]
        same_cpp += ref_cpp == ours_cpp
        same_py += (rq >= 80) == (oq >= 80)
        matches += ref_cpp
        worst_gap = max(worst_gap, abs(rq - oq), abs(rt - ot))
        if ref_cpp != ours_cpp or (rq >= 80) != (oq >= 80):
            disagreements.append(f"{a} vs {b}: reference {rq:.2f}/{rt:.2f}, cordon {oq:.2f}/{ot:.2f}")
print(f"pairs: {pairs}; same decision, C++ rule 80/80: {same_cpp}/{pairs} ({matches} match); "
      f"Python rule 80/0: {same_py}/{pairs}; largest percentage gap {worst_gap:.2f} points")
for d in disagreements:
    print("  differs:", d)
PY
