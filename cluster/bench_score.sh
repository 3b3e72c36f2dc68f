#!/usr/bin/env bash
# Throughput and memory of `engage score` at 10 M and 100 M interactions, 1 and 2 ranks.
# Usage: cluster/bench_score.sh [WORKDIR] [SIZES...]   (sizes in customers; default 100000 1000000,
# i.e. ~10 M and ~100 M interactions at 100 interactions per customer)
# Prints a Markdown table (for docs/performance.md) and writes WORKDIR/bench_score.csv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
engage=${ENGAGE:-$root/build/engage}
work=${1:-/tmp/engage-bench}
shift || true
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(100000 1000000); fi
. "$root/.ci/mpi-env"
mkdir -p "$work"
csv="$work/bench_score.csv"
echo "customers,interactions,file_mb,ranks,threads,seconds,interactions_per_s,read_mb_per_s,peak_rss_mb_per_rank,read_s,compute_s,write_s" > "$csv"
value() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
for n in "${sizes[@]}"; do
  base="$work/base_$n.h5"
  if [ ! -f "$base" ]; then
    /usr/bin/time -f "generate: %e s, peak %M KB" mpirun --bind-to none -n 2 -x OMP_NUM_THREADS=1 \
      "$engage" generate --customers "$n" --seed 1 --output "$base" -q
  fi
  mb=$(du -m "$base" | cut -f1)
  for ranks in 1 2; do
    out="$work/out_${n}_$ranks"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true   # cold cache where allowed
    mpirun --bind-to none -n "$ranks" -x OMP_NUM_THREADS=1 "$engage" score --input "$base" --output "$out" -q
    r="$out/run.json"
    interactions=$(value "$out/report.json" "r['data']['interactions']")
    echo "$n,$interactions,$mb,$ranks,1,$(value "$r" "round(r['wall_seconds'],3)"),$(value "$r" "round(r['throughput']['interactions_per_second_end_to_end'])"),$(value "$r" "round(r['throughput']['uncompressed_read_MB_per_second'])"),$(value "$r" "round(r['peak_rss_bytes_max_rank']/1e6)"),$(value "$r" "round(r['phase_seconds_slowest_rank']['read'],3)"),$(value "$r" "round(r['phase_seconds_slowest_rank']['compute'],3)"),$(value "$r" "round(r['phase_seconds_slowest_rank']['write'],3)")" >> "$csv"
  done
done
python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| interactions | file MB | ranks x threads | seconds | M interactions/s | read MB/s (uncompressed) | peak MB per rank | read / compute / write s |")
print("|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    print(f"| {int(r['interactions'])/1e6:.1f} M | {r['file_mb']} | {r['ranks']} x {r['threads']} | {r['seconds']} | "
          f"{int(r['interactions_per_s'])/1e6:.1f} | {r['read_mb_per_s']} | {r['peak_rss_mb_per_rank']} | "
          f"{r['read_s']} / {r['compute_s']} / {r['write_s']} |")
PY
