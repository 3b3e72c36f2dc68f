#!/usr/bin/env bash
# Offered vs chosen engagement (issue 18, items 2 and 4): on a hand-planned schema-2 base of 40
# customers (touches.py: offers answered once, twice or never, tickets answered in 1 minute to 40
# days or never, ideas commented, evaluated and implemented, two business units), every touches
# measure in customers.csv, report.json and touches.csv equals an independent recomputation from
# the rows; the outputs are the same bytes at 1, 2, 3 and 4 ranks (and 2 threads); a stop and
# resume after a round gives the same outputs; a base without answers says so (nulls, empty
# fields); and a base without initiator, answers or company kinds gets no touches section, no
# touches.csv and no new columns.
# Usage: touches.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run
py=/usr/bin/python3
check=$(dirname "$0")/touches.py

$py "$check" write "$tmp/base.h5"
args=(score --input "$tmp/base.h5" --as-of 2024-04-29 --window-days 60 --trend-days 30 --min-group-size 10
      --shard-customers 7 --shard-interactions 100)
run 1 1 "${args[@]}" --output "$tmp/r1"
$py "$check" check "$tmp/r1" "$tmp/base.h5"
grep -q 'data-table="touches-business-units"' "$tmp/r1/report.html" || fail "no touches table in report.html"
for n in 2 3 4; do
    run "$n" 1 "${args[@]}" --output "$tmp/r$n"
    for f in report.json touches.csv customers.csv engagement.csv; do
        cmp "$tmp/r1/$f" "$tmp/r$n/$f" || fail "$f differs at $n ranks"
    done
done
run 2 2 "${args[@]}" --output "$tmp/t2"
cmp "$tmp/r1/customers.csv" "$tmp/t2/customers.csv" || fail "customers.csv differs at 2 ranks x 2 threads"
cmp "$tmp/r1/report.json" "$tmp/t2/report.json" || fail "report.json differs at 2 ranks x 2 threads"

# Hand-checked (touches.py hand 0 5): customer 1 (row 2) asked on day 118 and was answered on day 121,
# after the as-of date: 1 ticket, 0 answered, 0 % within 5 minutes; customer 6 (row 7) was first
# answered after 180 s and resolved 5,000 s later (5,180 s).
col() { # row, column name
    awk -F, -v r="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } NR == r { print $k }' \
        "$tmp/r1/customers.csv"
}
[ "$(col 2 tickets),$(col 2 tickets_answered),$(col 2 within_5min_share),$(col 2 first_response_median)" = "1,0,0.0," ] ||
    fail "customer 1's ticket: $(col 2 tickets),$(col 2 tickets_answered),$(col 2 within_5min_share)"
[ "$(col 7 first_response_median),$(col 7 resolution_median),$(col 7 within_5min_share)" = "180.0,5180.0,1.0" ] ||
    fail "customer 6's ticket: $(col 7 first_response_median),$(col 7 resolution_median)"

# Stopped in the pass (after round 2) and after the touches stage's reduction (stage 4 of 4:
# features, summary, engagement, touches), then resumed: the same outputs.
for stop in "after round 2 of" "in step 1 after the pass, after 4 of"; do
    rm -rf "$tmp/stop"
    rc=0
    ENGAGE_TEST_STOP_AT="$stop" OMP_NUM_THREADS=1 "$mpiexec" --bind-to none -n 2 "$engage" "${args[@]}" \
        --output "$tmp/stop" > "$tmp/stop.log" 2>&1 || rc=$?
    [ "$rc" -eq 75 ] || fail "stop \"$stop\": exit $rc, expected 75: $(cat "$tmp/stop.log")"
    run 2 1 "${args[@]}" --output "$tmp/stop"
    for f in report.json touches.csv customers.csv; do
        cmp "$tmp/r1/$f" "$tmp/stop/$f" || fail "$f differs after a stop \"$stop\" and resume"
    done
    h5diff "$tmp/r1/customers.h5" "$tmp/stop/customers.h5" > /dev/null || fail "customers.h5 differs after \"$stop\""
done

# Without the answers column (initiator kept): responses unknown, reported as null / empty.
$py - "$tmp/base.h5" "$tmp/noanswers.h5" <<'PY'
import sys, shutil, h5py
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "a") as f:
    del f["interactions/answers"]
PY
run 2 1 score --input "$tmp/noanswers.h5" --as-of 2024-04-29 --window-days 60 --trend-days 30 --output "$tmp/na"
$py - "$tmp/na" <<'PY'
import sys, json, csv
t = json.load(open(sys.argv[1] + "/report.json"))["touches"]
c = t["corporate"]
assert t["answers_known"] is False, t["answers_known"]
assert c["offered_vs_chosen"]["offers"] == 19 and c["offered_vs_chosen"]["response_rate"] is None, c["offered_vs_chosen"]
assert c["support"]["tickets"] == 15 and c["support"]["answered"] is None, c["support"]
assert c["support"]["first_response_median_seconds"] is None and c["ideas"]["commented"] is None, c
rows = list(csv.DictReader(open(sys.argv[1] + "/customers.csv")))
assert all(r["offers_answered"] == "" and r["within_5min_share"] == "" for r in rows)
import h5py
with h5py.File(sys.argv[1] + "/customers.h5", "r") as f:
    a, o = f["touches/offers_answered"], f["touches/offers"]
    assert a.attrs["_FillValue"] == -1 and (a[...] == -1).all(), "offers_answered: not unknown (-1)"
    assert "_FillValue" not in o.attrs and o[...].sum() == 19, "offers: a _FillValue or not 19 offers"
    assert a.attrs["units"] in (b"count", "count") and len(a.attrs["description"]) > 0
PY

# A base without initiator, answers or company kinds: no touches anywhere.
$py - "$tmp/base.h5" "$tmp/plain.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as src, h5py.File(sys.argv[2], "w") as f:
    for k, v in src.attrs.items():
        f.attrs[k] = v
    f.attrs["schema_version"] = np.int64(1)
    src.copy("customers", f)
    ch = src["interactions/channel"][...]
    keep = ch < 14  # the customer's kinds only
    off = src["interactions/offsets"][...]
    counts = [int(keep[off[k]:off[k + 1]].sum()) for k in range(len(off) - 1)]
    g = f.create_group("interactions")
    g["offsets"] = np.concatenate([[0], np.cumsum(counts)]).astype(np.uint64)
    t = g.create_dataset("time", data=src["interactions/time"][...][keep])
    t.attrs["first_time"] = np.int64(t[...].min())
    t.attrs["last_time"] = np.int64(t[...].max())
    g["channel"] = ch[keep]
    g["value"] = src["interactions/value"][...][keep]
    c = f.create_group("channels")
    c["code"] = np.arange(14, dtype=np.uint8)
    c["name"] = [n.decode() if isinstance(n, bytes) else n for n in src["channels/name"][:14]]
    c["kind"] = [n.decode() if isinstance(n, bytes) else n for n in src["channels/kind"][:14]]
PY
run 2 1 score --input "$tmp/plain.h5" --as-of 2024-04-29 --window-days 60 --output "$tmp/plain"
[ -e "$tmp/plain/touches.csv" ] && fail "touches.csv for a base without touches"
grep -q '"touches"' "$tmp/plain/report.json" && fail "a touches section for a base without touches"
grep -q 'id="touches"' "$tmp/plain/report.html" && fail "a touches section in report.html without touches"
head -1 "$tmp/plain/customers.csv" | grep -q 'offers' && fail "touches columns in customers.csv without touches"
$py -c "import h5py, sys; sys.exit('touches' in h5py.File('$tmp/plain/customers.h5', 'r'))" ||
    fail "a /touches group in customers.h5 without touches"

# 500 relationship managers: at 1M per rank their engagement and touches groups do not fit at
# once, and both stages build them range by range (jobs/touches_stage.hpp: the touches of a
# later range's customers kept as compact records, read again in that range's sweep). The
# outputs equal those of the default budget's one range at 1-3 ranks and 1-2 threads, with the
# retention study and a backtest date too, and after stops in the first range sweep and between
# ranges.
ranges() { sed -n 's/.*"relationship_manager_ranges": \([0-9]*\).*/\1/p' "$1/run.json"; }
run 1 1 generate --customers 6000 --seed 4 --mean-interactions 30 --customers-per-rm 12 --company-touches \
    --output "$tmp/managers.h5"
managers=(score --input "$tmp/managers.h5" --shard-customers 400)
run 2 1 "${managers[@]}" --output "$tmp/m-ref"
[ "$(ranges "$tmp/m-ref")" = 1 ] || fail "the default budget built the managers in $(ranges "$tmp/m-ref") ranges"
same_as_one_range() { # DIR WHAT
    local f
    for f in report.json touches.csv engagement.csv accounts_at_risk.csv customers.csv; do
        cmp "$tmp/m-ref/$f" "$1/$f" || fail "$2: $f differs from the default budget's"
    done
    h5diff "$tmp/m-ref/customers.h5" "$1/customers.h5" > /dev/null || fail "$2: customers.h5 differs"
}
$py - "$tmp/m-ref/report.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["touches"]["relationship_managers"]
assert len(m["groups"]) > 300, len(m["groups"])  # most managers shown, from the splice
PY
for layout in "1 1" "2 2" "3 1"; do
    set -- $layout
    run "$1" "$2" "${managers[@]}" --memory-per-rank 1M --output "$tmp/m-$1x$2"
    [ "$(ranges "$tmp/m-$1x$2")" -ge 3 ] || fail "1M per rank built the managers in $(ranges "$tmp/m-$1x$2") ranges"
    same_as_one_range "$tmp/m-$1x$2" "$1 ranks x $2 threads, $(ranges "$tmp/m-$1x$2") ranges of managers"
done
# With the retention study and a backtest date (the touches stage's sweeps beside theirs).
study=("${managers[@]}" --retention --holdout-days 120 --opportunity-days 30 --backtest-as-of 2025-03-31)
run 2 1 "${study[@]}" --output "$tmp/s-ref"
run 3 1 "${study[@]}" --memory-per-rank 1M --output "$tmp/s-1M"
[ "$(ranges "$tmp/s-1M")" -ge 3 ] || fail "the study at 1M per rank built the managers in $(ranges "$tmp/s-1M") ranges"
for f in "$tmp"/s-ref/report.json "$tmp"/s-ref/*.csv; do
    cmp "$f" "$tmp/s-1M/${f##*/}" || fail "with the study, ${f##*/} differs in $(ranges "$tmp/s-1M") ranges of managers"
done
h5diff "$tmp/s-ref/customers.h5" "$tmp/s-1M/customers.h5" > /dev/null || fail "with the study, customers.h5 differs in ranges"
# Stages: features, summary, engagement, touches. Range 1 is built in sweep 1 and reduced in
# step 2; range 2 in sweep 2, reduced in step 3.
for stop in "in sweep 1 after the pass, after block 1 of" "in step 2 after the pass, after 4 of" \
            "in step 3 after the pass, after 3 of" "in sweep 2 after the pass, after block 2 of"; do
    rm -rf "$tmp/m-stop"
    rc=0
    ENGAGE_TEST_STOP_AT="$stop" OMP_NUM_THREADS=1 "$mpiexec" --bind-to none -n 2 "$engage" "${managers[@]}" \
        --memory-per-rank 1M --output "$tmp/m-stop" > "$tmp/m-stop.log" 2>&1 || rc=$?
    [ "$rc" -eq 75 ] || fail "ranges: stop \"$stop\": exit $rc, expected 75: $(cat "$tmp/m-stop.log")"
    run 2 1 "${managers[@]}" --memory-per-rank 1M --output "$tmp/m-stop"
    same_as_one_range "$tmp/m-stop" "ranges, stopped \"$stop\" and resumed"
done
echo "touches: every measure as recomputed from the rows, identical at 1-4 ranks, after a resume, with the managers in ranges, and absent without touches"
