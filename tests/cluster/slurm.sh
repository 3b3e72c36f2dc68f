#!/usr/bin/env bash
# The sbatch scripts of cluster/slurm on a real single-node Slurm: munged, slurmctld and slurmd
# started here as background daemons, every file of theirs in a scratch folder (own munge key and
# socket, own ports), stopped by their PID files at the end, pass or fail.
#   - score.sbatch at 2 tasks x 2 threads: COMPLETED, exit code 0:0, run.json records 2 ranks x 2
#     threads, report.json and the CSV tables byte-identical to `engage score` at 1 rank (mpirun);
#   - score.sbatch stopped by the walltime-warning signal (USR1 to the batch shell) in the middle of
#     engage's pass over the data: engage saves a checkpoint and exits 75, the job requeues itself,
#     the rerun resumes from the checkpoint and completes, and the outputs are the reference ones;
#   - a plain scancel of a job whose stand-in for engage exits 75 on TERM: not requeued;
#   - a job one of whose ranks is killed: ended by srun --wait (ENGAGE_RANK_WAIT), FAILED, not requeued;
#   - options with commas and spaces through ENGAGE_ARGS_FILE; the templates' --mem-per-cpu;
#   - retention-study.sbatch as a 2-date array with %1: both tasks completed one after the other,
#     each report byte-identical to its 1-rank run;
#   - scaling-sweep.sbatch (cluster/scaling/sweep.sh through srun) at 1 and 2 ranks.
# Usage: slurm.sh ENGAGE MPIEXEC SOURCE_DIR   (as root; .ci/setup installs Slurm and munge)
#   ENGAGE_KEEP_SCRATCH=1 keeps the scratch folder (logs, outputs) for a look after the run.
set -euo pipefail
engage=$1
mpiexec=$2
slurm_scripts=$3/cluster/slurm
fail() { echo "FAIL: $*" >&2; exit 1; }

for cmd in munged munge unmunge slurmctld slurmd sbatch scontrol sinfo squeue scancel srun; do
    command -v "$cmd" > /dev/null || fail "$cmd not found: this test needs the Debian packages" \
        "slurmctld slurmd slurm-client munge; run .ci/setup, which installs them"
done
[ "$(id -u)" = 0 ] || fail "run as root: slurmd starts the job steps as the submitting user (CI runs" \
    "as root; ctest -LE slurm leaves this test out)"

scratch=$(mktemp -d /tmp/engage-slurm.XXXXXX)
chmod 755 "$scratch" # munged wants every directory above its socket searchable by all
export SLURM_CONF=$scratch/slurm.conf

stop_daemons() { # slurmd first, so that no job step outlives it
    local name pid i
    for name in slurmd slurmctld munged; do
        [ -s "$scratch/$name.pid" ] || continue
        pid=$(cat "$scratch/$name.pid")
        kill -TERM "$pid" 2> /dev/null || continue
        for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2> /dev/null; then
            echo "$name ($pid) ignored TERM: killing it" >&2
            kill -KILL "$pid"
        fi
    done
}
cleanup() {
    local rc=$? i
    set +e # every step runs, whatever the one before it returned
    if [ -s "$scratch/slurmctld.pid" ]; then # jobs left by a failure end before their node goes
        scancel --user=root 2> /dev/null || true
        for ((i = 0; i < 50; i++)); do [ -z "$(squeue -h 2> /dev/null)" ] && break; sleep 0.2; done
    fi
    if [ "$rc" -ne 0 ]; then
        for f in slurmctld.log slurmd.log munged.log; do
            if [ -f "$scratch/$f" ]; then
                echo "--- last lines of $f" >&2
                tail -n 15 "$scratch/$f" >&2
            fi
        done
    fi
    stop_daemons
    if pgrep -f "$scratch" > /dev/null; then
        echo "FAIL: processes left running:" >&2
        pgrep -af "$scratch" >&2
        rc=1
    fi
    if [ -n "${ENGAGE_KEEP_SCRATCH:-}" ]; then echo "kept $scratch" >&2; else rm -rf "$scratch"; fi
    exit "$rc"
}
trap cleanup EXIT

# A TCP port that no socket uses, below the kernel's ephemeral range: a port inside that range
# can be taken by any outgoing connection between this check and the daemon's bind (slurmd
# failed so in CI: "Unable to bind listen port (33686): Address already in use").
ephemeral_start=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2> /dev/null || echo 32768)
free_port() {
    local port low=10000 high=$((ephemeral_start - 1))
    [ "$high" -gt $((low + 1000)) ] || { low=1025; high=$((ephemeral_start - 1)); }
    while :; do
        port=$((low + (RANDOM * 32768 + RANDOM) % (high - low + 1)))
        [ "$port" != "${1:-}" ] || continue
        # in use in any state (listening, connected, TIME_WAIT) on any address: another one
        if ss -Htan "( sport = :$port or dport = :$port )" 2> /dev/null | grep -q .; then continue; fi
        (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null || { echo "$port"; return; }
    done
}

# --- munge: a key and socket of our own, so that a system munged is neither needed nor disturbed
dd if=/dev/urandom of="$scratch/munge.key" bs=1024 count=1 status=none
chmod 400 "$scratch/munge.key"
munged --socket="$scratch/munge.socket" --key-file="$scratch/munge.key" \
    --pid-file="$scratch/munged.pid" --log-file="$scratch/munged.log" --seed-file="$scratch/munged.seed"
munge -S "$scratch/munge.socket" -n | unmunge -S "$scratch/munge.socket" > /dev/null ||
    fail "munged does not answer on $scratch/munge.socket"

# --- slurm.conf (recipe: ../shared/docs/environment.md)
ctld_port=$(free_port)
slurmd_port=$(free_port "$ctld_port")
mkdir -p "$scratch/state" "$scratch/spool"
cat > "$SLURM_CONF" << EOF
ClusterName=engagetest
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$scratch/munge.socket
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=pmix
ReturnToService=2
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
$(slurmd -C | head -n 1) NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
deadline=$((SECONDS + 60))
until [ "$(sinfo -h -o %t 2> /dev/null)" = idle ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the node is not idle after 60 s: sinfo says" \
        "'$(sinfo -h -o %t 2>&1)'"
    sleep 0.2
done

# --- helpers for jobs
field() { # JOB KEY: a field of `scontrol show job` (of its first record, for an array)
    local record values
    record=$(scontrol show job "$1" 2> /dev/null) || true
    values=$(tr ' ' '\n' <<< "$record" | sed -n "s/^$2=//p")
    echo "${values%%$'\n'*}"
}
wait_job() { # JOB SECONDS: until the job has ended
    local state deadline=$((SECONDS + $2))
    while :; do
        state=$(field "$1" JobState)
        case $state in
            COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED | BOOT_FAIL | DEADLINE) return ;;
        esac
        [ "$SECONDS" -lt "$deadline" ] ||
            fail "job $1 is still ${state:-unknown} (Reason=$(field "$1" Reason)) after $2 s"
        sleep 0.3
    done
}
check_job() { # JOB LOG: COMPLETED with exit code 0:0, or the job's record and log
    local state code
    state=$(field "$1" JobState)
    code=$(field "$1" ExitCode)
    if [ "$state" != COMPLETED ] || [ "$code" != 0:0 ]; then
        scontrol show job "$1" >&2
        echo "--- $2" >&2
        cat "$2" >&2 || true
        fail "job $1: JobState=$state ExitCode=$code, expected COMPLETED and 0:0"
    fi
}
same_outputs() { # REFERENCE_DIR DIR WHAT
    local f
    for f in report.json summary.csv features.csv channels.csv engagement.csv tier_migration.csv; do
        cmp "$1/$f" "$2/$f" || fail "$3: $f differs from engage score at 1 rank"
    done
}
reference() { # OUTPUT_DIR ARGS...: engage score at 1 rank under mpirun
    local out=$1
    shift
    "$mpiexec" --bind-to none -n 1 "$engage" score --input base.h5 --output "$out" -q "$@"
}

cd "$scratch"
"$mpiexec" -n 1 "$engage" generate --customers 3000 --mean-interactions 40 --seed 11 \
    --output "$scratch/base.h5" -q
# Small shards, so that the two ranks split the work.
shards="--shard-interactions 5000 --shard-customers 200"
# shellcheck disable=SC2086
reference "$scratch/ref" $shards

# --- the scoring job: 2 tasks x 2 threads on this 2-CPU node (--overcommit); its options half in
# ENGAGE_ARGS, half in ENGAGE_ARGS_FILE, one of them a path with a comma and spaces (which
# sbatch --export cannot carry).
cp "$3/docs/engagement.cfg" "$scratch/score cfg, v2.cfg"
printf '%s\n' '# engage score options, one argument a line' --shard-customers 200 '' --config "score cfg, v2.cfg" > args.txt
"$mpiexec" --bind-to none -n 1 "$engage" score --input base.h5 --output "$scratch/ref-cfg" -q \
    --shard-interactions 5000 --shard-customers 200 --config "score cfg, v2.cfg"
job=$(sbatch --parsable --ntasks=2 --cpus-per-task=2 --overcommit --output="$scratch/score.log" \
    --export="ALL,ENGAGE=$engage,ENGAGE_INPUT=base.h5,ENGAGE_OUTPUT=score,ENGAGE_ARGS=--shard-interactions 5000,ENGAGE_ARGS_FILE=args.txt" \
    "$slurm_scripts/score.sbatch")
wait_job "$job" 120
check_job "$job" "$scratch/score.log"
same_outputs "$scratch/ref-cfg" "$scratch/score" "score.sbatch at 2 tasks x 2 threads"
grep -q -- "--config score cfg, v2.cfg" score.log || fail "score.log does not show the option from ENGAGE_ARGS_FILE: $(cat score.log)"
scontrol show job "$job" | grep -q "MinMemoryCPU=2G" ||
    fail "job $job does not carry the template's --mem-per-cpu=2G: $(scontrol show job "$job")"
grep -q '"ranks": 2,' score/run.json || fail "run.json does not record 2 ranks: $(cat score/run.json)"
grep -q '"threads_per_rank": 2,' score/run.json ||
    fail "run.json does not record 2 threads per rank (OMP_NUM_THREADS from --cpus-per-task)"
echo "[$SECONDS s] score.sbatch: job $job COMPLETED 0:0, 2 ranks x 2 threads, outputs identical to 1 rank"

# --- a required parameter missing: the job fails with exit code 2 and says what to pass
job=$(sbatch --parsable --ntasks=1 --cpus-per-task=1 --output="$scratch/missing.log" \
    --export="ALL,ENGAGE=$engage,ENGAGE_INPUT=base.h5" "$slurm_scripts/score.sbatch")
wait_job "$job" 60
state=$(field "$job" JobState) code=$(field "$job" ExitCode)
[ "$state $code" = "FAILED 2:0" ] ||
    fail "job $job without ENGAGE_OUTPUT: JobState=$state ExitCode=$code, expected FAILED and 2:0"
grep -q "ENGAGE_OUTPUT is not set: the directory for the outputs. Pass it with sbatch --export=ALL,ENGAGE_OUTPUT=" \
    missing.log || fail "missing.log does not say that ENGAGE_OUTPUT is missing: $(cat missing.log)"
echo "[$SECONDS s] score.sbatch: job $job without ENGAGE_OUTPUT FAILED 2:0 and said so"

# --- walltime warning -> engage stops at a checkpoint (exit 75) -> requeue -> resume. A base and
# shards (60,000 customers, 2 a shard: 15,000 rounds at 2 ranks) for a pass long enough that the
# signal arrives in the middle of it; the signal is sent once the pass has started.
"$mpiexec" -n 1 "$engage" generate --customers 60000 --mean-interactions 40 --seed 12 \
    --output "$scratch/long.h5" -q
long_args="--shard-customers 2"
# shellcheck disable=SC2086
"$mpiexec" --bind-to none -n 1 "$engage" score --input long.h5 --output "$scratch/ref-long" -q $long_args
job=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --overcommit --output="$scratch/requeue.log" \
    --export="ALL,ENGAGE=$engage,ENGAGE_INPUT=long.h5,ENGAGE_OUTPUT=requeue,ENGAGE_ARGS=$long_args" \
    "$slurm_scripts/score.sbatch")
deadline=$((SECONDS + 120))
until compgen -G "requeue/.engage-tmp-*/customers.h5" > /dev/null; do # the pass starts at once
    [ "$SECONDS" -lt "$deadline" ] || fail "the job's pass did not start within 120 s: $(cat requeue.log)"
    [ ! -e requeue/run.json ] || fail "the job finished before its pass was seen"
    sleep 0.05
done
# What Slurm sends at --signal=B:USR1@300, five minutes before the walltime.
scancel --batch --signal=USR1 "$job"
deadline=$((SECONDS + 120))
until [ "$(field "$job" Restarts)" = 1 ] && [ "$(field "$job" JobState)" = PENDING ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "job $job was not requeued within 120 s:" \
        "$(scontrol show job "$job") $(cat requeue.log)"
    sleep 0.2
done
grep -q "^engage: stopped on request (SIGTERM) after round [0-9]* of 15000 " requeue.log ||
    fail "requeue.log does not show engage stopping at a checkpoint: $(cat requeue.log)"
[ -s requeue/.engage-checkpoint/checkpoint.json ] || fail "no checkpoint in requeue/: $(ls -A requeue)"
[ ! -e requeue/report.json ] || fail "the stopped job committed outputs"
# Slurm holds a requeued job back for two minutes (Reason=BeginTime): no need to wait for that here,
# but not less than two seconds either. slurmd revokes the stopped run's job credential and refuses
# a launch whose credential is not newer, to the second: released at once, the requeued run was
# "killed, do not launch batch job" / "Job credential revoked" (exit 1) in about half the runs.
scontrol update JobId="$job" StartTime=now+2
wait_job "$job" 180
check_job "$job" "$scratch/requeue.log"
grep -q "exit 75): requeueing job $job" requeue.log || fail "requeue.log does not say why it requeued"
grep -q "^engage score: resuming after round [0-9]* of 15000, from requeue/.engage-checkpoint" requeue.log ||
    fail "the requeued job did not resume from the checkpoint: $(cat requeue.log)"
same_outputs "$scratch/ref-long" "$scratch/requeue" "score.sbatch stopped, requeued and resumed"
[ ! -e requeue/.engage-checkpoint ] || fail "the finished job left its checkpoint"
echo "[$SECONDS s] score.sbatch: job $job stopped on USR1 at a checkpoint (exit 75), requeued itself, resumed, COMPLETED 0:0"

# --- a plain scancel cancels: the job does not requeue itself, although engage exits 75 on TERM.
# A stand-in for engage waits for TERM and answers 75, so that the job surely runs when cancelled.
cat > "$scratch/engage-checkpoint" << EOF
#!/bin/bash
trap 'exit 75' TERM
touch "$scratch/waiting.\$SLURM_PROCID"
for ((i = 0; i < 1200; i++)); do sleep 0.1; done
exit 1
EOF
chmod +x "$scratch/engage-checkpoint"
job=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --overcommit --output="$scratch/cancel.log" \
    --export="ALL,ENGAGE=$scratch/engage-checkpoint,ENGAGE_INPUT=base.h5,ENGAGE_OUTPUT=cancel" \
    "$slurm_scripts/score.sbatch")
deadline=$((SECONDS + 60))
until [ -e waiting.0 ] && [ -e waiting.1 ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the job's tasks did not start within 60 s: $(cat cancel.log)"
    sleep 0.2
done
scancel "$job"
wait_job "$job" 60
sleep 2 # a requeue, if the script asked for one, would show by now
state=$(field "$job" JobState) restarts=$(field "$job" Restarts)
[ "$state $restarts" = "CANCELLED 0" ] ||
    fail "job $job after scancel: JobState=$state Restarts=$restarts, expected CANCELLED and 0: $(cat cancel.log)"
echo "[$SECONDS s] score.sbatch: job $job CANCELLED by scancel, not requeued"

# --- a rank that dies leaves the other in a collective: srun ends it ENGAGE_RANK_WAIT seconds
# later (here 5; default 60), not at the walltime. A stand-in for engage: rank 1 is killed at once,
# rank 0 waits as if in a collective.
cat > "$scratch/engage-dies" << 'STANDIN'
#!/bin/bash
touch "dies.$SLURM_PROCID"
[ "$SLURM_PROCID" = 1 ] && kill -KILL $$
for ((i = 0; i < 1200; i++)); do sleep 0.1; done
exit 0
STANDIN
chmod +x "$scratch/engage-dies"
started=$SECONDS
job=$(sbatch --parsable --ntasks=2 --cpus-per-task=1 --overcommit --output="$scratch/dies.log" \
    --export="ALL,ENGAGE=$scratch/engage-dies,ENGAGE_INPUT=base.h5,ENGAGE_OUTPUT=dies,ENGAGE_RANK_WAIT=5" \
    "$slurm_scripts/score.sbatch")
wait_job "$job" 60
state=$(field "$job" JobState) restarts=$(field "$job" Restarts)
[ "$state $restarts" = "FAILED 0" ] ||
    fail "job $job with a dead rank: JobState=$state Restarts=$restarts, expected FAILED and 0: $(cat dies.log)"
[ -e dies.0 ] && [ -e dies.1 ] || fail "job $job: both ranks should have started: $(ls dies.* 2>&1)"
[ $((SECONDS - started)) -lt 60 ] || fail "job $job with a dead rank took $((SECONDS - started)) s to end"
grep -q "engage exited with code" dies.log || fail "dies.log does not report the failure: $(cat dies.log)"
echo "[$SECONDS s] score.sbatch: job $job with a killed rank FAILED within $((SECONDS - started)) s (ENGAGE_RANK_WAIT=5), not requeued"

# --- retention study: 2 dates, one task at a time
printf '# as-of dates\n2025-03-31\n\n2025-06-30\n' > dates.txt
job=$(sbatch --parsable --array=0-1%1 --ntasks=2 --cpus-per-task=1 --overcommit \
    --output="$scratch/retention-%a.log" \
    --export="ALL,ENGAGE=$engage,ENGAGE_INPUT=base.h5,ENGAGE_OUTPUT=study,ENGAGE_DATES_FILE=dates.txt,ENGAGE_HOLDOUT_DAYS=90" \
    "$slurm_scripts/retention-study.sbatch")
[ "$(field "$job" ArrayTaskThrottle)" = 1 ] || fail "array job $job is not limited to 1 task at a time"
for i in 0 1; do
    wait_job "${job}_$i" 180
    check_job "${job}_$i" "$scratch/retention-$i.log"
done
start0=$(field "${job}_0" StartTime) end0=$(field "${job}_0" EndTime)
start1=$(field "${job}_1" StartTime) end1=$(field "${job}_1" EndTime)
[[ ! $start1 < $end0 || ! $start0 < $end1 ]] ||
    fail "the array's tasks overlapped (%1): task 0 $start0..$end0, task 1 $start1..$end1"
for date in 2025-03-31 2025-06-30; do
    out=study/as-of-$date
    grep -q "\"as_of\": \"$date\"" "$out/report.json" || fail "$out/report.json is not as of $date"
    grep -q '"retention"' "$out/report.json" || fail "$out/report.json has no retention section"
    [ -s "$out/survival.csv" ] || fail "$out/survival.csv is missing"
    reference "$scratch/ref-$date" --retention --holdout-days 90 --as-of "$date"
    cmp "$scratch/ref-$date/report.json" "$out/report.json" ||
        fail "$out/report.json differs from engage score at 1 rank"
done
echo "[$SECONDS s] retention-study.sbatch: array $job, 2 dates one at a time, both COMPLETED 0:0, reports identical to 1 rank"

# --- scaling sweep at 1 and 2 ranks (cluster/scaling/sweep.sh through srun)
job=$(sbatch --parsable --output="$scratch/sweep.log" \
    --export="ALL,ENGAGE=$engage,OUT=$scratch/sweep,RANKS=1 2,THREADS=1,MODES=strong,CUSTOMERS=2000,REPS=1,MODEL=0" \
    "$slurm_scripts/scaling-sweep.sbatch")
wait_job "$job" 240
check_job "$job" "$scratch/sweep.log"
for ranks in 1 2; do
    grep -q "^strong,$ranks,1," sweep/runs.csv || fail "sweep/runs.csv has no run at $ranks ranks: $(cat sweep/runs.csv)"
done
echo "[$SECONDS s] scaling-sweep.sbatch: job $job COMPLETED 0:0, runs at 1 and 2 ranks"
