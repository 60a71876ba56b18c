#!/usr/bin/env bash
# Installs the Debian 12 packages cordon needs, only those that are missing.
# Usage: scripts/install-deps.sh [--fuzz] [--report] [--bench]
# FFmpeg's libraries are for vPDQ video hashing (optional in CMake: CORDON_VIDEO) and the ffmpeg
# command makes the test videos. libnats-dev is the JetStream client of `cordon publish` and
# `cordon worker`; nats-server is started by their tests on loopback. libpq is for PostgreSQL
# as the store (`--db postgresql://...`, optional in CMake) and the PostgreSQL server is what
# its tests start a throwaway instance of.
# --bench adds what only the benchmarks compare against or drive them with (FAISS for
# bench/index_bench.cc; wrk for bench/serve_bench.cc --wrk; CImg
# for the PDQ reference, used when its checkout lacks the bundled CImg.h).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3
  libsimdjson-dev libsqlite3-dev sqlite3 libssl-dev
  libjpeg62-turbo-dev libpng-dev libwebp-dev libicu-dev libigraph-dev
  libcli11-dev libfmt-dev libyaml-cpp-dev libarpack2-dev libglpk-dev libplfit-dev
  libcpp-httplib-dev libxxhash-dev
  libnats-dev nats-server
  libgtest-dev libgmock-dev libbenchmark-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev ffmpeg
  libpq-dev postgresql-15
)
for arg in "$@"; do
  case "$arg" in
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    # Chromium renders the report; node and npm run the dashboard's browser test
    # (tests/browser/, playwright-core from npm).
    --report) packages+=(chromium nodejs npm) ;;
    --bench) packages+=(libfaiss-dev cimg-dev wrk) ;;
  esac
done

# A command that is there already counts as its package: a machine with Node.js from another
# source (whose package provides npm and conflicts with Debian's) keeps it.
declare -A command_of=([nodejs]=node [npm]=npm)

missing=()
for p in "${packages[@]}"; do
  if [ -n "${command_of[$p]:-}" ] && command -v "${command_of[$p]}" > /dev/null; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
had_pg_cluster=no
if [ -e /etc/postgresql/15/main ] || [ -e /var/lib/postgresql/15/main ]; then
  had_pg_cluster=yes
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian's postgresql-15 makes and starts a cluster "15/main" on port 5432 as it installs. cordon
# needs only the server's programs (its tests run a throwaway instance of their own on a free
# loopback port), so a cluster this run's install made is dropped again: nothing listens or
# stays on disk because of cordon. A cluster that was there before is left alone.
for p in "${missing[@]}"; do
  if [ "$p" = postgresql-15 ] && [ "$had_pg_cluster" = no ] &&
    command -v pg_dropcluster > /dev/null && [ -d /etc/postgresql/15/main ]; then
    "${sudo_cmd[@]}" pg_dropcluster --stop 15 main || true
  fi
done
