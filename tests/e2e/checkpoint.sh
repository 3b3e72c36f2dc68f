#!/usr/bin/env bash
# Checkpoint and restart of `engage score` (docs/architecture.md, "Checkpoint and restart"), and a
# rank killed in the middle of the pass. With the retention study, a holdout and a backtest date, so
# that every state of the pass is in the checkpoint, and many small shards:
#   (a) 2 ranks: SIGUSR1 to mpirun (which forwards it to the ranks) during the pass: exit 75, one
#       message, a checkpoint, the earlier outputs at that path untouched; a rerun stopped again,
#       by SIGTERM to the ranks, goes further and replaces the checkpoint; the next rerun
#       completes with report.json and every CSV byte-identical to an uninterrupted run and
#       customers.h5 equal in content (h5diff), and removes the checkpoint. The same at 1 rank
#       (engage without mpirun, SIGTERM), stopped later: once customers.h5 has a whole chunk of
#       16,384 rows, so that the resumed run appends to a file with chunks written and one open.
#   (b) reruns with another --window-days or another number of ranks: exit 2 and the message that
#       names the difference; the checkpoint and the earlier outputs stay. A truncated rank file:
#       exit 4 and the message.
#   (c) SIGKILL to one of 2 ranks: the job ends non-zero within 60 s with no rank left, the
#       earlier outputs at that path stay byte-identical, and a later run there succeeds.
# Runs are started in the background under `timeout` and watched by polling (no fixed sleeps).
# Usage: checkpoint.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
tmp=$(mktemp -d)
job= # the `timeout` process of the run in the background (leader of its process group)
cleanup() {
    if [ -n "$job" ]; then kill -KILL -- "-$job" 2> /dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
limit=300 # seconds before a run counts as hung; generous for a loaded 2-core machine

running() { # PID: alive and not a zombie
    local state
    state=$(ps -o stat= -p "$1" 2> /dev/null) || return 1
    [[ $state != Z* ]]
}
start() { # LOG COMMAND...: in the background, under a timeout
    local log=$1
    shift
    timeout -k 10 "$limit" "$@" > "$log" 2>&1 &
    job=$!
}
finish() { # LOG: waits for the run of `start`; sets rc
    rc=0
    wait "$job" || rc=$?
    job=
    [ "$rc" -ne 124 ] || fail "a run did not end within $limit s: $(cat "$1")"
}
child_of() { # PID NAME: the process NAME started by PID (waits for it)
    local deadline=$((SECONDS + 60)) child
    until child=$(pgrep -P "$1" -x "$2"); do
        [ "$SECONDS" -lt "$deadline" ] || fail "$2 did not start"
        sleep 0.02
    done
    echo "$child"
}
wait_for() { # LOG WHAT TEST...: polls TEST until it holds
    local log=$1 what=$2 deadline=$((SECONDS + limit))
    shift 2
    until "$@"; do
        running "$job" || fail "the run ended before $what: $(cat "$log")"
        [ "$SECONDS" -lt "$deadline" ] || fail "no $what within $limit s: $(cat "$log")"
        sleep 0.02
    done
}
pass_started() { compgen -G "$1/.engage-tmp-*/customers.h5" > /dev/null; } # the pass follows at once
# LOG N: a progress line of the pass (ENGAGE_PROGRESS_SECONDS=0: one per round) says that the
# ranks have folded at least N shards.
folded_at_least() {
    awk -v n="$2" '/^score \[.*\] pass over the data: .* shards of all ranks/ { sub(/^[^(]*\(/, ""); if ($1 + 0 >= n) found = 1 } END { exit !found }' "$1"
}
says() { grep -q "$2" "$1"; }
stopped_after() { # LOG SIGNAL: the round of the stop message, checked to be inside the pass
    local line round rounds
    line=$(grep "^engage: stopped on request ($2) after round " "$1") || fail "no stop message for $2: $(cat "$1")"
    round=$(sed 's/.* after round \([0-9]*\) of \([0-9]*\) .*/\1/' <<< "$line")
    rounds=$(sed 's/.* after round \([0-9]*\) of \([0-9]*\) .*/\2/' <<< "$line")
    [ "$round" -ge 1 ] && [ "$round" -lt "$rounds" ] || fail "stopped after round $round of $rounds: not inside the pass"
    grep -q "Rerun the same command, with the same number of ranks, to resume" <<< "$line" || fail "message: $line"
    echo "$round"
}
snapshot() { (cd "$1" && sha256sum -- *) > "$1.sha256"; }
intact() { # DIR WHAT: the files of snapshot DIR, unchanged, and no other visible file
    (cd "$1" && sha256sum --quiet -c "$1.sha256") || fail "$2: the earlier outputs in $1 changed"
    [ "$(cd "$1" && ls)" = "$(sed 's/^[0-9a-f]*  //' "$1.sha256")" ] || fail "$2: new files in $1: $(ls "$1")"
}
same_as_reference() { # DIR WHAT
    local f
    [ "$(ls "$ref")" = "$(ls "$1")" ] || fail "$2: other files than the uninterrupted run: $(ls "$1")"
    for f in "$ref"/report.json "$ref"/*.csv; do
        cmp "$f" "$1/${f##*/}" || fail "$2: ${f##*/} differs from the uninterrupted run"
    done
    h5diff "$ref/customers.h5" "$1/customers.h5" || fail "$2: customers.h5 differs from the uninterrupted run"
    [ -z "$(ls -A "$1" | grep '^\.')" ] || fail "$2: left behind in $1: $(ls -A "$1" | grep '^\.')"
}

export OMP_NUM_THREADS=1
"$engage" generate --customers 30000 --mean-interactions 40 --seed 21 --output "$tmp/base.h5" -q
# 10,000 shards of 3 customers: the pass has thousands of rounds, and 3 does not divide the 16,384
# rows of a chunk of customers.h5, so a stop after a whole chunk leaves rows of the next one.
args=(score --input "$tmp/base.h5" --shard-customers 3 --retention --holdout-days 120 --backtest-as-of 2025-03-31)
mpirun2=("$mpiexec" --bind-to none -n 2)
ref=$tmp/ref
"${mpirun2[@]}" "$engage" "${args[@]}" --output "$ref" -q
grep -q '"backtest"' "$ref/report.json" || fail "the reference has no backtest"

# --- (a) 2 ranks: stop, a mismatching rerun, stop again, resume
out=$tmp/out2
"$engage" score --input "$tmp/base.h5" --window-days 200 --output "$out" -q # the earlier outputs there
snapshot "$out"
start "$tmp/stop1.log" "${mpirun2[@]}" "$engage" "${args[@]}" --output "$out"
mpirun=$(child_of "$job" "${mpiexec##*/}")
wait_for "$tmp/stop1.log" "the pass" pass_started "$out"
kill -USR1 "$mpirun"
finish "$tmp/stop1.log"
[ "$rc" -eq 75 ] || fail "stopped by SIGUSR1: exit $rc, expected 75: $(cat "$tmp/stop1.log")"
round1=$(stopped_after "$tmp/stop1.log" SIGUSR1)
intact "$out" "after the stop at 2 ranks"
[ -s "$out/.engage-checkpoint/checkpoint.json" ] || fail "no checkpoint in $out: $(ls -A "$out")"
[ "$(ls -A "$out" | grep '^\.')" = .engage-checkpoint ] || fail "left behind: $(ls -A "$out")"
echo "[$SECONDS s] 2 ranks: SIGUSR1 to mpirun -> exit 75 after round $round1, earlier outputs intact"

# --- (b) reruns that do not match the checkpoint
rc=0
"${mpirun2[@]}" "$engage" "${args[@]}" --window-days 200 --output "$out" -q > "$tmp/other.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "a rerun with another --window-days: exit $rc, expected 2: $(cat "$tmp/other.log")"
grep -qF "engage: error: $out/.engage-checkpoint holds the progress of a different run (--window-days 365 there, 200 now). Rerun with the same input, options and number of ranks to resume it, or remove $out/.engage-checkpoint to start afresh" \
    "$tmp/other.log" || fail "the message for another --window-days: $(cat "$tmp/other.log")"
rc=0
"$engage" "${args[@]}" --output "$out" -q > "$tmp/ranks.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "a rerun at 1 rank: exit $rc, expected 2: $(cat "$tmp/ranks.log")"
grep -qF "(number of ranks 2 there, 1 now)" "$tmp/ranks.log" || fail "the message for 1 rank: $(cat "$tmp/ranks.log")"
# A checkpoint of a binary that did not record its planning block (blocks of 2^22 customers
# then): as many shards may be cut elsewhere, so it is not resumed.
manifest=$out/.engage-checkpoint/checkpoint.json
cp "$manifest" "$tmp/manifest.json"
/usr/bin/python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); del m["identity"]["shard planning block (customers)"]; json.dump(m, open(sys.argv[1], "w"))' "$manifest"
rc=0
"${mpirun2[@]}" "$engage" "${args[@]}" --output "$out" -q > "$tmp/block.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "a checkpoint without its planning block: exit $rc, expected 2: $(cat "$tmp/block.log")"
grep -qF "(shard planning block (customers) (not recorded) there, 262144 now)" "$tmp/block.log" ||
    fail "the message for a checkpoint without its planning block: $(cat "$tmp/block.log")"
cp "$tmp/manifest.json" "$manifest"
intact "$out" "after the mismatching reruns"
[ -s "$out/.engage-checkpoint/checkpoint.json" ] || fail "a mismatching rerun removed the checkpoint"
echo "[$SECONDS s] mismatching reruns (--window-days, ranks, planning block): exit 2 with the difference named"

start "$tmp/stop2.log" "${mpirun2[@]}" "$engage" "${args[@]}" --output "$out"
mpirun=$(child_of "$job" "${mpiexec##*/}")
wait_for "$tmp/stop2.log" "the resume" says "$tmp/stop2.log" "^engage score: resuming after round $round1 of "
# shellcheck disable=SC2046  # the two ranks
kill -TERM $(pgrep -P "$mpirun" -x engage)
finish "$tmp/stop2.log"
[ "$rc" -eq 75 ] || fail "resumed, then SIGTERM to the ranks: exit $rc, expected 75: $(cat "$tmp/stop2.log")"
round2=$(stopped_after "$tmp/stop2.log" SIGTERM)
[ "$round2" -gt "$round1" ] || fail "the resumed run stopped after round $round2, not after $round1"
intact "$out" "after the second stop"
echo "[$SECONDS s] 2 ranks: resumed after round $round1, SIGTERM to the ranks -> exit 75 after round $round2"

"${mpirun2[@]}" "$engage" "${args[@]}" --output "$out" > "$tmp/resume.log" 2>&1 ||
    fail "the second resume failed: $(cat "$tmp/resume.log")"
says "$tmp/resume.log" "^engage score: resuming after round $round2 of " || fail "did not resume: $(cat "$tmp/resume.log")"
same_as_reference "$out" "2 ranks, stopped twice"
echo "[$SECONDS s] 2 ranks: resumed after round $round2, outputs identical to the uninterrupted run"

# --- (a) 1 rank, without mpirun; the run creates the output directory
out=$tmp/out1
# Stopped once more than a whole chunk's customers are folded: a checkpoint writes every row
# folded so far, so the resumed run appends to a file with whole chunks and an open one.
start "$tmp/stop1r.log" env ENGAGE_PROGRESS_SECONDS=0 "$engage" "${args[@]}" --output "$out"
rank=$(child_of "$job" engage)
wait_for "$tmp/stop1r.log" "5,467 shards (16,401 customers) folded" folded_at_least "$tmp/stop1r.log" 5467
kill -TERM "$rank"
finish "$tmp/stop1r.log"
[ "$rc" -eq 75 ] || fail "1 rank stopped by SIGTERM: exit $rc, expected 75: $(cat "$tmp/stop1r.log")"
round=$(stopped_after "$tmp/stop1r.log" SIGTERM)
[ "$round" -ge 5462 ] || fail "1 rank stopped after round $round, before the first whole chunk (3 customers a round)"
[ "$(ls -A "$out")" = .engage-checkpoint ] || fail "1 rank: $out holds $(ls -A "$out"), expected the checkpoint only"
# A damaged rank file: exit 4 and what to do; the checkpoint itself is left for the user.
cp -a "$out/.engage-checkpoint" "$tmp/saved-checkpoint"
truncate -s -64 "$out/.engage-checkpoint/rank-0.state"
rc=0
"$engage" "${args[@]}" --output "$out" -q > "$tmp/damaged.log" 2>&1 || rc=$?
[ "$rc" -eq 4 ] || fail "a truncated rank file: exit $rc, expected 4: $(cat "$tmp/damaged.log")"
grep -q "^engage: error: $out/.engage-checkpoint/rank-0.state: damaged checkpoint file (.*); remove the checkpoint directory $out/.engage-checkpoint to start afresh$" \
    "$tmp/damaged.log" || fail "the message for a truncated rank file: $(cat "$tmp/damaged.log")"
rm -rf "$out/.engage-checkpoint"
mv "$tmp/saved-checkpoint" "$out/.engage-checkpoint"
"$engage" "${args[@]}" --output "$out" > "$tmp/resume1.log" 2>&1 || fail "1 rank: the resume failed: $(cat "$tmp/resume1.log")"
says "$tmp/resume1.log" "^engage score: resuming after round $round of " || fail "1 rank: did not resume"
same_as_reference "$out" "1 rank, stopped once"
echo "[$SECONDS s] 1 rank: SIGTERM -> exit 75 after round $round, resumed, outputs identical"

# --- (c) SIGKILL to one rank of two
out=$tmp/killed
"$engage" score --input "$tmp/base.h5" --window-days 200 --output "$out" -q
snapshot "$out"
start "$tmp/kill.log" "${mpirun2[@]}" "$engage" "${args[@]}" --output "$out"
mpirun=$(child_of "$job" "${mpiexec##*/}")
wait_for "$tmp/kill.log" "the pass" pass_started "$out"
read -r -a ranks <<< "$(pgrep -P "$mpirun" -x engage | tr '\n' ' ')"
[ "${#ranks[@]}" -eq 2 ] || fail "expected 2 ranks under mpirun, found ${ranks[*]}"
killed_at=$SECONDS
kill -KILL "${ranks[1]}"
while running "$job"; do
    [ $((SECONDS - killed_at)) -lt 60 ] || fail "the job still runs 60 s after one rank was killed: $(cat "$tmp/kill.log")"
    sleep 0.1
done
finish "$tmp/kill.log"
[ "$rc" -ne 0 ] || fail "the job with a killed rank exited 0"
for pid in "${ranks[@]}"; do
    ! running "$pid" || fail "rank process $pid still runs after the job ended"
done
intact "$out" "after a rank was killed"
compgen -G "$out/.engage-tmp-*" > /dev/null || fail "expected the killed run's staging directory in $out"
echo "[$SECONDS s] SIGKILL to a rank: the job ended with exit $rc in $((SECONDS - killed_at)) s, no rank left, earlier outputs intact"
"${mpirun2[@]}" "$engage" "${args[@]}" --output "$out" -q || fail "the run after the killed one failed"
same_as_reference "$out" "the run after the killed one" # which also removed the staging directory
echo "checkpoint: stop/resume byte-identical at 1 and 2 ranks; mismatches refused; a killed rank ends the job"
