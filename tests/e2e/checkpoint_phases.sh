#!/usr/bin/env bash
# Stop and resume in every phase after the pass (issue 11): after each stage's collective step
# (the engagement histograms, the retention fits of the as-of date and of the backtest date, the
# study's reductions, the survival stage's Newton steps) and inside each sweep, a SIGTERM ends the job with exit 75 and a
# checkpoint; the same command resumes it, and report.json, every CSV table and customers.h5
# equal those of an uninterrupted run. The stop points are reached exactly with
# ENGAGE_TEST_STOP_AT (src/core/stop_request.hpp: the process sends itself SIGTERM there). A tiny
# --memory-per-rank makes the sweeps many blocks long and spills the per-customer state, so
# the checkpoint holds scratch-file state too; with 800 relationship managers it also makes
# the engagement stage build their groups range by range, each range in a sweep of its own and
# kept on rank 0 once reduced (sweeps 2-5 here), so the stops in those sweeps and steps stop
# between ranges too. The pass itself: tests/e2e/checkpoint.sh.
# Usage: checkpoint_phases.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_NUM_THREADS=1

"$engage" generate --customers 8000 --mean-interactions 30 --seed 21 --customers-per-rm 10 --output "$tmp/base.h5" -q
args=(score --input "$tmp/base.h5" --shard-customers 500 --retention --holdout-days 120 --opportunity-days 28
      --backtest-as-of 2025-03-31 --calibrate-as-of 2025-05-01 --memory-per-rank 1M)
mpirun2=("$mpiexec" --bind-to none -n 2)
"${mpirun2[@]}" "$engage" "${args[@]}" --output "$tmp/ref" -q
grep -q '"backtest"' "$tmp/ref/report.json" || fail "the reference has no backtest"
grep -q '"relationship_manager_ranges": 4,' "$tmp/ref/run.json" ||
    fail "the reference did not build the managers' groups in 4 ranges: $(grep ranges "$tmp/ref/run.json")"

same_as_reference() { # DIR WHAT
    local f
    [ "$(ls "$tmp/ref")" = "$(ls "$1")" ] || fail "$2: other files than the uninterrupted run: $(ls "$1")"
    for f in "$tmp/ref"/report.json "$tmp/ref"/*.csv; do
        cmp "$f" "$1/${f##*/}" || fail "$2: ${f##*/} differs from the uninterrupted run"
    done
    h5diff "$tmp/ref/customers.h5" "$1/customers.h5" || fail "$2: customers.h5 differs from the uninterrupted run"
    [ -z "$(ls -A "$1" | grep '^\.')" ] || fail "$2: left behind in $1: $(ls -A "$1" | grep '^\.')"
}

# Stages in order: the training date's (--calibrate-as-of) features, engagement; as-of date
# features, summary, engagement, retention, study, baselines, survival; backtest date features,
# engagement, retention, study, baselines (14). The baselines' Newton iterations and the survival
# stage's Cox fit (one sweep per iteration each) run side by side in sweeps 2-8; then the
# baselines' AUC keys and DeLong products and the Cox model's concordance keys.
stops=(
    "in step 1 after the pass, after 2 of"   # the engagement histograms of the training date
    "in step 1 after the pass, after 5 of"   # the engagement histograms of the as-of date
    "in step 1 after the pass, after 6 of"   # ... and its retention fits
    "in step 1 after the pass, after 8 of"   # ... and its baselines' RFM moments
    "in step 1 after the pass, after 12 of"  # the retention fits of the backtest date
    "in sweep 1 after the pass, after block 3 of"
    "in step 2 after the pass, after 14 of"  # every stage's step 2 (the first Newton steps), before sweep 2
    "in step 2 after the pass, after 9 of"   # the landmark curves, the Cox model's covariates
    "in sweep 2 after the pass, after block 1 of"
    "in step 3 after the pass, after 7 of"   # the study's reductions of the as-of date
    "in sweep 3 after the pass, after block 2 of"
    "in step 4 after the pass, after 14 of"  # the study's last reductions
    "in step 5 after the pass, after 8 of"   # a Newton step of the as-of date's two fits
    "in sweep 5 after the pass, after block 2 of"  # inside a Newton iteration of the Cox fit
    "in step 6 after the pass, after 9 of"   # a Newton step of the Cox fit
    "in sweep 8 after the pass, after block 2 of"  # the baselines' AUC keys
    "in step 9 after the pass, after 14 of"  # their placement tables
    "in sweep 9 after the pass, after block 1 of"  # the paired DeLong products
    "in step 10 after the pass, after 14 of" # the Cox fit converged
    "in sweep 10 after the pass, after block 2 of"  # the concordance's keys
    "in step 11 after the pass, after 14 of" # nothing left but the report
)
n=0
for stop in "${stops[@]}"; do
    n=$((n + 1))
    out=$tmp/out$n
    ranks=("${mpirun2[@]}")
    [ "$n" -eq 5 ] && ranks=("$mpiexec" --bind-to none -n 1)  # one stop at 1 rank, resumed there
    rc=0
    ENGAGE_TEST_STOP_AT="$stop" "${ranks[@]}" "$engage" "${args[@]}" --output "$out" > "$tmp/stop$n.log" 2>&1 || rc=$?
    [ "$rc" -eq 75 ] || fail "stop \"$stop\": exit $rc, expected 75: $(cat "$tmp/stop$n.log")"
    grep -q "^engage: stopped on request (SIGTERM) $stop" "$tmp/stop$n.log" || fail "stop \"$stop\": $(cat "$tmp/stop$n.log")"
    [ "$(ls -A "$out")" = .engage-checkpoint ] || fail "stop \"$stop\": $out holds $(ls -A "$out")"
    "${ranks[@]}" "$engage" "${args[@]}" --output "$out" > "$tmp/resume$n.log" 2>&1 ||
        fail "resume after \"$stop\" failed: $(cat "$tmp/resume$n.log")"
    step=$(cut -d' ' -f3 <<< "$stop")  # after all stages' step S, the run resumes in sweep S
    grep -q "^engage score: resuming in \(step\|sweep\) $step after " "$tmp/resume$n.log" || fail "did not resume: $(cat "$tmp/resume$n.log")"
    same_as_reference "$out" "stopped $stop"
    echo "stopped $stop ... -> exit 75, resumed, outputs identical"
done
