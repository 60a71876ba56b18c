#!/usr/bin/env bash
# PDQ radius search: cordon's index against FAISS IndexBinaryMultiHash (HMA's configuration:
# 16 maps of 16 bits, nflip = radius / 16) and IndexBinaryFlat, at 1M and 10M entries, radius
# 31, same data, results checked identical; then the time to reload 1M entries from a store.
# FAISS comes from scripts/install-deps.sh --bench; without it only cordon's side is printed.
# docs/benchmarks.md ("Index") records a run.
#
# Usage: bench/index_vs_faiss.sh [BUILD_DIR] [index_bench flags...]
#   e.g. bench/index_vs_faiss.sh build --sizes 1000000 --queries 500
# Memory: about 4 GB at 10M entries, most of it FAISS's multi-hash maps. Time: several minutes,
# most of it building FAISS's maps.
set -euo pipefail
build=${1:-build}
shift || true
if [ ! -x "$build/index_bench" ]; then
  echo "no $build/index_bench: cmake --build $build --target index_bench" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ $# -gt 0 ]; then
  "$build/index_bench" "$@"
else
  "$build/index_bench" --sizes 1000000,10000000 --queries 2000 --flat-queries 20 --threads 2
fi
"$build/index_bench" --sizes 1000000 --queries 100 --flat-queries 5 --no-faiss \
  --reload "$tmp/bank.db"
