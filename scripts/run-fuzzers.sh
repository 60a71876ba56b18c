#!/usr/bin/env bash
# Runs each fuzz target in BUILD_DIR for SECONDS, seeded from fuzz/corpus/<target>/ and testdata/.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for bin in "$build"/*_fuzz; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  work=$(mktemp -d)
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds+=("$root/fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
       "$work" "${seeds[@]}" >"$work.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -50 "$work.log"; status=1
  else
    grep -E "stat::number_of_executed_units" "$work.log" || true
  fi
  rm -rf "$work" "$work.log"
done
exit $status
