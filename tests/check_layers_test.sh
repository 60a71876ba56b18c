#!/usr/bin/env bash
# scripts/check-layers.sh on a small tree with one include planted against the rules (it must
# name that line and fail), on the same tree without it (it must pass), and on the real tree.
#   usage: tests/check_layers_test.sh CHECK_SCRIPT RULES SOURCE_DIR   (run by ctest)
set -euo pipefail
check=$1
rules=$2
source_dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*"
  exit 1
}

printf 'util:\nmodel: util\nstore: util model\ningest: util model store\n' >"$tmp/rules"
mkdir -p "$tmp/src/cordon"/{util,model,store,ingest}
printf '#include "cordon/util/a.h"\n' >"$tmp/src/cordon/model/m.h"
printf '#include "cordon/ingest/i.h"\n#include "cordon/store/s.h"\n' >"$tmp/src/cordon/ingest/i.cc"
printf '#include <string>\n\n#include "cordon/model/m.h"\n#include "cordon/util/a.h"\n' \
  >"$tmp/src/cordon/store/s.cc"

"$check" "$tmp/rules" "$tmp" >"$tmp/out" || fail "clean tree rejected: $(cat "$tmp/out")"
[ ! -s "$tmp/out" ] || fail "clean tree printed: $(cat "$tmp/out")"

# The planted violation: store reaches up to ingest.
printf '#include "cordon/store/s.h"\n  #  include "cordon/ingest/i.h"\n' >>"$tmp/src/cordon/store/s.cc"
if "$check" "$tmp/rules" "$tmp" >"$tmp/out"; then
  fail "planted violation passed"
fi
want='src/cordon/store/s.cc:6: store may not include ingest (store may use: util model)'
[ "$(cat "$tmp/out")" = "$want" ] || fail "got '$(cat "$tmp/out")', want '$want'"

# A stage folder the rules do not name.
rm "$tmp/src/cordon/store/s.cc"
mkdir "$tmp/src/cordon/extra"
if "$check" "$tmp/rules" "$tmp" >"$tmp/out"; then
  fail "undeclared stage passed"
fi
grep -q 'stage extra is not declared' "$tmp/out" || fail "got '$(cat "$tmp/out")'"

# SQLite outside store/: refused in ingest, allowed in store.
rmdir "$tmp/src/cordon/extra"
printf '#include <sqlite3.h>\n' >"$tmp/src/cordon/store/db.cc"
"$check" "$tmp/rules" "$tmp" >"$tmp/out" || fail "SQLite in store/ rejected: $(cat "$tmp/out")"
printf '#include "cordon/store/sqlite.h"\n' >>"$tmp/src/cordon/ingest/i.cc"
if "$check" "$tmp/rules" "$tmp" >"$tmp/out"; then
  fail "SQLite in ingest passed"
fi
want='src/cordon/ingest/i.cc:3: only store/ may use SQL (add a typed function in src/cordon/store/)'
[ "$(cat "$tmp/out")" = "$want" ] || fail "got '$(cat "$tmp/out")', want '$want'"

"$check" "$rules" "$source_dir" || fail "the source tree breaks its layers"
echo "ok"
