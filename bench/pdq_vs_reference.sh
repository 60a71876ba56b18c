#!/usr/bin/env bash
# PDQ files hashed per second, decode included: cordon against Meta's reference C++
# pdq-photo-hasher (ThreatExchange pdq/cpp), on the same files in the same run, with the hashes
# checked against each other.
#
# Usage: bench/pdq_vs_reference.sh [--cordon PATH] [--copies N] [--tries N]
#   --cordon  the cordon binary (default: build/cordon)
#   --copies  how many times the image list is repeated per run (default 10)
#   --tries   runs per tool; the best (shortest) is reported (default 3)
# Environment:
#   PDQ_IMAGES  the authors' test images (default: ../shared/data/pdq/images)
#   PDQ_PEER    where the reference is built (default: /tmp/pdq-peer); built when absent from
#   PDQ_PEER_SRC  a ThreatExchange checkout or bare git directory; else it is cloned from GitHub.
# The reference is built outside the repository, with its own Makefile, CImg reading JPEG
# through libjpeg and PNG through libpng (see bench/pdq_peer/README.md). Needs python3.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cordon="$here/build/cordon"
copies=10
tries=3
while [ $# -gt 0 ]; do
  case "$1" in
    --cordon) cordon="$2"; shift 2 ;;
    --copies) copies="$2"; shift 2 ;;
    --tries) tries="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
images="${PDQ_IMAGES:-$here/../shared/data/pdq/images}"
csv="$images/../reference-hashes.csv"
peer="${PDQ_PEER:-/tmp/pdq-peer}"
hasher="$peer/pdq/cpp/pdq-photo-hasher"

[ -x "$cordon" ] || { echo "no cordon binary at $cordon (make build)" >&2; exit 1; }
[ -f "$csv" ] || { echo "no reference data at $csv" >&2; exit 1; }

# ---------------------------------------------------------------- the reference, under /tmp
if [ ! -x "$hasher" ]; then
  echo "building the reference pdq-photo-hasher in $peer ..." >&2
  mkdir -p "$peer"
  src="${PDQ_PEER_SRC:-}"
  if [ -z "$src" ]; then
    git clone --depth 1 https://github.com/facebook/ThreatExchange "$peer/checkout" >&2
    src="$peer/checkout"
  fi
  if [ -d "$src/pdq/cpp" ]; then
    cp -r "$src/pdq" "$peer/"
  else  # a bare git directory: copy pdq/cpp file by file (large blobs may be absent)
    git --git-dir="$src" ls-tree -r --name-only HEAD pdq/cpp | while read -r f; do
      mkdir -p "$peer/$(dirname "$f")"
      git --git-dir="$src" show "HEAD:$f" > "$peer/$f" 2>/dev/null || rm -f "$peer/$f"
    done
  fi
  make -C "$peer/pdq/cpp" pdq-photo-hasher CFLAGS="-Dcimg_use_jpeg -Dcimg_use_png -Dcimg_display=0" \
    LFLAGS="-lm -lpthread -ljpeg -lpng" >&2
fi

# ---------------------------------------------------------------- inputs
# Every image the reference reads (the CSV rows), repeated so each run lasts a few seconds.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tail -n +2 "$csv" | cut -d, -f1 | sed "s|^|$images/|" > "$work/once.txt"
for _ in $(seq "$copies"); do cat "$work/once.txt"; done > "$work/list.txt"
nfiles=$(wc -l < "$work/list.txt")
mapfile -t files < "$work/list.txt"

now() { date +%s.%N; }
# best_of NAME CMD...: runs CMD `tries` times (stdout to $work/NAME.out), prints the best seconds.
best_of() {
  local name="$1"; shift
  local best="" t0 t1 dt
  for _ in $(seq "$tries"); do
    t0=$(now)
    "$@" > "$work/$name.out" 2> "$work/$name.err" || true
    t1=$(now)
    dt=$(python3 -c "print($t1 - $t0)")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $dt < $best else 1)"; then best=$dt; fi
  done
  echo "$best"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "files per run: $nfiles ($(wc -l < "$work/once.txt") images x $copies), best of $tries runs"
echo

t_ref=$(best_of ref "$hasher" "${files[@]}")
t_one=$(best_of one "$cordon" hash --json -j 1 "${files[@]}")
t_all=$(best_of all "$cordon" hash --json "${files[@]}")
t_fast1=$(best_of fast1 "$cordon" hash --json --fast-jpeg -j 1 "${files[@]}")
t_fast=$(best_of fast "$cordon" hash --json --fast-jpeg "${files[@]}")

python3 - "$work" "$nfiles" "$t_ref" "$t_one" "$t_all" "$t_fast1" "$t_fast" "$(nproc)" <<'EOF'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
t_ref, t_one, t_all, t_fast1, t_fast = map(float, sys.argv[3:8])
cores = sys.argv[8]

ref = {}
for line in open(f"{work}/ref.out"):
    parts = line.strip().split(",")
    if len(parts) == 3:
        ref[parts[2]] = (parts[0], int(parts[1]))

def check(name):
    rows = json.load(open(f"{work}/{name}.out"))
    worst, differ, missing = 0, 0, 0
    for r in rows:
        if r["file"] not in ref or r["pdq"] is None:
            missing += 1
            continue
        h, q = ref[r["file"]]
        d = bin(int(h, 16) ^ int(r["pdq"], 16)).count("1")
        if q >= 80:
            worst = max(worst, d)
        differ += d > 0
    return len(rows), worst, differ, missing

if len(ref) * 1 < len(set(open(f"{work}/list.txt").read().split())):
    print("warning: the reference did not hash every file", file=sys.stderr)
print(f"{'tool':44} {'seconds':>8} {'files/s':>9} {'vs ref':>7}  conformance")
print(f"{'reference pdq-photo-hasher (1 thread)':44} {t_ref:8.2f} {n / t_ref:9.1f} {1.0:6.2f}x")
for label, name, t in [
    ("cordon hash -j 1 (exact decode)", "one", t_one),
    (f"cordon hash (exact decode, {cores} threads)", "all", t_all),
    ("cordon hash --fast-jpeg -j 1", "fast1", t_fast1),
    (f"cordon hash --fast-jpeg ({cores} threads)", "fast", t_fast),
]:
    rows, worst, differ, missing = check(name)
    conf = f"{rows} rows, {differ} differ from the reference, max distance {worst} (q>=80)"
    if missing:
        conf += f", {missing} without a hash"
    print(f"{label:44} {t:8.2f} {n / t:9.1f} {t_ref / t:6.2f}x  {conf}")
EOF
