#!/usr/bin/env bash
# engage generate --company-touches (issue 18 item 1): the same file at 1 and 3 ranks and with a
# codec; engage score reads it; with h5py every answer points back, never later, to a row of
# the right kind; the flagless base has none of it, and the touches change nothing but the
# planted effects (tests/e2e/generate_touches_h5py.py).
# Usage: generate_touches.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run

gen=(generate --customers 3000 --seed 5 --mean-interactions 60)
run 1 1 "${gen[@]}" --company-touches --output "$tmp/touches1.h5"
run 3 2 "${gen[@]}" --company-touches --output "$tmp/touches3.h5"
h5diff "$tmp/touches1.h5" "$tmp/touches3.h5" || fail "generate --company-touches at 3 ranks differs from 1 rank"
# With a codec the columns are written collectively: the same values.
run 2 1 "${gen[@]}" --company-touches --compression deflate --output "$tmp/touches-deflate.h5"
h5diff "$tmp/touches1.h5" "$tmp/touches-deflate.h5" ||
    fail "generate --company-touches --compression deflate differs from the unfiltered file"
run 2 1 "${gen[@]}" --output "$tmp/plain.h5"

/usr/bin/python3 "$(dirname "$0")/generate_touches_h5py.py" "$tmp/touches1.h5" "$tmp/plain.h5"

run 2 1 score --input "$tmp/touches1.h5" --window-days 200 --output "$tmp/scored" ||
    fail "engage score does not read the base generated with --company-touches"
grep -q '"customers": 3000' "$tmp/scored/report.json" || fail "report.json does not count 3000 customers"
echo "touches: identical at 1 and 3 ranks and with deflate; answers point back to the right kinds; scored"
