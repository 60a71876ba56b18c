#!/usr/bin/env bash
# Banks through JetStream (issue #19): what `cordon bank publish` costs for a large bank, and
# what a worker pays to load it from the NATS bucket (`--banks nats`) beside loading it from the
# store (the default), in one run on the same bank and the same few messages.
#   usage: bench/bank_sync.sh [BUILD_DIR] [ENTRIES]     (defaults: build, 1000000)
# ENTRIES random PDQ hashes are imported into a new SQLite store; nats-server listens on
# 127.0.0.1 on a free port and is stopped at exit. Each row is wall seconds and peak RSS of the
# cordon process (GNU time). The worker rows apply 9 messages, so they are mostly the bank's load
# and index build. Needs nats-server (scripts/install-deps.sh), python3 and /usr/bin/time.
set -euo pipefail
build=${1:-build}
entries=${2:-1000000}
cordon="$build/cordon"
[ -x "$cordon" ] || { echo "no $cordon: build first (make build)" >&2; exit 1; }
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
[ -x "$nats_bin" ] || { echo "nats-server is not installed (scripts/install-deps.sh)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (Debian's time) is not installed" >&2; exit 1; }

work=$(mktemp -d)
nats_pid=""
cleanup() {
  [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null && wait "$nats_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$entries" "$work/pdq.csv" "$work/events.ndjson" <<'EOF'
import random, sys
n, bank, events = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(19)
with open(bank, "w") as f:
    for _ in range(n):
        f.write("%064x\n" % rng.getrandbits(256))
with open(events, "w") as f:
    for i in range(9):
        f.write('{"type":"message","key":"telegram:channel1/%d","chat":"telegram:channel1",'
                '"time":"2019-10-01T00:00:0%dZ","text":"message %d"}\n' % (i + 1, i, i))
EOF
"$cordon" bank import --db "$work/store.db" --bank photos --type pdq "$work/pdq.csv" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$nats_bin" -js -a 127.0.0.1 -p "$port" -sd "$work/js" >"$work/nats.log" 2>&1 &
nats_pid=$!
url="nats://127.0.0.1:$port"
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# Prints "| step | wall s | peak RSS MiB |" for one command.
row() {
  local step=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" ||
    { cat "$work/err" "$work/time" >&2; exit 1; }
  read -r wall rss <"$work/time"
  echo "| $step | $wall | $((rss / 1024)) |"
}

worker() {  # a fresh stream and store each time, so each run loads the bank once
  local stream=$1 db=$2
  shift 2
  "$cordon" publish -q --stream "$stream" --nats "$url" "$work/events.ndjson" >/dev/null
  row "worker, $stream" "$cordon" worker --quiet --no-enforce --exit-when-drained \
    --name "w$stream" --stream "$stream" --nats "$url" --db "$db" "$@"
}

echo "$entries PDQ entries, $(date -u +%F), load $(cut -d' ' -f1 /proc/loadavg)"
echo "| step | wall s | peak RSS MiB |"
echo "| --- | ---: | ---: |"
row "bank publish" "$cordon" bank publish --nats "$url" --db "$work/store.db"
row "bank publish again (nothing to write)" "$cordon" bank publish --nats "$url" \
  --db "$work/store.db"
for run in 1 2 3; do
  cp "$work/store.db" "$work/a$run.db"
  worker "STORE$run" "$work/a$run.db" --banks store
  # The NATS worker's own store has no banks: they come from the bucket only.
  "$cordon" bank publish --stream "NATS$run" --nats "$url" --db "$work/store.db" >/dev/null
  worker "NATS$run" "$work/n$run.db" --banks nats
done
