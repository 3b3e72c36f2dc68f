#!/usr/bin/env bash
# Strong and weak scaling of `engage score` over ranks x threads, with a model of 64-1024 ranks.
#
#   cluster/scaling/sweep.sh                       # 1,2 ranks x 1,2 threads, here
#   ENGAGE=build/engage RANKS="1 2 4 8 16" THREADS="1 4" CUSTOMERS=1000000 OUT=/scratch/sweep \
#     MPIRUN="srun --mpi=pmix" cluster/scaling/sweep.sh   # inside a Slurm allocation
#
# Environment (all optional):
#   ENGAGE     the engage binary                       (default: build/engage of this checkout)
#   MPIRUN     launcher; the script appends `-n RANKS`  (default: mpirun --bind-to none -x OMP_NUM_THREADS)
#              For every configuration it exports OMP_NUM_THREADS=T and SRUN_CPUS_PER_TASK=T, so
#              `srun --mpi=pmix` gives each task T CPUs without further flags.
#   RANKS      rank counts                             (default: "1 2")
#   THREADS    OpenMP threads per rank                 (default: "1 2")
#   CUSTOMERS  customers of the strong-scaling base    (default: 100000; 1000000 is ~99 M interactions)
#   WEAK_CUSTOMERS  customers per rank for weak scaling (default: 100000)
#   MODES      "strong weak", or one of them           (default: both)
#   REPS       runs per configuration; the median (by wall time) is kept (default: 3)
#   OUT        results folder                           (default: /tmp/engage-scaling)
#   DATA       where the generated bases are kept and reused (default: $OUT/data)
#   SEED       generator seed                           (default: 1)
#   SCORE_ARGS extra options for `engage score`, e.g. "--shard-interactions 65536"
#   GEN_ARGS   extra options for `engage generate`, e.g. "--customers-per-rm 1000000000" (a sales
#              hierarchy that does not grow with the base)
#   GEN_RANKS  ranks used to generate a missing base    (default: the largest of RANKS)
#   MODEL      1 to run the model (cluster/scaling/model.py) after the sweep (default: 1)
#   QUIET_MAX  on a shared machine launched with mpirun (not srun): the largest share of the node's
#              CPU that other processes may use during a run, e.g. 0.1. The sweep waits (up to
#              QUIET_WAIT seconds, default 900) for the node to be that quiet before each run, and
#              repeats a run that others disturbed (QUIET_TRIES times, default 5, then keeps the
#              last, whose others_cpu_share in runs.csv and scaling.csv tells). Off when
#              empty (default): under srun the ranks are not this script's children, so their CPU
#              would count as "other".
#   MODEL_ARGS options for model.py, e.g. "--ranks-per-node 64 --small-shards DIR/scaling.csv"
# Writes to OUT: runs.csv (every run), scaling.csv (medians, speedup, efficiency, per-phase
# seconds, bytes sent per rank, peak memory, others' share of the CPU during the run),
# allreduce.csv (the launcher's all-reduce latency and bandwidth, when mpicc is found),
# model.csv and model.md (64-1024 ranks), scaling.svg.
# Needs bash, python3 (standard library only) and the MPI launcher; installs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ENGAGE=${ENGAGE:-$root/build/engage}
MPIRUN=${MPIRUN:-mpirun --bind-to none -x OMP_NUM_THREADS}
RANKS=${RANKS:-1 2}
THREADS=${THREADS:-1 2}
CUSTOMERS=${CUSTOMERS:-100000}
WEAK_CUSTOMERS=${WEAK_CUSTOMERS:-100000}
MODES=${MODES:-strong weak}
REPS=${REPS:-3}
OUT=${OUT:-/tmp/engage-scaling}
DATA=${DATA:-$OUT/data}
SEED=${SEED:-1}
SCORE_ARGS=${SCORE_ARGS:-}
GEN_ARGS=${GEN_ARGS:-}
MODEL=${MODEL:-1}
MODEL_ARGS=${MODEL_ARGS:-}
read -r -a rank_list <<< "$RANKS"
top=$(printf '%s\n' "${rank_list[@]}" | sort -n | tail -1)
GEN_RANKS=${GEN_RANKS:-$top}

fail() { echo "sweep.sh: $*" >&2; exit 2; }
[ -x "$ENGAGE" ] || fail "ENGAGE=$ENGAGE is not an executable; build it (.ci/setup) or point ENGAGE at engage"
command -v python3 > /dev/null || fail "python3 is needed (Debian: apt-get install python3)"
for v in $RANKS $THREADS $CUSTOMERS $WEAK_CUSTOMERS $REPS; do
  [[ $v =~ ^[1-9][0-9]*$ ]] || fail "RANKS, THREADS, CUSTOMERS, WEAK_CUSTOMERS and REPS take positive integers; got '$v'"
done
for m in $MODES; do [[ $m == strong || $m == weak ]] || fail "MODES takes strong and/or weak; got '$m'"; done
# Running as root on a workstation or container needs these; other MPIs and srun ignore them.
# shellcheck disable=SC1091  # .ci/mpi-env: the Open MPI root/oversubscribe variables
if [ "$(id -u)" = 0 ] && [ -f "$root/.ci/mpi-env" ]; then . "$root/.ci/mpi-env"; fi

mkdir -p "$OUT" "$DATA"
runs="$OUT/runs.csv"
echo "mode,ranks,threads,customers,rep,wall_s,interactions,shards,open_s,read_s,compute_s,write_s,reduce_s,engagement_s,report_s,bytes_sent_per_rank_max,bytes_sent_per_rank_mean,allreduce_bytes_per_rank_max,allreduce_calls,broadcast_bytes_max_rank,collectives,peak_rss_bytes,input_bytes,output_bytes,others_cpu_share" > "$runs"

base_of() { # customers -> a generated base (reused when present)
  local n=$1 base="$DATA/base_$1_seed$SEED${GEN_ARGS:+_$(echo "$GEN_ARGS" | tr -c 'A-Za-z0-9\n' _)}.h5"
  if [ ! -f "$base" ]; then
    echo "generating $base ($n customers, $GEN_RANKS ranks)" >&2
    OMP_NUM_THREADS=1 SRUN_CPUS_PER_TASK=1 $MPIRUN -n "$GEN_RANKS" "$ENGAGE" generate --customers "$n" \
      --seed "$SEED" $GEN_ARGS --output "$base" -q
  fi
  echo "$base"
}

# Other work on this node (QUIET_MAX): the CPU seconds the whole node spent (/proc/stat) minus
# those of this shell's finished children (the `times` builtin; mpirun waits for its ranks, so
# theirs are included), over the node's cores x the elapsed time.
QUIET_MAX=${QUIET_MAX:-}
QUIET_WAIT=${QUIET_WAIT:-900}
QUIET_TRIES=${QUIET_TRIES:-5}
cores=$(getconf _NPROCESSORS_ONLN)
hz=$(getconf CLK_TCK)
node_cpu() { awk -v hz="$hz" '/^cpu /{printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat; }
# `times > FILE` must run in this shell, not in $(...): a subshell's children start from zero.
children_cpu() { # FILE written by `times`
  awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.2f", u[1] * 60 + u[2] + s[1] * 60 + s[2]}' "$1"
}
now() { date +%s.%N; }
share() { awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" -v t="$5" -v n="$cores" 'BEGIN {printf "%.3f", ((b - a) - (d - c)) / (t * n)}'; }
over() { awk -v x="$1" -v m="$QUIET_MAX" 'BEGIN {exit !(x > m)}'; }
wait_quiet() {
  local waited=0 a b x
  while :; do
    a=$(node_cpu); sleep 2; b=$(node_cpu)
    x=$(share "$a" "$b" 0 0 2)
    over "$x" "$QUIET_MAX" || return 0
    [ "$waited" -ge "$QUIET_WAIT" ] && { echo "  node still busy ($x of its CPU), running anyway" >&2; return 0; }
    [ "$waited" = 0 ] && echo "  waiting for a quiet node (others use $x of its CPU)" >&2
    sleep 8; waited=$((waited + 10))
  done
}

run_one() { # mode ranks threads customers rep
  local mode=$1 ranks=$2 threads=$3 n=$4 rep=$5 base out="$OUT/score-out" others="" try c0 c1 n0 n1 t0 t1
  base=$(base_of "$n")
  for ((try = 1; try <= QUIET_TRIES; try++)); do
    [ -n "$QUIET_MAX" ] && wait_quiet
    echo "$mode: $ranks ranks x $threads threads, $n customers, run $((rep + 1))/$REPS" >&2
    times > "$OUT/.times0"; n0=$(node_cpu); t0=$(now)
    # shellcheck disable=SC2086  # MPIRUN and SCORE_ARGS are word lists
    OMP_NUM_THREADS=$threads SRUN_CPUS_PER_TASK=$threads $MPIRUN -n "$ranks" "$ENGAGE" score --input "$base" \
      --output "$out" -q $SCORE_ARGS
    times > "$OUT/.times1"; n1=$(node_cpu); t1=$(now)
    [ -z "$QUIET_MAX" ] && break
    c0=$(children_cpu "$OUT/.times0"); c1=$(children_cpu "$OUT/.times1")
    others=$(share "$n0" "$n1" "$c0" "$c1" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
    over "$others" || break
    echo "  other processes used $others of the node's CPU during the run (QUIET_MAX=$QUIET_MAX): again" >&2
  done
  python3 - "$out" "$mode" "$ranks" "$threads" "$n" "$rep" "$base" "$others" >> "$runs" <<'PY'
import json, os, sys
out, mode, ranks, threads, n, rep, base, others = sys.argv[1:]
r = json.load(open(out + "/run.json"))
p, c = r["phase_seconds_slowest_rank"], r["communication"]
inter = json.load(open(out + "/report.json"))["data"]["interactions"]
if int(r["ranks"]) != int(ranks) or int(r["threads_per_rank"]) != int(threads):
    sys.exit(f"sweep.sh: asked for {ranks} ranks x {threads} threads, run.json records "
             f"{r['ranks']} x {r['threads_per_rank']}: check MPIRUN")
print(",".join(str(x) for x in [mode, ranks, threads, n, rep, r["wall_seconds"], inter, r["shards"]] +
      [p.get(k, 0.0) for k in ("open", "read", "compute", "write", "reduce", "engagement", "report")] +
      [c["bytes_sent_per_rank_max"], c["bytes_sent_per_rank_mean"], c["allreduce_bytes_per_rank_max"],
       c["allreduce_calls"], c["broadcast_bytes_max_rank"], c["collectives"], r["peak_rss_bytes_max_rank"],
       os.path.getsize(base), os.path.getsize(out + "/customers.h5"), others]))
PY
}

for mode in $MODES; do
  for ranks in $RANKS; do
    n=$CUSTOMERS
    [ "$mode" = weak ] && n=$((WEAK_CUSTOMERS * ranks))
    for threads in $THREADS; do
      for ((rep = 0; rep < REPS; rep++)); do run_one "$mode" "$ranks" "$threads" "$n" "$rep"; done
    done
  done
done
rm -rf "$OUT/score-out" "$OUT/.times0" "$OUT/.times1"
python3 "$here/scaling_table.py" "$runs" "$OUT/scaling.csv"

# The launcher's own all-reduce cost, for the model's local numbers (skipped without mpicc).
if command -v mpicc > /dev/null; then
  mpicc -O2 -o "$OUT/allreduce_bench" "$here/allreduce_bench.c"
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 SRUN_CPUS_PER_TASK=1 $MPIRUN -n "$((top < 2 ? 2 : top))" "$OUT/allreduce_bench" \
    > "$OUT/allreduce.csv"
fi
title="engage score: efficiency (strong: $CUSTOMERS customers; weak: $WEAK_CUSTOMERS per rank)"
plot=("$OUT/scaling.csv" "$OUT/scaling.svg" --title "$title")
if [ "$MODEL" = 1 ]; then
  args=("$OUT/scaling.csv" --out "$OUT")
  [ -f "$OUT/allreduce.csv" ] && args+=(--allreduce "$OUT/allreduce.csv")
  # shellcheck disable=SC2086  # MODEL_ARGS is a word list
  python3 "$here/model.py" "${args[@]}" $MODEL_ARGS > /dev/null
  plot+=(--model "$OUT/model.csv")
fi
python3 "$here/plot_svg.py" "${plot[@]}"
echo "results in $OUT: scaling.csv scaling.svg$([ -f "$OUT/model.md" ] && echo ' model.csv model.md')" >&2
