#!/usr/bin/env bash
# `make cluster-demo`: the demo's flow through workers on NATS JetStream, on one machine.
# Starts three nats-server processes clustered on 127.0.0.1 (free ports, JetStream on each,
# the stream at replication 3), simulates a small platform, publishes its event stream, runs two
# workers into one store until the stream is drained, prints `cordon cluster status`, writes the
# report, and stops what it started. The store and the report stay in OUT (default
# demo-cluster/).
#
# Usage: scripts/cluster-demo.sh [--cordon PATH] [--out DIR] [--db STORE]
#   --db  the workers' store (default OUT/cluster.db)
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cordon="$here/build/cordon"
out="demo-cluster"
db=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cordon) cordon="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    *) echo "cluster-demo: unknown argument $1" >&2; exit 2 ;;
  esac
done
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats_bin" ] || { echo "cluster-demo: nats-server is not installed (scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/cluster.db*
db=${db:-$out/cluster.db}

run="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
client=() cluster=()
for i in 0 1 2; do client+=("$(free_port)"); cluster+=("$(free_port)"); done
urls=""
for i in 0 1 2; do
  routes=""
  for j in 0 1 2; do
    [ "$i" = "$j" ] && continue
    routes+="${routes:+,}nats://127.0.0.1:${cluster[$j]}"
  done
  "$nats_bin" -js -a 127.0.0.1 -p "${client[$i]}" -sd "$run/js$i" -n "n$i" --cluster_name cordon-demo \
    --cluster "nats://127.0.0.1:${cluster[$i]}" --routes "$routes" >"$run/nats$i.log" 2>&1 &
  pids+=($!)
  urls+="${urls:+,}nats://127.0.0.1:${client[$i]}"
done
echo "[1] Three NATS servers clustered on 127.0.0.1: $urls"

echo "[2] Simulating a small platform"
"$cordon" simulate --out "$run/world" --scale small --seed 7 --media hashes --no-exports >/dev/null

echo "[3] Publishing its event stream (replicas 3; JetStream elects its leader first)"
for attempt in $(seq 60); do
  if "$cordon" publish -q --replicas 3 --nats "$urls" "$run/world/events.ndjson" 2>"$run/publish.err"; then
    break
  fi
  [ "$attempt" = 60 ] && { cat "$run/publish.err" >&2; exit 1; }
  sleep 1
done
"$cordon" cluster status --nats "$urls"

echo "[4] Two workers apply it to $db"
workers=()
for w in 1 2; do
  "$cordon" worker --exit-when-drained --name "worker$w" --nats "$urls" --db "$db" &
  workers+=($!)
done
for p in "${workers[@]}"; do wait "$p"; done
"$cordon" cluster status --nats "$urls" --db "$db"

echo "[5] Writing the report"
"$cordon" report --db "$db" --out "$out/report.html"
echo "Done: $out/report.html; the store is $db (cordon stats --db $db)"
