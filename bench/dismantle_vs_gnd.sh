#!/usr/bin/env bash
# Dismantling side by side in one run (issue 5): on every network in $NETWORKS, the GND
# reference code with its reinsertion (GNDR, Ren et al. PNAS 2019, unit-cost variant) against
# cordon's degree, CoreHD and greedy baselines (all with reinsertion) and its default method.
# Reports the fraction of nodes removed until the largest component holds at most 1% of the
# nodes, checked independently for every tool by `dismantle_bench --check`, and the time of each
# tool as a whole process (reading the file included): wall and CPU (user + sys) seconds; for
# cordon also the CPU seconds of reading and dismantling alone ("alg", without process start).
# Then times the default method on a synthetic Barabasi-Albert graph of 1M nodes / ~10M edges.
#
# Usage: bench/dismantle_vs_gnd.sh [BUILD_DIR]
# Environment:
#   GND_SRC       folder with GND.cpp and reinsertion.cpp from
#                 https://github.com/renxiaolong/Generalized-Network-Dismantling
#                 (default /tmp/gnd-src; cloned there when missing and git can reach GitHub).
#                 It is copied and built under $WORK, never inside the repository. Needs
#                 g++ and Boost (libboost-dev, libboost-program-options-dev).
#   NETWORKS      folder of edge lists (default ../shared/data/networks beside the repository)
#   ONLY          space-separated file names to run (default: every *.txt in $NETWORKS)
#   GND_TIMEOUT   seconds allowed per GND run (default 7200; a network over it is reported
#                 as such)
#   SYNTHETIC     nodes of the synthetic graph (default 1000000; 0 skips it)
#   WORK          scratch folder (default /tmp/cordon-dismantle-bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
networks=${NETWORKS:-$root/../shared/data/networks}
gnd_src=${GND_SRC:-/tmp/gnd-src}
work=${WORK:-/tmp/cordon-dismantle-bench}
gnd_timeout=${GND_TIMEOUT:-7200}
synthetic=${SYNTHETIC:-1000000}
cordon="$build/cordon"
bench="$build/dismantle_bench"
for tool in "$cordon" "$bench"; do
  [ -x "$tool" ] || { echo "missing $tool: build the cordon and dismantle_bench targets" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "python3 is needed to read JSON" >&2; exit 1; }
mkdir -p "$work"
rm -f "$work/gnd_times.txt"

# --- GND: fetch if needed, copy, set its compile-time constants, build (outside the repo) ---
gnd_ok=1
if [ ! -f "$gnd_src/GND.cpp" ] && command -v git >/dev/null; then
  git clone -q --depth 1 https://github.com/renxiaolong/Generalized-Network-Dismantling \
    "$gnd_src" 2>/dev/null || true
fi
if [ ! -f "$gnd_src/GND.cpp" ] || [ ! -f "$gnd_src/reinsertion.cpp" ]; then
  echo "GND: no source in $gnd_src (set GND_SRC); running cordon only" >&2
  gnd_ok=0
else
  mkdir -p "$work/gnd"
  # GND reads its network size, files and strategy from constants; point them at fixed names
  # in the working folder and at an environment variable. Strategy 3 is GND's unit-cost
  # (unweighted) variant, the one that matches "fraction of nodes removed".
  sed -e 's/^const int NODE_NUM = .*/const int NODE_NUM = atoi(getenv("GND_NODES"));/' \
      -e 's/^const char\* FILE_NET = .*/const char* FILE_NET = "net.txt";/' \
      -e 's/^const char\* FILE_ID = .*/const char* FILE_ID = "gnd_removed.txt";/' \
      -e 's/^const char\* FILE_PLOT = .*/const char* FILE_PLOT = "gnd_plot.txt";/' \
      -e 's/^const int REMOVE_STRATEGY = .*/const int REMOVE_STRATEGY = 3;/' \
      "$gnd_src/GND.cpp" > "$work/gnd/GND.cpp"
  sed -e 's/^const char\* FILE_NET = .*/const char* FILE_NET = "net.txt";/' \
      -e 's/^const char\* FILE_ID  = .*/const char* FILE_ID = "gnd_removed.txt";/' \
      -e 's/^const char\* FILE_ID2 = .*/const char* FILE_ID2 = "gndr_removed.txt";/' \
      "$gnd_src/reinsertion.cpp" > "$work/gnd/reinsertion.cpp"
  if ! grep -q 'getenv("GND_NODES")' "$work/gnd/GND.cpp" ||
     ! grep -q '"gndr_removed.txt"' "$work/gnd/reinsertion.cpp"; then
    echo "GND: its source no longer has the expected constants; running cordon only" >&2
    gnd_ok=0
  elif ! g++ -O3 -w -o "$work/gnd/GND" "$work/gnd/GND.cpp" ||
       ! g++ -O3 -w -o "$work/gnd/reinsertion" "$work/gnd/reinsertion.cpp" \
         -lboost_program_options; then
    echo "GND: build failed (g++ and Boost headers are needed); running cordon only" >&2
    gnd_ok=0
  fi
fi

# Runs a command, leaving "wall cpu" seconds in $work/time and its stdout in $work/out.
timed() {
  local start end
  start=$(date +%s.%N)
  ( TIMEFORMAT='%U %S'; time "$@" > "$work/out" 2> "$work/err" ) 2> "$work/cpu" || return 1
  end=$(date +%s.%N)
  python3 -c "import sys; u, s = open('$work/cpu').read().split()[-2:]; \
print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f} {float(u) + float(s):.3f}')" \
    "$start" "$end" > "$work/time"
}

# Prints "removed fraction largest target_size" for a removal list (one label a line).
check() {
  "$bench" --check "$1" "$2" | python3 -c "import json, sys; d = json.load(sys.stdin); \
print(d['removed'], f\"{d['fraction']:.4f}\", d['largest_component'], d['target_size'])"
}

printf '%-22s %7s | %-24s | %-12s %-12s %-12s | %-12s %-22s | %s\n' network nodes \
  "GNDR removed frac cpu_s" "degree+R" "corehd+R" "greedy" "best" "cpu_s process (alg)" \
  "GND/best cpu: process (alg)"
files=${ONLY:-$(cd "$networks" && ls *.txt)}
all_better=1
for name in $files; do
  net="$networks/$name"
  d="$work/run/${name%.txt}"
  rm -rf "$d"
  mkdir -p "$d"
  ln -s "$net" "$d/net.txt"
  nodes=$(awk '{ if ($1 > m) m = $1; if ($2 > m) m = $2 } END { print m + 0 }' "$net")
  threshold=$(( nodes / 100 + 1 ))  # GND's reinsertion keeps components below this
  gnd="n/a"
  gnd_removed=""
  gnd_cpu=""
  if [ "$gnd_ok" = 1 ]; then
    if (cd "$d" && export GND_NODES=$nodes && timed timeout "$gnd_timeout" "$work/gnd/GND"); then
      read -r gw1 gc1 < "$work/time"
      if (cd "$d" && timed timeout "$gnd_timeout" "$work/gnd/reinsertion" -t "$threshold"); then
        read -r gw2 gc2 < "$work/time"
        read -r gnd_removed gfrac glargest gk < <(check "$net" "$d/gndr_removed.txt")
        gnd_cpu=$(python3 -c "print(f'{$gc1 + $gc2:.3f}')")
        gnd_wall=$(python3 -c "print(f'{$gw1 + $gw2:.3f}')")
        gnd="$gnd_removed $gfrac $gnd_cpu"
        [ "$glargest" -le "$gk" ] || gnd="$gnd INVALID(largest $glargest)"
        echo "$name GND+reinsertion wall ${gnd_wall}s, cpu ${gnd_cpu}s" >> "$work/gnd_times.txt"
      else
        gnd="reinsertion failed/timeout"
      fi
    else
      gnd="timeout ${gnd_timeout}s"
    fi
  fi
  row=()
  for method in degree corehd greedy best; do
    timed "$cordon" dismantle --edges "$net" --method "$method" --json
    read -r cw cc < "$work/time"
    alg=$(python3 -c "import json; d = json.load(open('$work/out')); \
open('$d/cordon_$method.txt', 'w').write(''.join(l + '\n' for l in d['removed'])); \
print(f\"{d['cpu_seconds']:.3f}\")")
    read -r removed frac largest k < <(check "$net" "$d/cordon_$method.txt")
    cell="$removed $frac"
    [ "$largest" -le "$k" ] || cell="$cell INVALID"
    row+=("$cell")
    if [ "$method" = best ]; then
      best_removed=$removed
      best_cpu=$cc
      best_alg=$alg
      best_times="$cc ($alg) wall $cw"
    fi
  done
  ratio="n/a"
  if [ -n "$gnd_cpu" ]; then
    ratio=$(python3 -c "print(f'{$gnd_cpu / max($best_cpu, 1e-3):.0f}x ({$gnd_cpu / max($best_alg, 1e-3):.0f}x)')")
    [ "$best_removed" -le "$gnd_removed" ] || all_better=0
  fi
  printf '%-22s %7s | %-24s | %-12s %-12s %-12s | %-12s %-22s | %s\n' "${name%.txt}" "$nodes" \
    "$gnd" "${row[0]}" "${row[1]}" "${row[2]}" "${row[3]}" "$best_times" "$ratio"
done
if [ "$gnd_ok" = 1 ]; then
  cat "$work/gnd_times.txt" 2>/dev/null || true
  [ "$all_better" = 1 ] && echo "cordon best removes no more nodes than GNDR on every network" \
    || echo "cordon best removes MORE nodes than GNDR on some network"
fi

if [ "$synthetic" -gt 0 ]; then
  echo "== synthetic Barabasi-Albert graph, $synthetic nodes, m = 10 (one core)"
  "$bench" --synthetic "$synthetic" --m 10 --methods best
fi
