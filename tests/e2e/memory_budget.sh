#!/usr/bin/env bash
# The memory budget changes where per-customer state lives, never a result (issue 11): a tiny
# --memory-per-rank forces the spill stores to scratch files and the sweeps into many small
# blocks, and report.json, every CSV table and customers.h5 must still equal the run with the
# default budget, at 1-4 ranks and 1-2 threads, with and without the retention study and a
# backtest date. run.json says how much spilled (0 with the default budget on this small base).
# Usage: memory_budget.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run
spilled() { sed -n 's/.*"spilled_bytes_all_ranks": \([0-9]*\).*/\1/p' "$1/run.json"; }
same() { # REF OUT WHAT
    local f
    [ "$(cd "$1" && ls)" = "$(cd "$2" && ls)" ] || fail "$3: other files: $(ls "$2")"
    for f in "$1"/report.json "$1"/*.csv; do
        cmp "$f" "$2/${f##*/}" || fail "$3: ${f##*/} differs from the default budget"
    done
    h5diff "$1/customers.h5" "$2/customers.h5" || fail "$3: customers.h5 differs from the default budget"
}

run 1 1 generate --customers 20000 --seed 9 --mean-interactions 20 --output "$tmp/base.h5"
plain=(score --input "$tmp/base.h5" --shard-customers 500)
study=("${plain[@]}" --retention --holdout-days 120 --opportunity-days 30 --backtest-as-of 2025-03-31)
for name in plain study; do
    declare -n args=$name
    run 1 1 "${args[@]}" --output "$tmp/$name-ref"
    [ "$(spilled "$tmp/$name-ref")" = 0 ] || fail "$name: the default budget spilled on a small base"
    for layout in "1 1" "2 2" "3 1" "4 1"; do
        set -- $layout
        out=$tmp/$name-$1x$2
        run "$1" "$2" "${args[@]}" --memory-per-rank 1M --output "$out"
        [ "$(spilled "$out")" -gt 0 ] || fail "$name at $1 x $2: --memory-per-rank 1M spilled nothing"
        same "$tmp/$name-ref" "$out" "$name at $1 ranks x $2 threads, 1M per rank"
        ls -A "$out" | grep -q '^\.' && fail "$name: left behind in $out: $(ls -A "$out")"
    done
    echo "memory_budget: $name: identical outputs with 1M per rank ($(spilled "$tmp/$name-1x1") bytes spilled at 1 rank)"
done
# With retention on, the hierarchy summary is built in a later sweep, from the records scored
# again: the engagement section and its tables are those of the run without retention at the
# same as-of date (the study's default as-of is the last day less the holdout).
as_of=$(sed -n 's/^  "as_of": "\([0-9-]*\)",$/\1/p' "$tmp/study-ref/report.json")
[ -n "$as_of" ] || fail "no as_of in the study's report.json"
run 2 1 "${plain[@]}" --as-of "$as_of" --output "$tmp/plain-as-of"
for f in engagement.csv tier_migration.csv score_distribution.csv accounts_at_risk.csv; do
    cmp "$tmp/plain-as-of/$f" "$tmp/study-ref/$f" || fail "$f differs with --retention"
done
section() { python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["engagement"]))' "$1"; }
[ "$(section "$tmp/plain-as-of/report.json")" = "$(section "$tmp/study-ref/report.json")" ] ||
    fail "report.json's engagement section differs with --retention"
echo "memory_budget: the engagement section is the same with and without --retention"

# 667 relationship managers: at 1M per rank their groups do not fit at once, and the
# engagement stage builds them range by range, a sweep each, kept on rank 0 once reduced
# (jobs/engagement_stage.hpp). The outputs equal those of the default budget's one range, with
# and without the study (whose summary is built in a later sweep).
ranges() { sed -n 's/.*"relationship_manager_ranges": \([0-9]*\).*/\1/p' "$1/run.json"; }
run 1 1 generate --customers 20000 --seed 9 --mean-interactions 20 --customers-per-rm 30 --output "$tmp/managers.h5"
managers=(score --input "$tmp/managers.h5" --shard-customers 500)
managers_study=("${managers[@]}" --retention --holdout-days 120 --opportunity-days 30 --backtest-as-of 2025-03-31)
for name in managers managers_study; do
    declare -n args=$name
    run 2 1 "${args[@]}" --output "$tmp/$name-ref"
    [ "$(ranges "$tmp/$name-ref")" = 1 ] || fail "$name: the default budget built the managers in $(ranges "$tmp/$name-ref") ranges"
    for layout in "1 1" "2 2" "3 1"; do
        set -- $layout
        out=$tmp/$name-$1x$2
        run "$1" "$2" "${args[@]}" --memory-per-rank 1M --output "$out"
        [ "$(ranges "$out")" -ge 3 ] || fail "$name at $1 x $2: 1M per rank built the managers in $(ranges "$out") ranges"
        same "$tmp/$name-ref" "$out" "$name at $1 ranks x $2 threads, 1M per rank, $(ranges "$out") ranges of managers"
        ls -A "$out" | grep -q '^\.' && fail "$name: left behind in $out: $(ls -A "$out")"
    done
    echo "memory_budget: $name: identical outputs with the managers in $(ranges "$tmp/$name-1x1") ranges at 1M per rank"
done
