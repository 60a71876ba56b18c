#!/usr/bin/env bash
# Events/s through `POST /v1/events` of `cordon serve` beside `cordon ingest` of the same file
# (issue #17), in one run: a simulated world's event stream is ingested into a new database by
# the CLI and posted to a server over a new database, --tries times each, interleaved; the least
# wall time of each is kept. Both runs take the same pipeline (importer, matcher, regeneration
# detector, enforcement stage); the bench checks that both stores end with the same
# `stats --json`.
#
# Usage: bench/serve_events.sh [--cordon PATH] [--scale small|medium] [--seed N] [--tries N]
#   --cordon  the cordon binary (default: build/cordon)
#   --scale   the world's size (default small: about 40k events, under the 64 MiB body limit)
#   --tries   runs of each (default 3)
# Needs curl and python3. The server listens on 127.0.0.1 on a free port and is stopped at exit.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cordon="$here/build/cordon"
scale=small
seed=17
tries=3
while [ $# -gt 0 ]; do
  case "$1" in
    --cordon) cordon="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --tries) tries="$2"; shift 2 ;;
    *) echo "serve_events.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$cordon" simulate --out "$work/world" --scale "$scale" --seed "$seed" --media hashes --no-exports >/dev/null
events="$work/world/events.ndjson"
lines=$(wc -l <"$events")
bytes=$(stat -c %s "$events")
echo "world: $scale, seed $seed: $lines events, $((bytes / 1024)) KiB"

now() { date +%s.%N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stats_of() { "$cordon" stats --db "$1" --json; }

best_cli=""
best_api=""
for try in $(seq "$tries"); do
  db="$work/cli-$try.db"
  t0=$(now)
  "$cordon" ingest --db "$db" "$events" >/dev/null 2>&1
  t1=$(now)
  cli=$(python3 -c "print($t1 - $t0)")

  api_db="$work/api-$try.db"
  token=$("$cordon" token create --db "$api_db" --role analyst --name bench)
  port=$(free_port)
  "$cordon" serve --db "$api_db" --listen "127.0.0.1:$port" --log-format none 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 300); do grep -q "listening on" "$work/serve.log" && break; sleep 0.1; done
  grep -q "listening on" "$work/serve.log" || { echo "server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
  t0=$(now)
  answer=$(curl -sS --fail-with-body -H "Authorization: Bearer $token" -H "Content-Type: application/x-ndjson" \
    --data-binary "@$events" "http://127.0.0.1:$port/v1/events")
  t1=$(now)
  kill -TERM "$server"; wait "$server" || true; server=""
  api=$(python3 -c "print($t1 - $t0)")
  accepted=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["accepted"])' "$answer")
  echo "try $try: cordon ingest ${cli} s; POST /v1/events ${api} s ($accepted accepted)"
  if [ "$try" = 1 ]; then
    if [ "$(stats_of "$db")" != "$(stats_of "$api_db")" ]; then
      echo "stats differ between the CLI's store and the API's store" >&2
      diff <(stats_of "$db" | tr ',' '\n') <(stats_of "$api_db" | tr ',' '\n') >&2 || true
      exit 1
    fi
    echo "stats --json equal"
  fi
  best_cli=$(python3 -c "print(min(x for x in [$cli, ${best_cli:-1e9}]))")
  best_api=$(python3 -c "print(min(x for x in [$api, ${best_api:-1e9}]))")
done

python3 - "$lines" "$bytes" "$best_cli" "$best_api" <<'EOF'
import sys
lines, size, cli, api = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"{'way in':<22}{'seconds':>10}{'events/s':>12}{'MB/s':>8}")
for name, t in (("cordon ingest", cli), ("POST /v1/events", api)):
    print(f"{name:<22}{t:>10.2f}{lines / t:>12,.0f}{size / t / 1e6:>8.1f}")
print(f"API / CLI throughput: {cli / api:.2f}x")
EOF
