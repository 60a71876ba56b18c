#!/usr/bin/env bash
# The dashboard's browser test (dashboard_test.mjs), run by ctest: Debian's Chromium driven by
# playwright-core from npm (`npm ci` in this folder; .ci/run does it).
# Usage: run.sh CORDON_BINARY
# Exits 77 (ctest's SKIP_RETURN_CODE) when node, Chromium or playwright-core is missing, unless
# CORDON_REQUIRE_CHROMIUM is set (CI sets it), when that is a failure.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing() {
  if [ -n "${CORDON_REQUIRE_CHROMIUM:-}" ] && [ "${CORDON_REQUIRE_CHROMIUM}" != 0 ]; then
    echo "FAIL: $1" >&2
    exit 1
  fi
  echo "SKIP: $1" >&2
  exit 77
}

[ $# -eq 1 ] || { echo "usage: run.sh CORDON_BINARY" >&2; exit 2; }
command -v node > /dev/null || missing "node is not installed (scripts/install-deps.sh --report)"
chromium=""
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -x "$c" ] && { chromium="$c"; break; }
done
[ -n "$chromium" ] || missing "Chromium is not installed (scripts/install-deps.sh --report)"
[ -f "$here/node_modules/playwright-core/package.json" ] ||
  missing "playwright-core is not installed (cd tests/browser && npm ci)"

CHROMIUM="$chromium" exec node "$here/dashboard_test.mjs" "$1"
