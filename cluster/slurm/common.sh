# shellcheck shell=bash
# Sourced by the sbatch scripts of this folder: the checks of their parameters, the hybrid
# MPI + OpenMP environment, and the job step that passes the walltime warning on to `engage` and
# requeues the job when engage stops at a checkpoint. What a user types: docs/cluster.md.
# Expects ENGAGE_SLURM_DIR (this folder) to be set by the script that sources it.

# One line on stderr and exit code 2, engage's code for a bad option.
engage_slurm_fail() {
    echo "engage-slurm: error: $*" >&2
    exit 2
}

engage_slurm_log() {
    echo "engage-slurm: $(date '+%F %T') $*"
}

# engage_require NAME WHAT: stops with a clear message when the parameter NAME was not passed.
engage_require() {
    [ -n "${!1:-}" ] || engage_slurm_fail "$1 is not set: $2. Pass it with" \
        "sbatch --export=ALL,$1=... (docs/cluster.md)"
}

# Sets and exports ENGAGE, the engage executable: $ENGAGE if given, else `engage` on PATH, else
# build/engage of the checkout this folder belongs to.
engage_binary() {
    if [ -z "${ENGAGE:-}" ]; then
        ENGAGE=$(command -v engage || echo "$ENGAGE_SLURM_DIR/../../build/engage")
    fi
    [ -x "$ENGAGE" ] || engage_slurm_fail "ENGAGE=$ENGAGE is not an executable: build engage" \
        "(.ci/setup) or pass ENGAGE=/path/to/engage"
    export ENGAGE
}

# The layout sites expect for hybrid jobs: one MPI rank per Slurm task, one OpenMP thread per CPU
# of the task (sbatch --cpus-per-task). Since Slurm 22.05 srun no longer inherits --cpus-per-task
# from the allocation: SRUN_CPUS_PER_TASK passes it on to every srun of the job. Where Slurm
# confines each task to its own CPUs (TaskPlugin task/affinity or task/cgroup), the threads of a
# rank are pinned inside them (OMP_PLACES=cores, OMP_PROC_BIND=close); under task/none every task
# sees every CPU, and the same pinning would put the first thread of every rank on one core, so
# none is set. Either variable exported before sbatch wins. With the threads pinned, a rank's
# own helper threads (its writers, readers ahead and progress reporter) still run on any CPU of
# the task (src/core/helper_thread.hpp), not on the first core beside OpenMP's thread 0.
engage_hybrid_env() {
    local cpus=${SLURM_CPUS_PER_TASK:-1}
    export OMP_NUM_THREADS=$cpus SRUN_CPUS_PER_TASK=$cpus
    if scontrol show config 2> /dev/null | grep -Eq '^TaskPlugin +=.*(affinity|cgroup)'; then
        export OMP_PLACES=${OMP_PLACES:-cores} OMP_PROC_BIND=${OMP_PROC_BIND:-close}
    fi
}

# Sets the array `extra`: the more `engage` options of ENGAGE_ARGS (split at spaces) and then of
# ENGAGE_ARGS_FILE (one argument a line, taken as it is: commas and spaces inside an argument
# survive, which sbatch --export cannot carry; blank lines and lines starting with # skipped).
engage_extra_args() {
    local line
    extra=()
    read -ra extra <<< "${ENGAGE_ARGS:-}"
    [ -n "${ENGAGE_ARGS_FILE:-}" ] || return 0
    [ -r "$ENGAGE_ARGS_FILE" ] || engage_slurm_fail "ENGAGE_ARGS_FILE=$ENGAGE_ARGS_FILE cannot be" \
        "read (relative paths start from $PWD)"
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in '' | '#'*) continue ;; esac
        extra+=("$line")
    done < "$ENGAGE_ARGS_FILE"
}

# USR1 to the batch shell (the walltime warning of #SBATCH --signal=B:USR1@SECONDS, or
# `scancel --batch --signal=USR1 JOB`) becomes TERM to the job's steps: engage finishes its
# current shard, records its progress and exits 75. Sending TERM to srun itself would not do:
# srun answers TERM by killing its tasks.
engage_on_stop_request() {
    engage_slurm_log "stop requested: asking engage to finish its current shard and exit"
    scancel --signal=TERM "$SLURM_JOB_ID" ||
        engage_slurm_log "scancel --signal=TERM $SLURM_JOB_ID failed; the job runs on"
}

# Exit code 75: engage stopped at a checkpoint; the same command resumes it. Requeues the job
# (#SBATCH --requeue), at most ENGAGE_MAX_REQUEUES times (default 10) so that a job that can make
# no progress inside its walltime does not cycle for ever.
engage_requeue() {
    local restarts=${SLURM_RESTART_COUNT:-0} limit=${ENGAGE_MAX_REQUEUES:-10}
    if [ "$restarts" -ge "$limit" ]; then
        engage_slurm_log "engage stopped at a checkpoint (exit 75) and the job was requeued" \
            "$restarts times already (ENGAGE_MAX_REQUEUES=$limit): resubmit the same sbatch" \
            "command to resume"
        return
    fi
    engage_slurm_log "engage stopped at a checkpoint (exit 75): requeueing job $SLURM_JOB_ID" \
        "(restart $((restarts + 1))); the same command resumes where it stopped"
    scontrol requeue "$SLURM_JOB_ID" ||
        engage_slurm_log "scontrol requeue failed (is requeueing allowed here?): resubmit the" \
            "same sbatch command to resume"
}

# engage_step ARGS...: runs `srun --mpi=$ENGAGE_MPI --cpu-bind=$ENGAGE_CPU_BIND --wait=$ENGAGE_RANK_WAIT
# $ENGAGE_SRUN_ARGS $ENGAGE ARGS` and returns its exit code (the highest of the tasks'); requeues
# the job on 75.
#   ENGAGE_MPI        srun's MPI plugin (default pmix; `srun --mpi=list` shows the site's)
#   ENGAGE_CPU_BIND   srun's task binding (default cores; "none" leaves it to the site)
#   ENGAGE_RANK_WAIT  seconds the other ranks may run on once one has ended (default 60): a rank
#                     that dies leaves the others waiting in a collective, and srun then ends
#                     them instead of letting them wait until the walltime. Ranks that end
#                     normally, or stop at a checkpoint (exit 75), end together, well inside it
#                     (srun --kill-on-bad-exit would kill the ranks still saving a checkpoint).
engage_step() {
    local pid rc=0 srun_args
    srun_args=(--mpi="${ENGAGE_MPI:-pmix}" --wait="${ENGAGE_RANK_WAIT:-60}")
    [ "${ENGAGE_CPU_BIND:-cores}" = none ] || srun_args+=(--cpu-bind="${ENGAGE_CPU_BIND:-cores}")
    [[ ${ENGAGE_RANK_WAIT:-60} =~ ^[1-9][0-9]*$ ]] || engage_slurm_fail "ENGAGE_RANK_WAIT=$ENGAGE_RANK_WAIT:" \
        "expected a number of seconds >= 1"
    trap engage_on_stop_request USR1
    engage_slurm_log "job $SLURM_JOB_ID on $SLURM_JOB_NODELIST: ${SLURM_NTASKS:-1} ranks x" \
        "$OMP_NUM_THREADS threads: srun ${srun_args[*]} ${ENGAGE_SRUN_ARGS:+$ENGAGE_SRUN_ARGS }$ENGAGE $*"
    # srun runs in the background so that the trap runs as soon as the signal arrives (bash runs
    # traps between commands, and `wait` is interruptible).
    # shellcheck disable=SC2086  # ENGAGE_SRUN_ARGS is a list of options
    srun "${srun_args[@]}" ${ENGAGE_SRUN_ARGS:-} "$ENGAGE" "$@" &
    pid=$!
    wait "$pid" || rc=$?
    # A trap interrupts `wait` with 128 + the signal's number while srun still runs.
    while [ "$rc" -gt 128 ] && kill -0 "$pid" 2> /dev/null; do
        rc=0
        wait "$pid" || rc=$?
    done
    trap - USR1
    if [ "$rc" -eq 75 ]; then
        engage_requeue
    elif [ "$rc" -ne 0 ]; then
        engage_slurm_log "engage exited with code $rc (2 bad option, 3 invalid input data," \
            "4 file-system error, 5 MPI error, 1 internal error: README.md)"
    else
        engage_slurm_log "engage finished"
    fi
    return "$rc"
}
