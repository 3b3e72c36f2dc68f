#!/usr/bin/env bash
# Time, memory and traffic of `engage score` per base and rank count (1 thread a rank), the
# median of REPS runs; the bases are generated first where missing (their time is printed).
# Usage: cluster/bench_score.sh [WORKDIR] [BASE...]
#   BASE: CUSTOMERS[xMEAN][:SEED], e.g. 1000000 (x100, seed 1), 10000000x10:5, 100000000x10
#   default bases: 100000 1000000 (about 10 M and 100 M interactions)
#   REPS=3 (runs per point), RANKS="1 2", SCORE_ARGS (added to every score, e.g.
#   "--no-customers-csv" or "--retention --holdout-days 180"), RMS=N (a hierarchy of N
#   relationship managers at every size, else the generator's one per 250 customers),
#   BASELINE=path/to/other/engage (also times that binary on the same files, alternating with
#   this one, to measure an added cost), QUIET_MAX=L (wait until the 1-minute load average is
#   under L before each run; the load is printed with each run either way), DISK_CHECK=0 (no
#   measure of the disk's speed, printed last otherwise).
# Prints a Markdown table for docs/performance.md and writes WORKDIR/bench_score.csv; the last
# column is each run's wall time over the first base's at the same ranks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
engage=${ENGAGE:-$root/build/engage}
work=${1:-/tmp/engage-bench}
shift || true
if [ $# -gt 0 ]; then specs=("$@"); else specs=(100000 1000000); fi
reps=${REPS:-3}
ranks_list=${RANKS:-1 2}
read -r -a score_args <<< "${SCORE_ARGS:-}"
. "$root/.ci/mpi-env"
mkdir -p "$work"
: > "$work/runs.csv"

load() { cut -d' ' -f1 /proc/loadavg; }
wait_quiet() {
  [ -n "${QUIET_MAX:-}" ] || return 0
  while awk -v l="$(load)" -v m="$QUIET_MAX" 'BEGIN { exit !(l >= m) }'; do sleep 5; done
}

# The work directory's disk past the page cache, 1 GiB written and read with O_DIRECT (dd): at
# 100 M customers a run writes about 50 GB, and its time follows this more than the code
# (docs/performance.md, "This session's host"). DISK_CHECK=0 skips it.
disk_speed() {
  local f="$work/disk_check" w r
  [ "${DISK_CHECK:-1}" = 0 ] && return 0
  if w=$(dd if=/dev/zero of="$f" bs=8M count=128 oflag=direct 2>&1) &&
     r=$(dd if="$f" of=/dev/null bs=8M iflag=direct 2>&1); then
    echo "disk of $work past the page cache: write ${w##*, }, read ${r##*, } (dd, 1 GiB, O_DIRECT)"
  else
    echo "disk of $work: not measured (O_DIRECT refused)"
  fi
  rm -f "$f"
}
disk=$(disk_speed)

run_one() { # binary label base spec ranks
  local bin=$1 label=$2 base=$3 spec=$4 ranks=$5 out="$work/out"
  wait_quiet
  local before; before=$(load)
  rm -rf "$out"
  OMP_NUM_THREADS=1 mpirun --bind-to none -n "$ranks" -x OMP_NUM_THREADS "$bin" score --input "$base" --output "$out" \
    ${score_args[@]+"${score_args[@]}"} -q
  python3 - "$out/run.json" "$label" "$spec" "$(du -mL "$base" | cut -f1)" "$ranks" "$before" >> "$work/runs.csv" <<'PY'
import json, sys
path, label, spec, mb, ranks, load = sys.argv[1:]
r = json.load(open(path)); p = r["phase_seconds_slowest_rank"]; wall = r["wall_seconds"]
interactions = round(r["throughput"]["interactions_per_second_end_to_end"] * wall)
phases = "/".join(f"{p.get(k, 0.0):.2f}" for k in ("open", "read", "compute", "write", "engagement", "retention", "study", "report"))
print(",".join(str(x) for x in [label, spec, interactions, mb, ranks, r["threads_per_rank"], round(wall, 3),
      round(r["peak_rss_bytes_rank0"] / 1e6), round(r["peak_rss_bytes_max_other_rank"] / 1e6),
      round(r["communication"]["bytes_sent_per_rank_max"] / 1e6, 2), round(r["spilled_bytes_all_ranks"] / 1e9, 2),
      r["relationship_manager_ranges"], phases, load]))
PY
}

for spec in "${specs[@]}"; do
  n=${spec%%[x:]*}
  mean=100; seed=1
  [[ $spec == *x* ]] && { mean=${spec#*x}; mean=${mean%%:*}; }
  [[ $spec == *:* ]] && seed=${spec#*:}
  gen=(--customers "$n" --mean-interactions "$mean" --seed "$seed")
  name="base_$n"
  [ "$mean$seed" = 1001 ] || name+="x${mean}s$seed"
  if [ -n "${RMS:-}" ]; then gen+=(--customers-per-rm $(( (n + RMS - 1) / RMS ))); name+="rm$RMS"; fi
  base="$work/$name.h5"
  if [ ! -f "$base" ]; then
    start=$(date +%s%N)
    mpirun --bind-to none -n 2 -x OMP_NUM_THREADS=1 "$engage" generate "${gen[@]}" --output "$base" -q
    echo "generated $base (${gen[*]}) in $(( ($(date +%s%N) - start) / 1000000 )) ms on 2 ranks" >&2
  fi
  for ranks in $ranks_list; do
    for ((i = 0; i < reps; i++)); do
      run_one "$engage" engage "$base" "$spec" "$ranks"
      [ -n "${BASELINE:-}" ] && run_one "$BASELINE" baseline "$base" "$spec" "$ranks"
    done
  done
done
rm -rf "$work/out"
# The median run (by wall time) of each binary x base x ranks, in the order run.
python3 - "$work/runs.csv" "$work/bench_score.csv" <<'PY'
import csv, sys
cols = ["binary", "base", "interactions", "file_mb", "ranks", "threads", "wall_s", "peak_mb_rank0", "peak_mb_other",
        "mb_sent_per_rank", "spilled_gb", "manager_ranges", "phases", "load"]
groups = {}
for r in csv.reader(open(sys.argv[1])): groups.setdefault((r[0], r[1], r[4]), []).append(dict(zip(cols, r)))
medians = [sorted(g, key=lambda r: float(r["wall_s"]))[len(g) // 2] for g in groups.values()]
first = {}
for r in medians: first.setdefault((r["binary"], r["ranks"]), float(r["wall_s"]))
with open(sys.argv[2], "w") as out:
    w = csv.DictWriter(out, cols); w.writeheader(); w.writerows(medians)
print("| binary | base | interactions | file MB | ranks x threads | wall s (runs) | peak MB rank 0 / other | MB sent per rank "
      "| spilled GB | manager ranges | open / read / compute / write / engagement / retention / study / report s | x first base |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
for r in medians:
    runs = ", ".join(g["wall_s"] for g in groups[(r["binary"], r["base"], r["ranks"])])
    print(f"| {r['binary']} | {r['base']} | {int(r['interactions'])/1e6:.1f} M | {r['file_mb']} | {r['ranks']} x {r['threads']} "
          f"| {r['wall_s']} ({runs}) | {r['peak_mb_rank0']} / {r['peak_mb_other'] if r['ranks'] != '1' else '-'} | {r['mb_sent_per_rank']} | {r['spilled_gb']} "
          f"| {r['manager_ranges']} | {r['phases']} | {float(r['wall_s']) / first[(r['binary'], r['ranks'])]:.2f} |")
loads = [float(g["load"]) for g in sum(groups.values(), [])]
print(f"\n1-minute load average before the runs: {min(loads):.2f}-{max(loads):.2f}")
PY
[ -z "$disk" ] || echo "$disk"
