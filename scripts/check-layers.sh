#!/usr/bin/env bash
# Checks the engine's layers: a file in src/cordon/<stage>/ may include "cordon/<other>/..." only
# when <other> is <stage> itself or a stage it may use. The rules come from CMakeLists.txt
# (cordon_stage), which writes them to <build>/layers.txt as lines "stage: allowed stages".
# Prints one line per forbidden include and exits 1 if there is any; a stage folder the rules do
# not name is an error too. SQL lives only in store/: a file elsewhere in src/ or in cli/ that
# includes SQLite, libpq or the store's connection headers (store/sql.h, sqlite.h, postgres.h) is
# refused as well.
#   usage: scripts/check-layers.sh RULES [ROOT]   (ROOT: the source tree, default this repo)
set -euo pipefail
rules=${1:?usage: check-layers.sh RULES [ROOT]}
root=${2:-$(cd "$(dirname "$0")/.." && pwd)}

declare -A allowed
while IFS= read -r line || [ -n "$line" ]; do
  [[ -z "${line// /}" || "$line" == \#* ]] && continue
  stage=${line%%:*}
  allowed[$stage]=$(echo ${line#*:})  # word-split to single spaces
done <"$rules"

status=0
cd "$root"
for dir in src/cordon/*/; do
  stage=$(basename "$dir")
  if [ -z "${allowed[$stage]+set}" ]; then
    echo "$dir: stage $stage is not declared (CMakeLists.txt, cordon_stage)"
    status=1
    continue
  fi
  uses=${allowed[$stage]}
  # file:line:text of every include of an engine header, quoted or angled.
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    lineno=${rest%%:*}
    other=$(sed -E 's|^[^"<]*["<]cordon/([^/]+)/.*|\1|' <<<"${rest#*:}")
    [ "$other" = "$stage" ] && continue
    [[ " $uses " == *" $other "* ]] && continue
    echo "$file:$lineno: $stage may not include $other ($stage may use: ${uses:-nothing})"
    status=1
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]cordon/[^/]+/' "${dir%/}" |
    sort -t: -k1,1 -k2,2n || true)
done
# SQL only in store/ (docs/design.md, "Layers"): the store's face is typed.
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  echo "$file:${rest%%:*}: only store/ may use SQL (add a typed function in src/cordon/store/)"
  status=1
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<](sqlite3\.h|cordon/store/sqlite\.h)' \
  --include='*.cc' --include='*.h' src/cordon cli 2>/dev/null | grep -v '^src/cordon/store/' |
  sort -t: -k1,1 -k2,2n || true)
exit $status
