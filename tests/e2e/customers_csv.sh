#!/usr/bin/env bash
# customers.csv (issue 15, item 3): the per-customer table equals customers.h5 row for row and
# column for column (customers_csv.py), is the same bytes at 1 and 3 ranks, 2 threads and
# --memory-per-rank 1M (many small blocks, text formatted twice), keeps the original ids of a
# base with /customers/name (quoted where they hold a comma or a quote), leaves the retention
# columns empty without --retention, and prints a hand-checked base as worked out by hand.
# Usage: customers_csv.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run
py=/usr/bin/python3
check=$(dirname "$0")/customers_csv.py

run 1 1 generate --customers 3000 --seed 11 --mean-interactions 40 --output "$tmp/base.h5"
args=(score --input "$tmp/base.h5" --window-days 200 --shard-interactions 5000 --shard-customers 150 --retention
      --opportunity-days 30)
run 1 1 "${args[@]}" --output "$tmp/r1"
run 3 1 "${args[@]}" --output "$tmp/r3"
run 2 2 "${args[@]}" --memory-per-rank 1M --output "$tmp/m1"
run 1 2 "${args[@]}" --output "$tmp/t2"
cmp "$tmp/r1/customers.csv" "$tmp/r3/customers.csv" || fail "customers.csv differs at 3 ranks"
cmp "$tmp/r1/customers.csv" "$tmp/t2/customers.csv" || fail "customers.csv differs at 2 threads (blocks formatted in two pieces)"
cmp "$tmp/r1/customers.csv" "$tmp/m1/customers.csv" || fail "customers.csv differs at 2 ranks x 2 threads, 1M per rank"
[ "$(wc -l < "$tmp/r1/customers.csv")" -eq 3001 ] || fail "customers.csv: not a header and 3000 rows"
$py "$check" "$tmp/r1" "$tmp/base.h5"
ls -A "$tmp/r3" | grep -q '^\.' && fail "left behind in $tmp/r3: $(ls -A "$tmp/r3")"

# Without --retention: the same columns, the last eight empty.
run 2 1 score --input "$tmp/base.h5" --window-days 200 --output "$tmp/plain"
$py "$check" "$tmp/plain" "$tmp/base.h5"
[ "$(head -1 "$tmp/plain/customers.csv")" = "$(head -1 "$tmp/r1/customers.csv")" ] || fail "another header without --retention"
[ "$(sed -n 2p "$tmp/plain/customers.csv" | cut -d, -f32-)" = ",,,,,,," ] || fail "retention columns not empty without --retention"
# --no-customers-csv: no table, and the earlier run's table in the same directory goes with it
run 2 1 score --input "$tmp/base.h5" --window-days 200 --output "$tmp/plain" --no-customers-csv
[ -e "$tmp/plain/customers.csv" ] && fail "--no-customers-csv left a customers.csv"
[ -s "$tmp/plain/customers.h5" ] || fail "--no-customers-csv: no customers.h5"

# String ids: /customers/name in the base (variable-length UTF-8, as h5py writes a str).
cp "$tmp/base.h5" "$tmp/named.h5"
$py - "$tmp/named.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "a") as f:
    n = f["customers/id"].shape[0]
    names = [f"ACC-{i:05d}" for i in range(n)]
    names[1] = 'ACC, "quoted"'
    f["customers/name"] = names
PY
run 1 1 score --input "$tmp/named.h5" --window-days 200 --output "$tmp/named1"
run 3 1 score --input "$tmp/named.h5" --window-days 200 --output "$tmp/named3"
cmp "$tmp/named1/customers.csv" "$tmp/named3/customers.csv" || fail "customers.csv with names differs at 3 ranks"
$py "$check" "$tmp/named1" "$tmp/named.h5"
sed -n 2p "$tmp/named1/customers.csv" | grep -q '^ACC-00000,' || fail "first id not ACC-00000"
sed -n 3p "$tmp/named1/customers.csv" | grep -q '^"ACC, ""quoted""",' || fail "an id with a comma and a quote not quoted"

# By hand: the two customers of docs/data-format.md's example, as-of 2024-02-11 (day 41),
# 30-day window (days 12-41). Customer 1000 bought on days 10 and 41 (19.99, 5.01) and answered
# 9 on day 40; customer 1004 (acquired on day 3) logged in on day 5 only.
$py - "$tmp/tiny.h5" <<'PY'
import sys, h5py, numpy as np
DAY = 86400
kinds = ["purchase", "usage", "support", "complaint", "survey", "review", "referral", "event",
         "community", "idea", "idea_vote", "content", "social", "cocreation"]
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["schema_version"] = np.int64(1)
    f.attrs["time_unit"] = "seconds"
    f.attrs["epoch"] = "2024-01-01"
    c = f.create_group("customers")
    c["id"] = np.array([1000, 1004], dtype=np.uint64)
    c["acquisition_day"] = np.array([0, 3], dtype=np.int32)
    c["rm"] = np.zeros(2, dtype=np.uint32)
    c["region"] = np.zeros(2, dtype=np.uint32)
    c["business_unit"] = np.array([0, 1], dtype=np.uint32)
    c["segment"] = np.array([0, 2], dtype=np.uint8)
    c["wallet"] = np.array([2500.0, np.nan])
    c["rm_names"] = np.array([b"RM 1"])
    c["region_names"] = ["North"]
    c["business_unit_names"] = ["Retail", "Corporate"]
    c["segment_names"] = ["consumer", "small_business", "enterprise"]
    i = f.create_group("interactions")
    time = np.array([10 * DAY, 40 * DAY + 3600, 41 * DAY, 5 * DAY], dtype=np.int64)
    i["offsets"] = np.array([0, 3, 4], dtype=np.uint64)
    t = i.create_dataset("time", data=time)
    t.attrs["first_time"] = np.int64(time.min())
    t.attrs["last_time"] = np.int64(time.max())
    i["channel"] = np.array([0, 4, 0, 1], dtype=np.uint8)
    i["value"] = np.array([19.99, 9, 5.01, 1], dtype=np.float64)
    ch = f.create_group("channels")
    ch["code"] = np.arange(len(kinds), dtype=np.uint8)
    ch["name"] = kinds
    ch["kind"] = kinds
PY
run 1 1 score --input "$tmp/tiny.h5" --window-days 30 --output "$tmp/tiny"
$py "$check" "$tmp/tiny" "$tmp/tiny.h5"
# customer_id .. active_months, then last_nps: the fields worked out by hand.
row() { sed -n "$1p" "$tmp/tiny/customers.csv" | cut -d, -f1-17,21; }
[ "$(row 2)" = "1000,Retail,North,RM 1,consumer,2500.0,2024-01-01,41,0,0,1,5.01,2,3,2,1,1,9" ] ||
    fail "customer 1000: $(row 2)"
[ "$(row 3)" = "1004,Corporate,North,RM 1,enterprise,,2024-01-04,38,,36,0,0.0,0,1,0,0,0," ] ||
    fail "customer 1004: $(row 3)"
echo "customers_csv: customers.csv equals customers.h5, identical at 1 and 3 ranks, 2 threads and 1M per rank"
