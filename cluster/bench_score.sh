#!/usr/bin/env bash
# Throughput and memory of `engage score` at ~10 M and ~100 M interactions, 1 and 2 ranks
# (1 thread each), median of REPS runs.
# Usage: cluster/bench_score.sh [WORKDIR] [CUSTOMERS...]
#   default customers: 100000 1000000 (about 10 M and 100 M interactions)
#   REPS=3 (runs per point), BASELINE=path/to/other/engage (also times that binary on the same
#   files, alternating with this one, e.g. the foundation commit, to measure an added cost)
# Prints a Markdown table for docs/performance.md and writes WORKDIR/bench_score.csv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
engage=${ENGAGE:-$root/build/engage}
work=${1:-/tmp/engage-bench}
shift || true
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(100000 1000000); fi
reps=${REPS:-3}
. "$root/.ci/mpi-env"
mkdir -p "$work"
csv="$work/bench_score.csv"
echo "binary,customers,interactions,file_mb,ranks,threads,wall_s,interactions_per_s,read_mb_per_s,peak_rss_mb_per_rank,read_s,compute_s,write_s,engagement_s" > "$csv"

run_one() { # binary label base ranks
  local bin=$1 label=$2 base=$3 ranks=$4 out="$work/out"
  OMP_NUM_THREADS=1 mpirun --bind-to none -n "$ranks" -x OMP_NUM_THREADS "$bin" score --input "$base" --output "$out" -q
  python3 - "$out" "$label" "$n" "$mb" "$ranks" >> "$work/runs.csv" <<'PY'
import json, sys
out, label, n, mb, ranks = sys.argv[1:]
r = json.load(open(out + "/run.json")); p = r["phase_seconds_slowest_rank"]
inter = json.load(open(out + "/report.json"))["data"]["interactions"]
wall = r.get("wall_seconds", r.get("total_seconds"))
print(",".join(str(x) for x in [label, n, inter, mb, ranks, 1, round(wall, 3), round(inter / wall),
      round(inter * 17 / 1e6 / p["read"]), round(r["peak_rss_bytes_max_rank"] / 1e6), round(p["read"], 3),
      round(p["compute"], 3), round(p["write"], 3), round(p.get("engagement", 0.0), 3)]))
PY
}

: > "$work/runs.csv"
for n in "${sizes[@]}"; do
  base="$work/base_$n.h5"
  if [ ! -f "$base" ]; then
    start=$(date +%s%N)
    mpirun --bind-to none -n 2 -x OMP_NUM_THREADS=1 "$engage" generate --customers "$n" --seed 1 --output "$base" -q
    echo "generated $base in $(( ($(date +%s%N) - start) / 1000000 )) ms on 2 ranks" >&2
  fi
  mb=$(du -m "$base" | cut -f1)
  for ranks in 1 2; do
    for ((i = 0; i < reps; i++)); do
      run_one "$engage" engage "$base" "$ranks"
      [ -n "${BASELINE:-}" ] && run_one "$BASELINE" baseline "$base" "$ranks"
    done
  done
done
# Median run (by wall time) of each binary x size x ranks.
python3 - "$work/runs.csv" "$csv" <<'PY'
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1]))]
groups = {}
for r in rows: groups.setdefault((r[0], r[1], r[4]), []).append(r)
with open(sys.argv[2], "a") as out:
    w = csv.writer(out)
    for key in sorted(groups, key=lambda k: (k[0], int(k[1]), int(k[2]))):
        g = sorted(groups[key], key=lambda r: float(r[6]))
        w.writerow(g[len(g) // 2])
print("| binary | interactions | file MB | ranks x threads | wall s | M interactions/s | read MB/s (uncompressed) | peak MB per rank | read / compute / write / engagement s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
for r in list(csv.DictReader(open(sys.argv[2]))):
    print(f"| {r['binary']} | {int(r['interactions'])/1e6:.1f} M | {r['file_mb']} | {r['ranks']} x {r['threads']} | {r['wall_s']} | "
          f"{int(r['interactions_per_s'])/1e6:.1f} | {r['read_mb_per_s']} | {r['peak_rss_mb_per_rank']} | "
          f"{r['read_s']} / {r['compute_s']} / {r['write_s']} / {r['engagement_s']} |")
PY
