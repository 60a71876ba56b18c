#!/usr/bin/env bash
# PDQ files hashed per second, decode included: cordon against Meta's reference C++
# pdq-photo-hasher (ThreatExchange pdq/cpp), on the same files in the same run, with the hashes
# checked against each other.
#
# Usage: bench/pdq_vs_reference.sh [--cordon PATH] [--copies N] [--tries N]
#   --cordon  the cordon binary (default: build/cordon)
#   --copies  how many times the image list is repeated per run (default 10)
#   --tries   runs per tool, interleaved; the best wall and CPU times are kept (default 3)
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
  # The checkout bundles CImg.h; Debian's cimg-dev (install-deps.sh --bench) stands in if not.
  if [ ! -f "$peer/pdq/cpp/CImg.h" ] && [ -f /usr/include/CImg.h ]; then
    cp /usr/include/CImg.h "$peer/pdq/cpp/"
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
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "files per run: $nfiles ($(wc -l < "$work/once.txt") images x $copies), best of $tries runs each"
python3 "$here/bench/pdq_peer/run.py" "$work" "$tries" "$hasher" "$cordon"
