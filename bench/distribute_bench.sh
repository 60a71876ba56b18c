#!/usr/bin/env bash
# Events through publish -> NATS JetStream -> workers -> store, with 1 and 2 workers, beside
# `cordon ingest` into SQLite of the same file (issue #19), in one run. Figures are CPU seconds
# per event (user + system of cordon's processes and of nats-server), so they hold on a 2-core
# machine where two workers and the server share the cores; wall times are printed too. Each
# distributed run uses a stream and a store of its own, and its `stats --json` is checked equal
# to the ingest's.
#
# Usage: bench/distribute_bench.sh [--cordon PATH] [--scale small|medium] [--seed N]
#                                  [--db-url URL_PREFIX]
#   --db-url  the workers' stores as URL_PREFIX<name> (e.g. postgresql://bench@127.0.0.1:5432/)
#             instead of SQLite files; the databases w1 and w2 must exist and be empty
#   --pg-pid  the PostgreSQL postmaster's pid: the CPU its backends spend (reaped children)
#             is added to the workers' figures
# Needs nats-server (scripts/install-deps.sh) and python3. The server listens on 127.0.0.1 on a
# free port and is stopped at exit.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
cordon="$here/build/cordon"
scale=small
seed=23
db_url=""
pg_pid=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cordon) cordon="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --db-url) db_url="$2"; shift 2 ;;
    --pg-pid) pg_pid="$2"; shift 2 ;;
    *) echo "distribute_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats_bin" ] || { echo "nats-server is not installed (scripts/install-deps.sh)" >&2; exit 1; }

work="$(mktemp -d)"
nats_pid=""
cleanup() {
  [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$nats_bin" -js -a 127.0.0.1 -p "$port" -sd "$work/js" >"$work/nats.log" 2>&1 &
nats_pid=$!
url="nats://127.0.0.1:$port"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

"$cordon" simulate --out "$work/world" --scale "$scale" --seed "$seed" --media hashes --no-exports >/dev/null
events="$work/world/events.ndjson"
lines=$(wc -l <"$events")
echo "world: $scale, seed $seed: $lines events"

# CPU seconds (user + system) a process has used: /proc/PID/stat fields 14 and 15.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# The same with the CPU of its reaped children (fields 16 and 17): a postmaster's backends.
cpu_tree_of() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"; }
pg_cpu() { if [ -n "$pg_pid" ]; then cpu_tree_of "$pg_pid"; else echo 0; fi; }
now() { date +%s.%N; }
# Runs a command and prints "wall cpu" (cpu: user + system of it and its children).
timed() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(now)
  python3 -c "import sys; u,s=open('$work/time').read().split()[-2:]; print(f'{$t1-$t0:.3f} {float(u)+float(s):.3f}')"
}
store_of() { if [ -n "$db_url" ]; then echo "$db_url$1"; else echo "$work/$1.db"; fi; }

results="$work/results"
: >"$results"
read -r wall cpu < <(timed "$cordon" ingest -q --db "$work/ingest.db" "$events")
echo "cordon ingest (SQLite)|$wall|$cpu" >>"$results"
reference=$("$cordon" stats --db "$work/ingest.db" --json)

for workers in 1 2; do
  stream="BENCH$workers"
  db=$(store_of "w$workers")
  n0=$(cpu_of "$nats_pid")
  read -r wall cpu < <(timed "$cordon" publish -q --stream "$stream" --nats "$url" "$events")
  n1=$(cpu_of "$nats_pid")
  echo "publish ($workers-worker run)|$wall|$(python3 -c "print($cpu + $n1 - $n0)")" >>"$results"
  p1=$(pg_cpu)
  t0=$(now)
  pids=()
  for w in $(seq "$workers"); do
    /usr/bin/time -f "%U %S" -o "$work/time-$w" "$cordon" worker -q --exit-when-drained \
      --stream "$stream" --name "w$w" --nats "$url" --db "$db" >/dev/null 2>"$work/err-$w" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { cat "$work"/err-* >&2; exit 1; }; done
  t1=$(now)
  n2=$(cpu_of "$nats_pid")
  p2=$(pg_cpu)
  cpu=$(cat "$work"/time-* | awk '{ s += $1 + $2 } END { printf "%.3f", s }')
  rm -f "$work"/time-*
  echo "$workers worker(s)|$(python3 -c "print(f'{$t1-$t0:.3f}')")|$(python3 -c "print($cpu + $n2 - $n1 + $p2 - $p1)")" >>"$results"
  if [ "$("$cordon" stats --db "$db" --json)" != "$reference" ]; then
    echo "stats of the $workers-worker store differ from the ingest's" >&2
    exit 1
  fi
done
echo "stats --json of every distributed store equal to the ingest's"

python3 - "$lines" "$results" <<'EOF'
import sys
events = int(sys.argv[1])
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[2])]
base = float(rows[0][2]) / events
print(f"{'run':<26}{'wall s':>9}{'CPU s':>9}{'CPU us/event':>14}{'events/CPU-s':>14}{'vs ingest':>11}")
for name, wall, cpu in rows:
    per = float(cpu) / events
    print(f"{name:<26}{float(wall):>9.2f}{float(cpu):>9.2f}{per * 1e6:>14.1f}{1 / per:>14,.0f}{base / per:>10.2f}x")
EOF
