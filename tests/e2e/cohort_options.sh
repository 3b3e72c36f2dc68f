#!/usr/bin/env bash
# Cohort retention options (issue 17 item 4) through the real executable on a hand-made log of
# five customers: brackets of months, a breakdown by region with small cohorts and groups
# withheld, "on or after" shown, calendar and rolling windows (the latter from a --config
# file). Checks hand-computed cells of cohort_retention.csv (tests/unit/cohort_options_test.cpp
# derives the same matrices), report.json and cohort_retention.csv byte-identical at 1-4 ranks,
# and the messages and exit code of bad cohort options.
# Usage: cohort_options.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
export OMP_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/log.csv" <<'CSV'
id,date,amount,channel
P,2024-01-10,10.00,purchase
P,2024-02-05,5.00,purchase
P,2024-04-20,20.00,purchase
Q,2024-01-31,10.00,purchase
Q,2024-03-01,0,usage
R,2024-02-15,20.00,purchase
R,2024-03-10,10.00,purchase
R,2024-06-30,30.00,purchase
S,2024-03-03,5.00,purchase
T,2024-01-20,40.00,purchase
T,2024-07-02,10.00,purchase
CSV
cat >"$tmp/attributes.csv" <<'CSV'
id,region
P,north
Q,north
R,south
S,south
T,west
CSV
"$engage" import --transactions "$tmp/log.csv" --id-column id --date-column date --amount-column amount \
    --channel-column channel --attributes "$tmp/attributes.csv" --output "$tmp/base.h5" -q

calendar=(score --input "$tmp/base.h5" --as-of 2024-06-30 --retention --cohort-brackets 0,1,3,6 --cohort-by region
          --cohort-min-size 2 --cohort-show on_or_after -q)
printf 'cohort-windows = rolling\ncohort-brackets = 0,1,3,6\ncohort-by = region\n' >"$tmp/rolling.cfg"
rolling=(score --input "$tmp/base.h5" --as-of 2024-06-30 --retention --config "$tmp/rolling.cfg" -q)
for run in calendar rolling; do
    declare -n args=$run
    "$engage" "${args[@]}" --output "$tmp/$run-1"
    for n in 2 3 4; do
        "$mpiexec" --bind-to none -n "$n" "$engage" "${args[@]}" --output "$tmp/$run-$n"
        for f in report.json cohort_retention.csv; do
            cmp "$tmp/$run-1/$f" "$tmp/$run-$n/$f" || fail "$run: $f differs at $n ranks"
        done
    done
done

# Hand-computed cells. Calendar months, brackets 0 | 1-2 | 3-5, as of June 30th (June complete):
#   January cohort P, Q, T: P back in February (k1, $5) and April (k3, $20), Q in March (k2, a
#   visit, $0), T not back (its July purchase is after the as-of day); period-0 revenue $60.
#   February: R alone, March: S alone: fewer than 2 customers, withheld and out of the mean.
# Rolling months from each customer's own day: P's February 5th is still its month 0 (which
# then holds $15), Q's March 1st is its month 1 (from January 31st, month 1 starts February
# 29th); no customer has finished its month 5 by June 30th. Wilson 95 %: 2 of 3 [0.20766,
# 0.93851], 1 of 3 [0.06149, 0.79234].
python3 - "$tmp" <<'PY'
import csv, sys
tmp = sys.argv[1]
def rows(run):
    with open(f"{tmp}/{run}-1/cohort_retention.csv", newline="") as f:
        return list(csv.DictReader(f))
def cell(rs, level, group, cohort, period):
    found = [r for r in rs if r["level"] == level and r["group"] == group and r["cohort"] == cohort
             and r["period"] == str(period)]
    if len(found) != 1:
        sys.exit(f"FAIL: {len(found)} rows for {level},{group},{cohort},{period}")
    return found[0]
def check(r, **want):
    for key, value in want.items():
        got = r[key]
        ok = (got == "") if value is None else (got != "" and abs(float(got) - value) < 1e-9 * max(1, abs(value)) + 5e-6)
        if not ok:
            sys.exit(f"FAIL: {r['level']},{r['group']},{r['cohort']},period {r['period']}: {key} = {got!r}, expected {value}")
cal = rows("calendar")
check(cell(cal, "corporate", "corporate", "2024-01-01", 0), customers=3, active=3, retention=1, eligible=3, revenue=60,
      revenue_retention=1, revenue_per_customer=20, last_period=0)
check(cell(cal, "corporate", "corporate", "2024-01-01", 1), customers=3, active=2, retention=2/3, rolling_retention=2/3,
      last_period=2, eligible=3, retention_lower=0.20766, retention_upper=0.93851, revenue=5,
      revenue_retention=5/2/60, revenue_per_customer=5/3)
check(cell(cal, "corporate", "corporate", "2024-01-01", 3), active=1, retention=1/3, rolling_retention=1/3,
      last_period=5, revenue=20, revenue_retention=20/3/60, retention_lower=0.06149, retention_upper=0.79234)
check(cell(cal, "corporate", "corporate", "2024-02-01", 1), customers=None, active=None, retention=None)
check(cell(cal, "corporate", "corporate", "2024-04-01", 1), customers=0, eligible=0, retention=None)
check(cell(cal, "corporate_mean", "corporate", "", 1), customers=3, retention=2/3, rolling_retention=2/3)
check(cell(cal, "corporate_mean", "corporate", "", 3), customers=3, retention=1/3)
# Regions: north (P, Q) 2, south (R, S) 2, west (T) 1: west is folded into "other", and since
# "other" would hold 1 customer, the smaller kept region (north, first of equal sizes) joins it.
other = "other (2 regions)"
groups = {(r["level"], r["group"]) for r in cal}
if groups & {("region", "north"), ("region", "west")} or not {("region", "south"), ("region", other)} <= groups:
    sys.exit(f"FAIL: region groups {sorted(groups)}")
check(cell(cal, "region", other, "2024-01-01", 1), customers=3, active=2)
check(cell(cal, "region", "south", "2024-02-01", 0), customers=None, retention=None)
if not any(r["level"] == "corporate_recurring" for r in cal):
    sys.exit("FAIL: no recurring-entry matrix with calendar windows")
rol = rows("rolling")
check(cell(rol, "corporate", "corporate", "2024-01-01", 0), customers=3, eligible=3, revenue=65)
check(cell(rol, "corporate", "corporate", "2024-01-01", 1), active=1, retention=1/3, rolling_retention=2/3, eligible=3,
      revenue=0, retention_lower=0.06149)
check(cell(rol, "corporate", "corporate", "2024-01-01", 3), eligible=0, retention=None)
check(cell(rol, "corporate", "corporate", "2024-02-01", 1), customers=1, active=0, rolling_retention=1)
check(cell(rol, "corporate_mean", "corporate", "", 1), customers=5, retention=0.2, rolling_retention=0.6)
if any(r["level"] == "corporate_recurring" for r in rol):
    sys.exit("FAIL: a recurring-entry matrix with rolling windows")
PY
grep -q '"windows": "rolling"' "$tmp/rolling-1/report.json" || fail "report.json does not name the rolling windows"
grep -q '"corporate_recurring": null' "$tmp/rolling-1/report.json" || fail "rolling: corporate_recurring is not null"
grep -q '>1-2<' "$tmp/calendar-1/report.html" || fail "report.html has no column of periods 1-2"
grep -q '(withheld)' "$tmp/calendar-1/report.html" || fail "report.html does not mark the withheld cohorts"
grep -q 'active then or later' "$tmp/calendar-1/report.html" || fail "report.html does not show on-or-after retention"

# Bad options: exit 2 and one line naming the option.
bad() {
    local want=$1 rc=0
    shift
    "$engage" score --input "$tmp/base.h5" --output "$tmp/bad" -q "$@" 2>"$tmp/stderr" >/dev/null || rc=$?
    [ "$rc" -eq 2 ] || fail "$*: exit $rc, expected 2"
    [ "$(grep -c . "$tmp/stderr")" -eq 1 ] || fail "$*: not one line: $(cat "$tmp/stderr")"
    grep -qF -- "$want" "$tmp/stderr" || fail "$*: message lacks \"$want\": $(cat "$tmp/stderr")"
}
bad "--cohort-brackets 0,3,2: the bounds must increase" --retention --cohort-brackets 0,3,2
bad '"x" is not a whole number of periods' --retention --cohort-brackets 0,x
bad "at least two bounds" --retention --cohort-brackets 3
bad "give one of them" --retention --cohort-brackets 0,1,3 --cohort-periods 6
bad "--cohort-by tier: allowed: business_unit, region, segment, rm" --retention --cohort-by tier
bad "--cohort-windows sliding: allowed: calendar, rolling" --retention --cohort-windows sliding
bad "--cohort decade: allowed: week, month, quarter, year" --retention --cohort decade
bad "--cohort-show heat: allowed: on, on_or_after, revenue" --retention --cohort-show heat
bad "--cohort-min-size 0: must be at least 1" --retention --cohort-min-size 0
bad "--cohort-windows is an option of the retention study; add --retention" --cohort-windows rolling
printf 'cohort-brackets = 0,2,1\n' >"$tmp/bad.cfg"
bad "--cohort-brackets 0,2,1: the bounds must increase" --retention --config "$tmp/bad.cfg"
[ ! -e "$tmp/bad" ] || fail "a failed run left $tmp/bad"
echo "cohort options: hand-computed cells, identical outputs at 1-4 ranks, bad options refused"
