#!/usr/bin/env bash
# Checks that two builds of cordon (say GCC's build/cordon and Clang's) write the same simulated
# worlds: runs `cordon simulate` with each on a few seeds and compares the MD5 of every output
# file. Prints one line per world and exits 1 if any differs (docs/design.md, "Simulator worlds
# do not depend on the compiler").
#   usage: scripts/sim-compiler-check.sh CORDON_A CORDON_B [OUTDIR]
# A Clang build of the CLI alone: cmake -S . -B build-clang -G Ninja -DCMAKE_BUILD_TYPE=Release
#   -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang && ninja -C build-clang cordon
set -euo pipefail
a=${1:?usage: sim-compiler-check.sh CORDON_A CORDON_B [OUTDIR]}
b=${2:?usage: sim-compiler-check.sh CORDON_A CORDON_B [OUTDIR]}
out=${3:-$(mktemp -d)}
worlds=(
  "--seed 5152 --scale small --days 30 --action none"
  "--seed 2019 --scale small --days 30"
  "--seed 31 --scale small --days 40 --family unrelated_sparse --set dyn.naming_homoglyph=0.3"
  "--seed 33 --scale small --days 40 --family few_signals --action oct2018"
)
status=0
for i in "${!worlds[@]}"; do
  for side in a b; do
    bin=$a
    [ "$side" = b ] && bin=$b
    rm -rf "$out/$i-$side"
    # shellcheck disable=SC2086  # the options are words
    "$bin" simulate --out "$out/$i-$side" -q ${worlds[$i]} >/dev/null
    (cd "$out/$i-$side" && find . -type f | LC_ALL=C sort | xargs md5sum) >"$out/$i-$side.md5"
  done
  if cmp -s "$out/$i-a.md5" "$out/$i-b.md5"; then
    echo "same      ${worlds[$i]}"
  else
    echo "DIFFERENT ${worlds[$i]} (first differing file: $(diff "$out/$i-a.md5" "$out/$i-b.md5" |
      sed -n 2p | awk '{print $3}'))"
    status=1
  fi
done
exit $status
