#!/usr/bin/env bash
# Runs every benchmark that has a driver; each prints its peers side by side and the ratios.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
echo "== ingest (1M native messages vs a Python json.loads loop and simdjson)"
"$build/ingest_bench" --messages "${INGEST_MESSAGES:-1000000}"
for script in "$root"/bench/*.sh; do
  [ -x "$script" ] || continue
  echo "== $(basename "$script")"
  "$script" "$build" || echo "(failed: $script)"
done
