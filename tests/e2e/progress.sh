#!/usr/bin/env bash
# Every phase visible (issue 16, item 3): on 200,000 customers with the retention study and a
# backtest date at 2 ranks, stderr never stays silent for more than 10 s (from the start to the
# first line, between two lines, from the last line to the exit), every progress line names its
# phase with the elapsed seconds, and no line holds a carriage return. A small run prints few
# lines; -q prints none. A test of the log's timestamps, not of speed.
# Usage: progress.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export OMP_NUM_THREADS=1
unset ENGAGE_PROGRESS_SECONDS

"$engage" generate --customers 200000 --seed 7 --output "$tmp/base.h5" -q
args=(score --input "$tmp/base.h5" --retention --holdout-days 180 --backtest-as-of 2025-03-31)
# Each stderr line stamped with its arrival (progress_gaps.py): the largest silence at most 10 s.
/usr/bin/python3 "$here/progress_gaps.py" "$tmp/stamped.log" 10 -- \
    "$mpiexec" --bind-to none -n 2 "$engage" "${args[@]}" --output "$tmp/out" > "$tmp/gaps.txt" ||
    fail "$(cat "$tmp/gaps.txt")"$'\n'"$(cat "$tmp/stamped.log")"
cat "$tmp/gaps.txt"
# Every line but the exit is a progress line naming its phase.
phase='(opening .*|pass over the data|step [0-9]+ after the pass, stage [0-9]+ of [0-9]+ \(.* as of [0-9-]+\)'
phase+='|sweep [0-9]+ \(.* as of [0-9-]+\)|retention fits as of [0-9-]+: [A-Za-z/-]+ on [0-9]+ groups of summaries of all ranks'
phase+='|retention predictions as of [0-9-]+ for [0-9]+ distinct summaries|closing customers\.h5|writing customers\.csv'
phase+='|writing accounts_at_risk\.csv|writing report\.json and the CSV tables|committing the outputs)'
others=$(sed '$d' "$tmp/stamped.log" | cut -c10- | grep -Ev "^score \[ *[0-9]+\.[0-9] s\] $phase: " || true)
[ -z "$others" ] || fail "lines that do not name a phase:"$'\n'"$others"
# At least one line per 10 s of the run, and one at least once the run outlasts the default
# interval (5 s, plus 1 s for mpirun's start): how many a run gets depends on its speed (a quiet
# machine here ran it in 10.4 s and printed 2; since the retention fits keep their terms per
# (x, y), 3.9 s and none), the density not. The interval-0 run below names every phase.
end=$(tail -n 1 "$tmp/stamped.log" | awk '{ printf "%d", $1 }')
want=$((end / 10 > 1 ? end / 10 : (end >= 6 ? 1 : 0)))
[ "$(($(wc -l < "$tmp/stamped.log") - 1))" -ge "$want" ] ||
    fail "fewer than $want progress lines in a run of $end s: $(cat "$tmp/stamped.log")"
if grep -q $'\r' "$tmp/stamped.log"; then fail "a carriage return in the log"; fi
grep -q '"study"' "$tmp/out/report.json" || fail "the run had no study"

# A small run: a line at most every 5 s (the default) and a last one per phase shown.
"$engage" generate --customers 2000 --seed 7 --output "$tmp/small.h5" -q
start=$SECONDS
"$mpiexec" --bind-to none -n 2 "$engage" "${args[@]/base.h5/small.h5}" --output "$tmp/small" 2> "$tmp/small.err" > /dev/null
most=$((2 * ((SECONDS - start) / 5 + 1)))
[ "$(wc -l < "$tmp/small.err")" -le "$most" ] || fail "a small run printed more than $most lines: $(cat "$tmp/small.err")"
# A line at the start of every phase and at every update: every line names a listed phase, so a
# phase added without a name here fails every time, not only when a 5 s tick lands in it.
ENGAGE_PROGRESS_SECONDS=0 "$mpiexec" --bind-to none -n 2 "$engage" "${args[@]/base.h5/small.h5}" --output "$tmp/every" \
    2> "$tmp/every.err" > /dev/null
others=$(grep -Ev "^score \[ *[0-9]+\.[0-9] s\] $phase: " "$tmp/every.err" || true)
[ -z "$others" ] || fail "at interval 0, lines that do not name a phase:"$'\n'"$others"
for name in 'pass over the data' 'sweep 1' 'retention fits as of' 'closing customers.h5' 'writing accounts_at_risk.csv' \
    'writing report.json and the CSV tables' 'committing the outputs'; do
    grep -qF "] $name" "$tmp/every.err" || fail "at interval 0, no line for $name: $(cat "$tmp/every.err")"
done
# -q: nothing on stderr, even with a line asked for at every update.
ENGAGE_PROGRESS_SECONDS=0 "$mpiexec" --bind-to none -n 2 "$engage" "${args[@]/base.h5/small.h5}" --output "$tmp/quiet" -q \
    2> "$tmp/quiet.err" > /dev/null
[ ! -s "$tmp/quiet.err" ] || fail "-q printed: $(cat "$tmp/quiet.err")"
echo "progress: $(($(wc -l < "$tmp/stamped.log") - 1)) lines, $(cat "$tmp/gaps.txt"); small run $(wc -l < "$tmp/small.err") lines, $(wc -l < "$tmp/every.err") at interval 0, -q none"
