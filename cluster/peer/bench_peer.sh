#!/usr/bin/env bash
# Peer benchmark (issue 7): the per-customer features of `engage score` computed by DuckDB with
# SQL over the same interactions exported to Parquet, against `engage score` over HDF5, side by
# side on the same cores: Engage on N MPI ranks x 1 thread (its per-customer output is
# customers.h5, as DuckDB's is one Parquet table: --no-customers-csv), DuckDB with N threads. Median of
# REPS runs of each, alternating. Checks that both computed the same features for every customer
# and prints a Markdown table for docs/performance.md (also in WORKDIR/peer.md).
# Usage: cluster/peer/bench_peer.sh [WORKDIR]      (default /tmp/engage-peer)
#   CUSTOMERS=1000000  size of the generated base (seed 1): about 99 M interactions
#   GENERATE_ARGS=""   more `engage generate` options, e.g. "--mean-interactions 10" (10 M x 10:
#                      CUSTOMERS=10000000) or a codec of the base; part of the base's file name
#   PARQUET_CODEC=snappy  DuckDB's Parquet codec: snappy (its default), zstd, lz4 or uncompressed
#   REPS=3             runs of each side;   NPROC=$(nproc)  ranks of Engage = threads of DuckDB
#   ENGAGE=path        the engage binary; unset: .ci/setup installs the packages and builds build/
# Installs nodejs and npm from Debian when missing (as root or through sudo) and DuckDB's
# @duckdb/node-api from npm into cluster/peer/node_modules (git-ignored). The base, its Parquet
# export and the outputs stay in WORKDIR and are reused by later runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-/tmp/engage-peer}
customers=${CUSTOMERS:-1000000}
generate_args=${GENERATE_ARGS:-}
codec=${PARQUET_CODEC:-snappy}
reps=${REPS:-3}
nproc=${NPROC:-$(nproc)}
say() { echo "bench_peer: $*" >&2; }
for v in customers reps nproc; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { say "${v^^}=${!v}: expected a whole number >= 1"; exit 2; }
done
case $codec in snappy|zstd|lz4|uncompressed) ;; *) say "PARQUET_CODEC=$codec: expected snappy, zstd, lz4 or uncompressed"; exit 2;; esac
[[ $generate_args =~ ^[-A-Za-z0-9\ .=_]*$ ]] || { say "GENERATE_ARGS=$generate_args: letters, digits, spaces and - . = _ only"; exit 2; }
suffix=$(echo "$generate_args" | tr -s ' =' '__' | tr -cd 'A-Za-z0-9_.-')

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "need root or sudo to run: $*"; exit 1
  fi
}

if [ -z "${ENGAGE:-}" ]; then
  "$root/.ci/setup" >&2
  ENGAGE=$root/build/engage
fi
[ -x "$ENGAGE" ] || { say "no engage binary at $ENGAGE (build it with .ci/setup or set ENGAGE)"; exit 1; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing nodejs and npm from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends nodejs npm
fi
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
  say "installing @duckdb/node-api into $here/node_modules"
  npm install --prefix "$here" --no-audit --no-fund --loglevel=error >&2
fi
. "$root/.ci/mpi-env"
mkdir -p "$work/bin"

# The two exporters: plain HDF5 C API programs, built here against Debian's parallel HDF5.
for tool in export_base export_features; do
  if [ ! -x "$work/bin/$tool" ] || [ "$here/$tool.cpp" -nt "$work/bin/$tool" ] || [ "$here/h5_read.hpp" -nt "$work/bin/$tool" ]; then
    # shellcheck disable=SC2046
    g++ -O2 -std=c++20 $(pkg-config --cflags hdf5-openmpi) "$here/$tool.cpp" -o "$work/bin/$tool" \
      $(pkg-config --libs hdf5-openmpi)
  fi
done

base=$work/base_$customers$suffix.h5
if [ ! -f "$base" ]; then
  say "generating $base ($customers customers, seed 1 $generate_args)"
  # shellcheck disable=SC2086
  mpirun --bind-to none -n "$nproc" -x OMP_NUM_THREADS=1 "$ENGAGE" generate --customers "$customers" --seed 1 \
    $generate_args --output "$base" -q
fi
parquet=$work/parquet_$customers${suffix}_$codec
if [ ! -f "$parquet/interactions.parquet" ] || [ "$base" -nt "$parquet/interactions.parquet" ]; then
  say "exporting $base to Parquet ($codec) in $parquet"
  rm -rf "$parquet" && mkdir -p "$parquet"
  "$work/bin/export_base" "$base" "$parquet"
  node "$here/to_parquet.mjs" "$parquet" "$nproc" "$codec"
fi
# How the base stores its interactions, for the table: HDF5's filters of /interactions/time.
storage=$( (h5dump -p -H -d /interactions/time "$base" | grep -oE 'FILTER_ID [0-9]+' || true) |
          sed 's/FILTER_ID 32015/zstd/; s/FILTER_ID 32004/LZ4/; s/FILTER_ID 1$/deflate/; s/FILTER_ID 2$/shuffle/' |
          tr '\n' ' ' | sed 's/ $//; s/ / + /g')
export ENGAGE_STORAGE=${storage:-unfiltered} PARQUET_CODEC=$codec

load() { cut -d' ' -f1 /proc/loadavg; }
# Runs a command; writes the user and system CPU seconds of it and its children to FILE.
cpu_of() { local file=$1; shift; local TIMEFORMAT='%3U %3S'; { time "$@" 2>&4; } 4>&2 2>"$file"; }
runs=$work/runs.jsonl
: > "$runs"
for ((i = 1; i <= reps; i++)); do
  before=$(load)
  start=$(date +%s%N)
  cpu_of "$work/cpu" mpirun --bind-to none -n "$nproc" -x OMP_NUM_THREADS=1 "$ENGAGE" score --input "$base" \
    --output "$work/engage_out" -q --no-customers-csv
  process=$(( ($(date +%s%N) - start) / 1000000 ))
  node -e '
    const fs = require("fs"); const [dir, ranks, load, ms, cpu] = process.argv.slice(1);
    const run = JSON.parse(fs.readFileSync(dir + "/run.json"));
    const report = JSON.parse(fs.readFileSync(dir + "/report.json"));
    console.log(JSON.stringify({ side: "engage", seconds: run.wall_seconds, process_seconds: ms / 1000,
      cpu_seconds: cpu.trim().split(/ +/).reduce((a, b) => a + Number(b), 0),
      interactions: report.data.interactions, peak_rss_bytes: run.peak_rss_bytes_max_rank * ranks,
      peak_rss_bytes_max_rank: run.peak_rss_bytes_max_rank, ranks: run.ranks,
      threads: run.threads_per_rank, phases: run.phase_seconds_slowest_rank, load_before: Number(load) }));' \
    "$work/engage_out" "$nproc" "$before" "$process" "$(cat "$work/cpu")" >> "$runs"

  before=$(load)
  start=$(date +%s%N)
  line=$(cpu_of "$work/cpu" node "$here/features.mjs" "$parquet" "$work/duckdb_features.parquet" "$nproc")
  process=$(( ($(date +%s%N) - start) / 1000000 ))
  node -e 'const [l, load, ms, cpu] = process.argv.slice(1);
    console.log(JSON.stringify({ side: "duckdb", ...JSON.parse(l), process_seconds: ms / 1000,
      cpu_seconds: cpu.trim().split(/ +/).reduce((a, b) => a + Number(b), 0), load_before: Number(load) }));' \
    "$line" "$before" "$process" "$(cat "$work/cpu")" >> "$runs"
  say "run $i of $reps done (load average now $(load))"
done

"$work/bin/export_features" "$work/engage_out/customers.h5" "$work/engage_features.csv"
consistency=$(node "$here/compare.mjs" "$work/duckdb_features.parquet" "$work/engage_features.csv") || {
  echo "$consistency"; say "DuckDB and Engage disagree: the comparison is not of the same work"; exit 1; }
node "$here/summary.mjs" "$runs" "$base" "$parquet" "$consistency" | tee "$work/peer.md"
