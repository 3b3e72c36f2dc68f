#!/usr/bin/env bash
# End-to-end bad-input tests: every bad input, option or path must end `engage` with the
# documented exit code and one error line naming what is at fault, and leave earlier outputs
# untouched (no .engage-tmp-* directory, no partial file).
#   bash bad_input.sh ENGAGE_EXE CORRUPT_EXE MPIEXEC
# The OMPI_* variables for mpirun as root come from the environment (ctest sets them).
set -u
if [ $# -ne 3 ]; then
    echo "usage: bash bad_input.sh ENGAGE_EXE CORRUPT_EXE MPIEXEC" >&2
    exit 2
fi
engage=$1 corrupt_exe=$2 mpiexec=$3
export OMP_NUM_THREADS=1
# Open MPI: a run without mpirun (a singleton) needs no orted helper; starts about twice as fast.
export OMPI_MCA_ess_singleton_isolated=1
# No shared-file-pointer files: Open MPI's sm component names them after the file's base name in
# a session directory that every singleton shares, so that runs of other tests at the same time
# (ctest -j, another build's tests) on a file of the same name print "mca_sharedfp_sm_component_file_query".
export OMPI_MCA_sharedfp=^sm
tmp=$(mktemp -d "${TMPDIR:-/tmp}/engage-bad-input.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out              # holds the "earlier outputs" every failing score run must leave alone
base=$tmp/base.h5
customers=300
limit=60                  # seconds per case: a case that takes longer is a hang

# Fingerprint of the output directory: every path below it and every file's checksum.
snapshot() { (cd "$out" && find . -mindepth 1 | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
# Leftovers of a run: staging directories, staged files, claims.
leftovers() { find "$tmp" \( -name '.engage-tmp-*' -o -name '*.tmp-*' -o -name '*engage-lock' \) -print; }
. "$(dirname "$0")/expect_lib.sh"  # fail, die, engage_stderr, expect, verdict

# A copy of the good base broken by engage_corrupt: corrupted NAME MODE DATASET [ROW VALUE]
corrupted() {
    local f=$tmp/$1.h5
    cp "$base" "$f" && "$corrupt_exe" "$2" "$f" "${@:3}" || die "engage_corrupt $* failed"
}
value_at() { "$corrupt_exe" get "$base" "$1" "$2" || die "engage_corrupt get $* failed"; }
score1() { "$engage" score --output "$out" -q "$@"; }
score2() { "$mpiexec" --bind-to none -n 2 "$engage" score --output "$out" -q "$@"; }
export engage out mpiexec tmp
export -f score1 score2

start=$(date +%s.%N)
"$engage" generate --customers "$customers" --seed 7 --output "$base" -q || die "engage generate failed"
"$engage" score --input "$base" --output "$out" -q || die "engage score of the good base failed"
baseline=$(snapshot)
interactions=$(value_at /interactions/offsets "$customers")
last_row=$((interactions - 1))
last_day=$(sed -n 's/^  "as_of": "\([0-9-]*\)",$/\1/p' "$out/report.json")  # the default as-of: the last day

# --- input files ---
expect 4 missing_input "missing.h5" "no such file" -- score1 --input "$tmp/missing.h5"
echo "customer_id,value" >"$tmp/text.csv"
expect 3 not_hdf5 "text.csv" "not an HDF5 file" -- score1 --input "$tmp/text.csv"

# --- schema ---
corrupted no_value delete /interactions/value
expect 3 missing_dataset "no_value.h5" "/interactions/value" "is missing" -- score1 --input "$tmp/no_value.h5"
corrupted float_channel retype /interactions/channel
expect 3 wrong_type "float_channel.h5" "/interactions/channel" "32-bit float" "8-bit unsigned integer" -- score1 --input "$tmp/float_channel.h5"
corrupted short_segment shorten /customers/segment
expect 3 wrong_length "short_segment.h5" "/customers/segment" "299 rows, expected 300" -- score1 --input "$tmp/short_segment.h5"

# --- values ---
corrupted ids_unsorted set /customers/id 17 5
expect 3 ids_not_sorted "ids_unsorted.h5" "/customers/id row 17 (0-based)" "smaller than the previous id" -- score1 --input "$tmp/ids_unsorted.h5"
corrupted ids_dup set /customers/id 17 "$(value_at /customers/id 16)"
expect 3 ids_duplicated "ids_dup.h5" "/customers/id row 17 (0-based)" "duplicates the previous id" -- score1 --input "$tmp/ids_dup.h5"
corrupted offsets_down set /interactions/offsets 5 0
expect 3 offset_decreases "offsets_down.h5" "/interactions/offsets row 5 (0-based)" "below the previous offset" -- score1 --input "$tmp/offsets_down.h5"
corrupted offsets_last set /interactions/offsets "$customers" $((interactions + 1))
expect 3 last_offset "offsets_last.h5" "/interactions/offsets row $customers (0-based)" "last offset must equal the number of interactions" -- score1 --input "$tmp/offsets_last.h5"
corrupted channel_14 set /interactions/channel 17 14
expect 3 channel_out_of_range "channel_14.h5" "/interactions/channel row 17 (0-based)" "code 14 is not in /channels" -- score1 --input "$tmp/channel_14.h5"
corrupted value_nan set /interactions/value 17 nan
expect 3 nan_value "value_nan.h5" "/interactions/value row 17 (0-based)" "value nan" -- score1 --input "$tmp/value_nan.h5"
corrupted value_inf set /interactions/value 18 -inf
expect 3 infinite_value "value_inf.h5" "/interactions/value row 18 (0-based)" "value -inf" -- score1 --input "$tmp/value_inf.h5"
corrupted time_negative set /interactions/time 19 -5
expect 3 time_before_epoch "time_negative.h5" "/interactions/time row 19 (0-based)" "time -5 is before the epoch" -- score1 --input "$tmp/time_negative.h5"
# In the file's range but out of order within a customer: the last interaction of the first
# customer from k on whose last interaction is later than its first is given the first's time.
unsorted_row() {  # K: prints "ROW TIME"
    local k=$1 first last
    while [ "$k" -lt "$customers" ]; do
        first=$(value_at /interactions/offsets "$k") last=$(( $(value_at /interactions/offsets $((k + 1))) - 1 ))
        if [ "$last" -gt "$first" ] && [ "$(value_at /interactions/time "$last")" -gt "$(value_at /interactions/time "$first")" ]; then
            echo "$last $(value_at /interactions/time "$first")"
            return
        fi
        k=$((k + 1))
    done
    die "no customer from $1 on with two interactions on different days"
}
read -r last_of_0 time_0 < <(unsorted_row 0)
corrupted time_unsorted_0 set /interactions/time "$last_of_0" "$time_0"
read -r last_of_250 time_250 < <(unsorted_row 250)
corrupted time_unsorted_250 set /interactions/time "$last_of_250" "$time_250"
expect 3 time_not_sorted "time_unsorted_0.h5" "/interactions/time row $last_of_0 (0-based)" "earlier than the previous interaction" -- score1 --input "$tmp/time_unsorted_0.h5"

# --- the same data errors at 2 ranks, 6 shards: all ranks agree, one message, no hang ---
expect 3 missing_dataset_2ranks "no_value.h5" "/interactions/value" "is missing" -- score2 --input "$tmp/no_value.h5"
expect 3 nan_value_2ranks_rank0 "value_nan.h5" "/interactions/value row 17 (0-based)" "value nan" -- score2 --input "$tmp/value_nan.h5" --shard-customers 50
corrupted ids_unsorted_late set /customers/id 250 5
expect 3 ids_not_sorted_2ranks_rank1 "ids_unsorted_late.h5" "/customers/id row 250 (0-based)" -- score2 --input "$tmp/ids_unsorted_late.h5" --shard-customers 50
expect 3 time_not_sorted_2ranks_rank1 "time_unsorted_250.h5" "/interactions/time row $last_of_250 (0-based)" "earlier than the previous interaction" -- score2 --input "$tmp/time_unsorted_250.h5" --shard-customers 50
corrupted value_inf_last set /interactions/value "$last_row" inf
expect 3 infinite_value_2ranks_rank1 "value_inf_last.h5" "/interactions/value row $last_row (0-based)" "value inf" -- score2 --input "$tmp/value_inf_last.h5" --shard-customers 50

# --- options and configuration ---
expect 2 unknown_option "--frobnicate" -- score1 --input "$base" --frobnicate
expect 2 malformed_window "--window-days" "abc" -- score1 --input "$base" --window-days abc
expect 2 malformed_as_of "--as-of 2024-13-45" "YYYY-MM-DD" -- score1 --input "$base" --as-of 2024-13-45
expect 2 as_of_before_data "--as-of 1990-01-01" "outside the data" "base.h5" -- score1 --input "$base" --as-of 1990-01-01
expect 2 as_of_after_data "--as-of 2100-01-01" "outside the data" "base.h5" -- score1 --input "$base" --as-of 2100-01-01
expect 2 backtest_without_holdout "--backtest-as-of needs --holdout-days" -- score1 --input "$base" --retention --backtest-as-of 2024-01-01
# A budget that cannot hold the hierarchy summary every rank keeps (3,000 relationship managers:
# 3.4 MB) says how much it needs, before anything is read.
"$engage" generate --customers 3000 --customers-per-rm 1 --seed 3 --output "$tmp/many_rms.h5" -q || die "engage generate --customers-per-rm 1 failed"
# The managers' groups are built range by range under a small budget (tests/e2e/memory_budget.sh);
# what every rank holds whatever the ranges (their accounts-at-risk lists) must still fit.
expect 2 budget_below_hierarchy "--memory-per-rank 1M" "3000 relationship managers" "at most half the budget" "--memory-per-rank 2M or more" -- score1 --input "$tmp/many_rms.h5" --memory-per-rank 1M
expect 2 backtest_without_retention "--backtest-as-of" "add --retention" -- score1 --input "$base" --backtest-as-of 2024-01-01
expect 2 backtest_malformed "--backtest-as-of 2024-01-01,2024-02-30" "\"2024-02-30\" is not a date" -- score1 --input "$base" --retention --holdout-days 30 --backtest-as-of 2024-01-01,2024-02-30
expect 2 backtest_before_data "--backtest-as-of 1990-01-01" "outside the data" "base.h5" -- score1 --input "$base" --retention --holdout-days 30 --backtest-as-of 1990-01-01
expect 2 holdout_past_data "--holdout-days 30 after --as-of" "goes past the data" "or earlier" -- score1 --input "$base" --retention --holdout-days 30 --as-of "$last_day"
# The training date of the baselines and calibrated weights (issue 12).
cal_as_of=$(date -u -d "$last_day - 60 days" +%F)
expect 2 calibrate_malformed "--calibrate-as-of 2024-02-30" "YYYY-MM-DD" -- score1 --input "$base" --retention --holdout-days 30 --calibrate-as-of 2024-02-30
expect 2 calibrate_without_holdout "--calibrate-as-of needs --holdout-days" -- score1 --input "$base" --retention --calibrate-as-of 2024-01-01
expect 2 calibrate_without_retention "--calibrate-as-of" "add --retention" -- score1 --input "$base" --calibrate-as-of 2024-01-01
expect 2 calibrate_before_data "--calibrate-as-of 1990-01-01" "outside the data" -- score1 --input "$base" --retention --holdout-days 30 --as-of "$cal_as_of" --calibrate-as-of 1990-01-01
expect 2 calibrate_too_late "--calibrate-as-of $(date -u -d "$cal_as_of - 10 days" +%F) must be at least 90 days before the as-of date $cal_as_of" "choose $(date -u -d "$cal_as_of - 90 days" +%F) or earlier" -- score1 --input "$base" --retention --holdout-days 30 --as-of "$cal_as_of" --calibrate-as-of "$(date -u -d "$cal_as_of - 10 days" +%F)"
printf 'window-days = 90\nfrobnicate = 1\n' >"$tmp/bad.cfg"
expect 2 config_unknown_key "bad.cfg" "frobnicate" -- score1 --input "$base" --config "$tmp/bad.cfg"
# The parallel file system's tuning, from the environment (docs/cluster.md): refused before any file opens.
hints_malformed() { ENGAGE_MPIIO_HINTS="striping_factor" score1 "$@"; }
alignment_malformed() { ENGAGE_H5_ALIGNMENT="4X" "$engage" generate --customers 5 --output "$tmp/aligned.h5" -q; }
export -f hints_malformed alignment_malformed
expect 2 mpiio_hints_malformed 'ENGAGE_MPIIO_HINTS="striping_factor"' "is not KEY=VALUE" -- hints_malformed --input "$base"
expect 2 alignment_malformed 'ENGAGE_H5_ALIGNMENT="4X"' "expected a size" -- alignment_malformed

# --- paths ---
echo "a regular file" >"$tmp/afile"
expect 4 output_not_writable "afile/out" "--output" -- "$engage" score --input "$base" --output "$tmp/afile/out" -q
[ "$(cat "$tmp/afile")" = "a regular file" ] || fail "output_not_writable: $tmp/afile was modified"
expect 4 generate_missing_dir "nodir" "--output" -- "$engage" generate --customers 10 --output "$tmp/nodir/base.h5" -q
[ ! -e "$tmp/nodir" ] || fail "generate_missing_dir: $tmp/nodir was created"
expect 2 generate_zero_customers "--customers 0" -- "$engage" generate --customers 0 --output "$tmp/zero.h5" -q
[ -z "$(find "$tmp" -name 'zero.h5*')" ] || fail "generate_zero_customers: a file was written"

# --- more ranks than customers: must succeed, with the 1-rank results ---
"$engage" generate --customers 3 --output "$tmp/three.h5" -q || die "engage generate --customers 3 failed"
expect 0 three_customers_1rank -- "$engage" score --input "$tmp/three.h5" --output "$tmp/three-1" -q
expect 0 three_customers_4ranks -- timeout 60 "$mpiexec" --bind-to none -n 4 "$engage" score --input "$tmp/three.h5" --output "$tmp/three-4" -q
for f in report.json summary.csv features.csv channels.csv; do
    cmp -s "$tmp/three-1/$f" "$tmp/three-4/$f" || fail "three_customers_4ranks: $f differs from the 1-rank run"
done

echo "$cases cases, $failures failures, $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
[ "$failures" -eq 0 ]
