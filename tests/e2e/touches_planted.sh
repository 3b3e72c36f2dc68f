#!/usr/bin/env bash
# Issue 18's planted effects recovered (tests/e2e/touches_planted.py): on a base generated with
# --company-touches, the offer response rate rises with the planted engagement and slow support
# raises the churn hazard (Cox, interval above 1); the outputs identical at 1-4 ranks.
# Usage: touches_planted.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run

run 2 1 generate --customers 20000 --seed 11 --company-touches --output "$tmp/base.h5"
score=(score --input "$tmp/base.h5" --retention --holdout-days 180)
run 1 1 "${score[@]}" --output "$tmp/o1"
/usr/bin/python3 "$(dirname "$0")/touches_planted.py" "$tmp/base.h5" "$tmp/o1"
for n in 2 3 4; do
    run "$n" 1 "${score[@]}" --output "$tmp/o$n"
    for f in "$tmp/o1"/*.json "$tmp/o1"/*.csv; do  # report.html shows how the run ran, as run.json
        [ "$(basename "$f")" = run.json ] && continue
        cmp -s "$f" "$tmp/o$n/$(basename "$f")" || fail "$(basename "$f") differs between 1 and $n ranks"
    done
    h5diff "$tmp/o1/customers.h5" "$tmp/o$n/customers.h5" >/dev/null ||
        fail "customers.h5 differs between 1 and $n ranks"
done
echo "touches_planted: effects recovered; outputs identical at 1-4 ranks"
