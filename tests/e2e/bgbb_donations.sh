#!/usr/bin/env bash
# BG/BB through the whole job: the donations data of Fader, Hardie & Shang (2010) written as a
# transaction log (bgbb_donations.py), imported, and scored with --retention --opportunity-days
# 365 at 1 and 3 ranks: the published fit and P(alive) values, and identical outputs.
# Usage: bgbb_donations.sh ENGAGE MPIEXEC DONATIONS_DIR
set -euo pipefail
engage=$1
mpiexec=$2
data=$3
here=$(dirname "$0")
if [ ! -f "$data/donations.csv" ]; then echo "skipped: $data/donations.csv is missing"; exit 0; fi
. "$here/run_lib.sh"
/usr/bin/python3 "$here/bgbb_donations.py" log "$data/donations.csv" "$tmp/log.csv"
"$engage" import --transactions "$tmp/log.csv" --output "$tmp/base.h5" -q
args=(score --input "$tmp/base.h5" --as-of 2001-07-01 --retention --opportunity-days 365 --no-customers-csv)
run 1 1 "${args[@]}" --output "$tmp/r1"
/usr/bin/python3 "$here/bgbb_donations.py" check "$data/donations.csv" "$tmp/r1"
run 3 1 "${args[@]}" --output "$tmp/r3"
cmp "$tmp/r1/report.json" "$tmp/r3/report.json" || fail "report.json differs at 3 ranks"
h5diff "$tmp/r1/customers.h5" "$tmp/r3/customers.h5" || fail "customers.h5 differs at 3 ranks"


# A generated base with a holdout: monthly opportunities, the holdout's 4 counted independently.
"$engage" generate --customers 3000 --seed 3 --output "$tmp/gen.h5" -q
args=(score --input "$tmp/gen.h5" --as-of 2025-03-31 --retention --holdout-days 120 --opportunity-days 30 --no-customers-csv)
run 2 1 "${args[@]}" --output "$tmp/g2"
/usr/bin/python3 "$here/bgbb_holdout.py" "$tmp/gen.h5" "$tmp/g2/report.json" 2025-03-31 30 120
run 1 2 "${args[@]}" --output "$tmp/g1"
cmp "$tmp/g1/report.json" "$tmp/g2/report.json" || fail "the generated base's report.json differs between 1 x 2 and 2 x 1"
echo "bgbb_donations: the published BG/BB fit through engage import and engage score; holdout counts as counted from the base; identical across ranks and threads"
