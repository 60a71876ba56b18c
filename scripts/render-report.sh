#!/usr/bin/env bash
# Renders a cordon report (one self-contained HTML file) to PDF and PNG with headless Chromium,
# for a machine without a desktop browser. Installs Chromium from Debian when it is missing.
# Usage: scripts/render-report.sh [REPORT.html]   (default: demo/report.html)
# Writes REPORT.pdf and REPORT.png beside it. The report loads nothing from the network.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
report="${1:-demo/report.html}"
[ -f "$report" ] || { echo "render-report: no report at $report (make run writes one)" >&2; exit 1; }
"$here/install-deps.sh" --report
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
[ -n "$browser" ] || { echo "render-report: Chromium is not installed" >&2; exit 1; }
abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
base="${abs%.html}"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
       --user-data-dir="$profile")
"$browser" "${flags[@]}" --print-to-pdf="$base.pdf" "file://$abs" >/dev/null 2>&1
"$browser" "${flags[@]}" --window-size=1280,4000 --screenshot="$base.png" "file://$abs" \
  >/dev/null 2>&1
echo "wrote $base.pdf and $base.png"
