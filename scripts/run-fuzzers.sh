#!/usr/bin/env bash
# Runs each fuzz target in BUILD_DIR for SECONDS, seeded from fuzz/corpus/<target>/, JOBS targets
# at a time (default: one per core). A failing target's log tail is printed; the exit status is
# non-zero when any target failed.
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-20}
jobs=${JOBS:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run_one() {
  local bin=$1 name work
  name=$(basename "$bin")
  work=$(mktemp -d)
  local seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds+=("$root/fuzz/corpus/$name")
  if "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
       "$work" "${seeds[@]}" >"$logs/$name.log" 2>&1; then
    echo "fuzz: $name for ${seconds}s: $(grep -Eo 'number_of_executed_units: *[0-9]+' "$logs/$name.log" || true)"
  else
    echo "fuzz: $name FAILED"; tail -50 "$logs/$name.log"; touch "$logs/$name.failed"
  fi
  rm -rf "$work"
}

running=0
for bin in "$build"/*_fuzz; do
  [ -x "$bin" ] || continue
  run_one "$bin" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
if compgen -G "$logs/*.failed" >/dev/null; then exit 1; fi
