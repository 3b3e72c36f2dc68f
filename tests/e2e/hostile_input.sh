#!/usr/bin/env bash
# End-to-end hostile-input catalogue (issue 13): malformed metadata in otherwise valid bases,
# forged sizes, truncated files, out-of-range options and generator inputs, outputs that would
# replace an input, two jobs at one output, leftovers of killed jobs. Every case runs under a
# timeout and must end with its documented exit code and one error line naming what is at
# fault (or succeed with the right result), leave the earlier outputs byte-identical and leave
# nothing behind (no staging directory, staged file or claim).
#   bash hostile_input.sh ENGAGE_EXE CORRUPT_EXE MPIEXEC
# The OMPI_* variables for mpirun as root come from the environment (ctest sets them).
set -u
if [ $# -ne 3 ]; then
    echo "usage: bash hostile_input.sh ENGAGE_EXE CORRUPT_EXE MPIEXEC" >&2
    exit 2
fi
engage=$1 corrupt_exe=$2 mpiexec=$3
export OMP_NUM_THREADS=1
export OMPI_MCA_ess_singleton_isolated=1  # a run without mpirun starts without orted
# No shared-file-pointer files: Open MPI's sm component names them after the file's base name in
# a session directory that every singleton shares, so that runs of other tests at the same time
# (ctest -j) on a file of the same name print "mca_sharedfp_sm_component_file_query: Error".
export OMPI_MCA_sharedfp=^sm
tmp=$(mktemp -d "${TMPDIR:-/tmp}/engage-hostile.XXXXXX") || exit 1
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
out=$tmp/out          # the earlier outputs of score, which no failing run may touch
base=$tmp/base.h5     # the good base, which no run may touch
csv=$tmp/tx.csv       # a good transaction log, which no run may touch
customers=200
limit=30              # seconds per case: a case that takes longer is a hang
. "$(dirname "$0")/expect_lib.sh"  # fail, die, engage_stderr, expect, verdict

# Fingerprint of the guarded outputs: every path below $out and every checksum, the base, the log.
snapshot() {
    (cd "$out" && find . -mindepth 1 | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
    sha256sum "$base" "$csv"
}
# Leftovers of a run: staging directories, staged files, claims (outside held/, where the
# claim tests hold theirs on purpose).
leftovers() { find "$tmp" -path "$tmp/held" -prune -o \( -name '.engage-tmp-*' -o -name '*.tmp-*' -o -name '*engage-lock' \) -print; }


# A copy of the good base broken by engage_corrupt: corrupted NAME MODE ARGS...
corrupted() {
    local f=$tmp/$1.h5
    cp "$base" "$f" && "$corrupt_exe" "$2" "$f" "${@:3}" || die "engage_corrupt $* failed"
}
value_at() { "$corrupt_exe" get "$base" "$1" "$2" || die "engage_corrupt get $* failed"; }
score1() { "$engage" score --output "$out" -q "$@"; }
score2() { "$mpiexec" --bind-to none -n 2 "$engage" score --output "$out" -q "$@"; }
gen() { "$engage" generate --customers 50 -q "$@"; }
# The result tables of a score run in DIR, without the input path they record.
results() { (cd "$1" && cat summary.csv features.csv channels.csv engagement.csv); }
export engage out mpiexec
export -f score1 score2 gen

start=$(date +%s.%N)
"$engage" generate --customers "$customers" --seed 7 --output "$base" -q || die "engage generate failed"
"$engage" score --input "$base" --output "$out" -q || die "engage score of the good base failed"
{
    echo "customer,date,amount"
    for i in $(seq 1 40); do echo "$((i % 9 + 1)),2024-0$((i % 9 + 1))-1$((i % 10)),$i.50"; done
} >"$csv"
baseline=$(snapshot)
good_results=$(results "$out")

echo "--- (a) metadata of an otherwise valid base: shape, class, string kind, ranges"
for a in "/ epoch one string" "/ time_unit one string" "/ schema_version one integer" \
         "/interactions/time first_time one integer" "/interactions/time last_time one integer" \
         "/customers/wallet known_from one string"; do
    set -- $a
    corrupted "attr_$2" attr-array "$1" "$2"
    expect 3 "attribute_${2}_as_array" "attr_$2.h5" "attribute $2 of $1" "an array of 2 elements" "expected $3 $4" -- score1 --input "$tmp/attr_$2.h5"
done
expect 3 attribute_as_array_2ranks "attr_last_time.h5" "attribute last_time" "an array of 2 elements" -- score2 --input "$tmp/attr_last_time.h5"

for t in rm_names region_names business_unit_names segment_names; do
    corrupted "${t}_2d" strings-2d "/customers/$t"
    expect 3 "${t}_2d" "${t}_2d.h5" "/customers/$t" "shape" "expected a 1-D table of strings" -- score1 --input "$tmp/${t}_2d.h5"
done
corrupted channel_names_2d strings-2d /channels/name
expect 3 channel_names_2d "/channels/name" "expected a 1-D table" -- score1 --input "$tmp/channel_names_2d.h5"
corrupted channel_kinds_2d strings-2d /channels/kind
expect 3 channel_kinds_2d_2ranks "/channels/kind" "expected a 1-D table" -- score2 --input "$tmp/channel_kinds_2d.h5"

# Variable-length strings are a valid way to store a name table (h5py's default): same results.
for t in /customers/rm_names /customers/region_names /channels/name /channels/kind; do
    n=vlen_$(basename "$t")
    corrupted "$n" strings-vlen "$t"
    expect 0 "${n}_accepted" -- "$engage" score --input "$tmp/$n.h5" --output "$tmp/$n.out" -q
    [ "$(results "$tmp/$n.out")" = "$good_results" ] || fail "${n}_accepted: results differ from the fixed-length base"
    rm -rf "$tmp/$n.out"
done

corrupted utf8_ff string-set /customers/business_unit_names 0 $'Con\xffsumer'
expect 3 name_invalid_utf8_byte "/customers/business_unit_names row 0 (0-based)" "byte 3 (0xFF)" "not valid UTF-8" -- score1 --input "$tmp/utf8_ff.h5"
corrupted utf8_overlong string-set /customers/segment_names 1 $'\xc0\xaf'
expect 3 name_overlong_utf8 "/customers/segment_names row 1" "not valid UTF-8" -- score1 --input "$tmp/utf8_overlong.h5"
corrupted utf8_cut string-set /channels/name 2 $'caf\xc3'
expect 3 name_truncated_utf8 "/channels/name row 2" "byte 3 (0xC3)" -- score1 --input "$tmp/utf8_cut.h5"
corrupted utf8_surrogate string-set /customers/region_names 0 $'\xed\xa0\x80'
expect 3 name_utf8_surrogate "/customers/region_names row 0" "not valid UTF-8" -- score2 --input "$tmp/utf8_surrogate.h5"
corrupted utf8_good string-set /customers/rm_names 0 "Zoë Ångström 测试"
expect 0 name_valid_utf8_accepted -- "$engage" score --input "$tmp/utf8_good.h5" --output "$tmp/utf8_good.out" -q
grep -q "Zoë Ångström 测试" "$tmp/utf8_good.out/report.json" || fail "name_valid_utf8_accepted: the name is not in report.json"
rm -rf "$tmp/utf8_good.out"

corrupted last_time_int64_max attr-set /interactions/time last_time 9223372036854775807
expect 3 last_time_near_int64_limit "last_time" "9223372036854775807" "after 9999-12-31" -- score1 --input "$tmp/last_time_int64_max.h5"
corrupted epoch_9999 attr-set / epoch 9999-06-01
expect 3 epoch_year_9999 "epoch 9999-06-01" "after 9999-12-31" -- score1 --input "$tmp/epoch_9999.h5"
corrupted first_negative attr-set /interactions/time first_time -1
expect 3 first_time_negative "first_time <= last_time" -- score1 --input "$tmp/first_negative.h5"
corrupted last_before_first attr-set /interactions/time last_time 0
expect 3 last_time_before_first "first_time <= last_time" -- score1 --input "$tmp/last_before_first.h5"
corrupted epoch_bad attr-set / epoch 2024-02-30
expect 3 epoch_not_a_date "epoch must be a date" "2024-02-30" -- score1 --input "$tmp/epoch_bad.h5"
corrupted unit_ms attr-set / time_unit milliseconds
expect 3 time_unit_not_seconds "time_unit must be \"seconds\"" "milliseconds" -- score1 --input "$tmp/unit_ms.h5"
corrupted schema_3 attr-set / schema_version 3
expect 3 schema_version_3 "schema_version 3" -- score1 --input "$tmp/schema_3.h5"
corrupted acq_min set /customers/acquisition_day 5 -2147483648
expect 3 acquisition_day_int32_min "/customers/acquisition_day row 5 (0-based)" "outside the years 0000..9999" -- score1 --input "$tmp/acq_min.h5"
corrupted acq_max set /customers/acquisition_day 150 2147483647
expect 3 acquisition_day_int32_max_2ranks "/customers/acquisition_day row 150 (0-based)" -- score2 --input "$tmp/acq_max.h5" --shard-customers 50

echo "--- (a) sizes the file cannot hold: checked before anything is allocated"
corrupted forged_customers inflate /customers/id 17179869184
expect 3 customers_2_pow_34_in_a_small_file "/customers/id declares 17179869184" "stores only" -- score1 --input "$tmp/forged_customers.h5"
corrupted forged_interactions inflate /interactions/value 17179869184
expect 3 interactions_2_pow_34_in_a_small_file "/interactions/value declares 17179869184" -- score2 --input "$tmp/forged_interactions.h5"
corrupted forged_names inflate /customers/rm_names 1073741824
expect 3 name_table_2_pow_30 "/customers/rm_names declares 1073741824 strings" -- score1 --input "$tmp/forged_names.h5"
size=$(stat -c %s "$base")
cp "$base" "$tmp/half.h5" && truncate -s $((size / 2)) "$tmp/half.h5"
expect 3 truncated_to_half "half.h5" "truncated" -- score1 --input "$tmp/half.h5"
cp "$base" "$tmp/head.h5" && truncate -s 4096 "$tmp/head.h5"
expect 3 truncated_to_4k_2ranks "head.h5" "truncated" -- score2 --input "$tmp/head.h5"
head -c 8 "$base" >"$tmp/magic.h5"
expect 3 only_the_signature "magic.h5" "damaged" "bad byte number" -- score1 --input "$tmp/magic.h5"
: >"$tmp/empty.h5"
expect 3 empty_file "empty.h5" "not an HDF5 file" -- score1 --input "$tmp/empty.h5"
# Found by the fuzzer (tests/fuzz/regressions/customer_base): variable-length strings whose
# length or global heap object is forged crashed or hung inside HDF5's H5Dread.
fuzzed=$(cd "$(dirname "$0")/../fuzz/regressions/customer_base" && pwd)
expect 3 fuzz_vlen_heap_object_past_collection "/channels/kind row 0" "global heap collection" "more than the collection holds" -- score1 --input "$fuzzed/vlen_heap_object_past_collection"
expect 3 fuzz_vlen_object_not_in_collection "/channels/kind row 0" "is not object 14" "no such object" -- score1 --input "$fuzzed/vlen_object_not_in_collection"
expect 3 fuzz_vlen_string_of_3_gb_2ranks "/channels/kind row 0" "declares a string of 3657433088 bytes" "at most 65536" -- score2 --input "$fuzzed/vlen_string_of_3_gb"

echo "--- (b) options and generator inputs to their real ranges"
expect 2 generate_customers_negative "--customers -1" ">= 0" -- "$engage" generate -q --output "$tmp/g.h5" --customers -1
expect 2 generate_customers_2_pow_64 "customers" -- "$engage" generate -q --output "$tmp/g.h5" --customers 18446744073709551616
expect 2 generate_customers_2_pow_41 "--customers 2199023255552" "at most" -- "$engage" generate -q --output "$tmp/g.h5" --customers 2199023255552
expect 2 generate_mean_inf "--mean-interactions inf" "finite" -- gen --output "$tmp/g.h5" --mean-interactions inf
expect 2 generate_mean_nan "--mean-interactions nan" "finite" -- gen --output "$tmp/g.h5" --mean-interactions nan
expect 2 generate_mean_negative "--mean-interactions" "at least 0" -- gen --output "$tmp/g.h5" --mean-interactions -3
expect 2 generate_mean_1e300 "--mean-interactions" "at most" -- gen --output "$tmp/g.h5" --mean-interactions 1e300
expect 2 generate_history_2_pow_31_minus_1 "--history-days 2147483647" "at most 36600" -- gen --output "$tmp/g.h5" --history-days 2147483647
expect 2 generate_history_2_pow_31 "history-days" -- gen --output "$tmp/g.h5" --history-days 2147483648
expect 2 generate_history_zero "--history-days 0" "at least 1" -- gen --output "$tmp/g.h5" --history-days 0
expect 2 generate_history_past_9999 "--epoch 9990-01-01" "after 9999-12-31" -- gen --output "$tmp/g.h5" --epoch 9990-01-01 --history-days 36500
expect 2 generate_units_2_pow_32 "business-units" -- gen --output "$tmp/g.h5" --business-units 4294967296
expect 2 generate_units_huge "--business-units 100000" "at most 1000" -- gen --output "$tmp/g.h5" --business-units 100000
expect 2 generate_regions_negative "--regions-per-unit -3" -- gen --output "$tmp/g.h5" --regions-per-unit -3
expect 2 generate_rms_too_many "relationship managers" "--customers-per-rm" -- "$engage" generate -q --output "$tmp/g.h5" --customers 100000000 --customers-per-rm 1
expect 2 generate_seed_negative "--seed -1" -- gen --output "$tmp/g.h5" --seed -1
expect 2 score_shard_interactions_negative "--shard-interactions -1" ">= 0" -- score1 --input "$base" --shard-interactions -1
expect 2 score_shard_customers_2_pow_41 "--shard-customers 2199023255552" "at most" -- score1 --input "$base" --shard-customers 2199023255552
expect 2 score_window_2_pow_31 "window-days" -- score1 --input "$base" --window-days 2147483648
expect 2 score_window_negative "--window-days -5" "at least 1" -- score1 --input "$base" --window-days -5
expect 2 score_horizon_absurd "--horizon-weeks 1000000" "at most 5200" -- score1 --input "$base" --retention --horizon-weeks 1000000
expect 2 score_churn_negative "--churn-days -5" -- score1 --input "$base" --retention --churn-days -5
expect 2 score_discount_inf "--discount-rate inf" "finite" -- score1 --input "$base" --retention --discount-rate inf
expect 2 score_holdout_huge "--holdout-days 99999" "at most 36600" -- score2 --input "$base" --retention --holdout-days 99999
mkdir -p "$tmp/cfgdir"
expect 2 config_is_a_directory "--config $tmp/cfgdir" "is a directory" -- score1 --input "$base" --config "$tmp/cfgdir"
printf 'shard-customers = -7\n' >"$tmp/neg.cfg"
expect 2 config_negative_value "neg.cfg: key shard-customers -7" ">= 0" -- score1 --input "$base" --config "$tmp/neg.cfg"
printf '\xef\xbb\xbfwindow-days = 365\n' >"$tmp/bom.cfg"
expect 0 config_with_bom_accepted -- "$engage" score --input "$base" --config "$tmp/bom.cfg" --output "$tmp/bom.out" -q
[ "$(results "$tmp/bom.out")" = "$good_results" ] || fail "config_with_bom_accepted: results differ"
rm -rf "$tmp/bom.out"

# Customers with no interaction at all are never tiered engaged: their signals are at the bottom
# of every distribution (mid-ranks of the ties), and a metric without signal drops out.
column() { h5dump -d "$2" -y -w 0 "$1" | sed -n '/DATA {/,/}/p' | tr -d ' \n' | sed 's/DATA{//;s/}//' | tr ',' '\n'; }
"$engage" generate --customers 300 --mean-interactions 0.05 --seed 4 --output "$tmp/sparse.h5" -q || die "engage generate --mean-interactions 0.05 failed"
expect 0 no_interaction_customers_not_engaged -- "$engage" score --input "$tmp/sparse.h5" --output "$tmp/sparse.out" -q
engaged=$(paste -d' ' <(column "$tmp/sparse.out/customers.h5" /features/interactions_total) \
                      <(column "$tmp/sparse.out/customers.h5" /engagement/tier) | awk '$1 == 0 && ($2 == 0 || $2 == 1)' | wc -l)
silent=$(column "$tmp/sparse.out/customers.h5" /features/interactions_total | grep -cx 0)
[ "$engaged" -eq 0 ] && [ "$silent" -gt 100 ] || fail "no_interaction_customers_not_engaged: $engaged of $silent customers without interactions are (fully) engaged"
rm -rf "$tmp/sparse.out" "$tmp/sparse.h5"

echo "--- (b) outputs that are not directories, or that are an input"
expect 2 score_output_root "--output /" "root directory" -- "$engage" score --input "$base" --output / -q
expect 2 score_output_root_dotdot "root directory" -- "$engage" score --input "$base" --output "$tmp/../../../../../../../.." -q
echo "a regular file" >"$tmp/afile"
expect 2 score_output_is_a_file "--output $tmp/afile" "not a directory" -- "$engage" score --input "$base" --output "$tmp/afile" -q
[ "$(cat "$tmp/afile")" = "a regular file" ] || fail "score_output_is_a_file: $tmp/afile was modified"
expect 2 score_output_is_the_input "--output $tmp/base.h5" "not a directory" -- "$engage" score --input "$base" --output "$base" -q
expect 2 score_output_holds_the_input "customers.h5" "would replace" -- "$engage" score --input "$out/customers.h5" --output "$out" -q
expect 2 generate_output_is_a_directory "--output $tmp/cfgdir" "is a directory" -- gen --output "$tmp/cfgdir"
expect 2 generate_output_root "--output /" "is a directory" -- gen --output /
expect 2 import_output_is_its_input "is the input" "replace the input" -- "$engage" import --transactions "$csv" --output "$csv" -q
expect 2 import_output_is_its_input_respelled "is the input" -- "$engage" import --transactions "$csv" --output "$tmp/cfgdir/../tx.csv" -q
expect 2 import_output_is_a_directory "is a directory" -- "$engage" import --transactions "$csv" --output "$tmp/" -q
expect 4 score_output_deep_under_a_file "afile/a/b/c" -- "$engage" score --input "$base" --output "$tmp/afile/a/b/c" -q
expect 0 score_output_deep_new_path -- "$engage" score --input "$base" --output "$tmp/new/a/b/c/d" -q
[ -f "$tmp/new/a/b/c/d/report.json" ] || fail "score_output_deep_new_path: no report.json"
rm -rf "$tmp/new"

echo "--- (b) import: dates outside a plausible range"
{ echo "customer,date,amount"; cat "$csv" | sed 1d; echo "3,0024-05-01,10.00"; } >"$tmp/typo.csv"
# One bad row of 41 is more than the default --max-bad-rows 1% (issue 15): refused, nothing written.
lines=any expect 3 import_year_typo_refused "line 42" "0024-05-01" "1 of 41 data rows are bad" "--max-bad-rows 1" -- "$engage" import --transactions "$tmp/typo.csv" --output "$tmp/typo.h5" -q
[ ! -e "$tmp/typo.h5" ] || fail "import_year_typo_refused: $tmp/typo.h5 was written"
expect 0 import_year_typo_reported "line 42" "0024-05-01" "outside the plausible range" -- "$engage" import --transactions "$tmp/typo.csv" --output "$tmp/typo.h5" --max-bad-rows 1 -q
[ "$("$corrupt_exe" get "$tmp/typo.h5" /interactions/offsets 9 2>/dev/null)" = 40 ] || fail "import_year_typo_reported: expected 40 interactions"
h5dump -a /epoch "$tmp/typo.h5" 2>/dev/null | grep -q '"2024-01-01"' || fail "import_year_typo_reported: epoch is not 2024-01-01"
rm -f "$tmp/typo.h5"
expect 0 import_min_date_widened -- "$engage" import --transactions "$tmp/typo.csv" --output "$tmp/typo.h5" --min-date 0001-01-01 -q
rm -f "$tmp/typo.h5"
expect 2 import_min_after_max "--min-date 2025-01-01 is after --max-date 2024-01-01" -- "$engage" import --transactions "$csv" --output "$tmp/x.h5" --min-date 2025-01-01 --max-date 2024-01-01 -q
lines=any expect 3 import_every_date_outside "none of its 40 data rows" -- "$engage" import --transactions "$csv" --output "$tmp/x.h5" --max-date 2000-01-01 -q

echo "--- (c) one writer per output"
# This shell holds the claims (flock on its own descriptors), as a running job would.
mkdir -p "$tmp/held"
cp -r "$out" "$tmp/held/out"
echo "engage job on host $(hostname), pid $$, since now" >"$tmp/held/out/.engage-lock"
exec 8<"$tmp/held/out/.engage-lock" && flock -n 8 || die "cannot hold a claim with flock"
exec 9>"$tmp/held/g.h5.engage-lock" && flock -n 9 || die "cannot hold a claim with flock"
before=$(cd "$tmp/held/out" && sha256sum report.json customers.h5)
expect 2 score_output_claimed "output directory $tmp/held/out is being written by another job" "pid $$" "wait for it" -- "$engage" score --input "$base" --output "$tmp/held/out" -q
expect 2 score_output_claimed_2ranks "is being written by another job" -- "$mpiexec" --bind-to none -n 2 "$engage" score --input "$base" --output "$tmp/held/out" -q
[ "$(cd "$tmp/held/out" && sha256sum report.json customers.h5)" = "$before" ] || fail "score_output_claimed: the held outputs changed"
[ -z "$(find "$tmp/held/out" -name '.engage-tmp-*')" ] || fail "score_output_claimed: a staging directory was left"
expect 2 generate_output_claimed "output file $tmp/held/g.h5 is being written by another job" -- gen --output "$tmp/held/g.h5"
expect 2 import_output_claimed "output file $tmp/held/g.h5 is being written" -- "$engage" import --transactions "$csv" --output "$tmp/held/g.h5" -q
[ ! -e "$tmp/held/g.h5" ] || fail "generate_output_claimed: a file was written"
exec 8<&- 9>&-
rm -rf "$tmp/held"
# A real second job while the first runs: the second fails fast, the first succeeds.
"$engage" generate --customers 30000 --seed 3 --output "$tmp/big.h5" -q || die "engage generate of the big base failed"
rm -f "$tmp"/big.h5.engage-lock
"$engage" score --input "$tmp/big.h5" --output "$tmp/race" -q --retention & first=$!
for _ in $(seq 1 100); do [ -e "$tmp/race/.engage-lock" ] && break; sleep 0.05; done
if [ -e "$tmp/race/.engage-lock" ]; then
    cases=$((cases + 1))
    timeout -k 5 "$limit" "$engage" score --input "$base" --output "$tmp/race" -q 2>"$tmp/stderr"; rc=$?
    wait "$first"; rc1=$?
    if [ "$rc" -eq 2 ] && grep -qF "is being written by another job" "$tmp/stderr" && [ "$rc1" -eq 0 ] &&
        [ -f "$tmp/race/report.json" ] && [ -z "$(leftovers)" ]; then
        echo "ok   two_scores_at_one_output (second exit 2, first exit 0)"
    else
        fail "two_scores_at_one_output: second exit $rc, first exit $rc1, left: $(leftovers)"; cat "$tmp/stderr"
    fi
else
    wait "$first"; echo "SKIP two_scores_at_one_output: the first job ended before the second started"
fi
rm -rf "$tmp/race" "$tmp/big.h5"
# Claims and partial files that killed jobs left behind are taken over and removed.
echo "engage job on host $(hostname), pid 999999999, since 2020-01-01T00:00:00Z" >"$tmp/stale.h5.engage-lock"
head -c 5000 /dev/urandom >"$tmp/stale.h5.tmp-424242"
expect 0 generate_over_stale_claim_and_partial_file -- gen --output "$tmp/stale.h5"
[ -f "$tmp/stale.h5" ] || fail "generate_over_stale_claim_and_partial_file: no file written"
rm -f "$tmp/stale.h5"
mkdir -p "$tmp/stale_out" && echo "engage job on host $(hostname), pid 999999999" >"$tmp/stale_out/.engage-lock"
mkdir -p "$tmp/stale_out/.engage-tmp-424242" && echo partial >"$tmp/stale_out/.engage-tmp-424242/customers.h5"
expect 0 score_over_stale_claim_and_staging -- "$engage" score --input "$base" --output "$tmp/stale_out" -q
[ "$(results "$tmp/stale_out")" = "$good_results" ] || fail "score_over_stale_claim_and_staging: results differ"
rm -rf "$tmp/stale_out"
# A generate stopped by SIGTERM leaves its partial file; the next run at that path removes it.
"$engage" generate --customers 300000 --output "$tmp/stopped.h5" -q & gpid=$!
for _ in $(seq 1 200); do ls "$tmp"/stopped.h5.tmp-* >/dev/null 2>&1 && break; sleep 0.05; done
kill -TERM "$gpid"; wait "$gpid" 2>/dev/null
expect 0 generate_after_a_stopped_generate -- gen --output "$tmp/stopped.h5"
rm -f "$tmp/stopped.h5"

echo "--- (d) a full disk: exit 4 on every rank within the timeout, staged output removed, earlier output intact"
# A 2 MB tmpfs mounted by the test (needs root: CI runs as root). Each job below needs more.
mkdir -p "$tmp/full"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=2m tmpfs "$tmp/full" 2>/dev/null; then
    echo "SKIP disk-full cases: mounting a tmpfs needs root (run as root, as CI does)"
else
    full=$tmp/full
    "$engage" generate --customers 8000 --seed 5 --output "$tmp/big.h5" -q || die "engage generate of the big base failed"
    # 4,000 customers: customers.h5 (1.2 MB) fits, customers.csv (0.87 MB more) does not; with
    # --memory-per-rank 4M its rows go in blocks of 430, taken in turns by the ranks.
    "$engage" generate --customers 4000 --seed 5 --output "$tmp/csv_full.h5" -q || die "engage generate of the 4,000-customer base failed"
    { echo "customer,date,amount"; for d in $(seq -w 1 28); do seq 1 6000 | sed "s/\$/,2024-02-$d,1.25/"; done; } >"$tmp/big.csv"
    "$engage" generate --customers 3 --output "$full/g.h5" -q || die "engage generate into the tmpfs failed"
    "$engage" score --input "$full/g.h5" --output "$full/o" -q || die "engage score into the tmpfs failed"
    before=$(cd "$full" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    full_check() {  # NAME: the tmpfs holds exactly the earlier outputs
        [ "$(cd "$full" && find . -type f | LC_ALL=C sort | xargs sha256sum)" = "$before" ] ||
            fail "$1: the file system holds other files or changed ones: $(cd "$full" && find . | tr '\n' ' ')"
    }
    for n in 1 2; do
        run=("$mpiexec" --bind-to none -n "$n" "$engage")
        expect 4 "disk_full_generate_${n}rank" "g.h5" "No space left on device" -- "${run[@]}" generate --customers 3000 --output "$full/g.h5" -q
        full_check "disk_full_generate_${n}rank"
        expect 4 "disk_full_import_${n}rank" "g.h5" "No space left on device" -- "${run[@]}" import --transactions "$tmp/big.csv" --output "$full/g.h5" -q
        full_check "disk_full_import_${n}rank"
        expect 4 "disk_full_score_${n}rank" "$full/o" "No space left on device" -- "${run[@]}" score --input "$tmp/big.h5" --output "$full/o" -q
        full_check "disk_full_score_${n}rank"
        expect 4 "disk_full_customers_csv_${n}rank" "$full/o" "No space left on device" -- "${run[@]}" score --input "$tmp/csv_full.h5" --output "$full/o" --memory-per-rank 4M -q
        full_check "disk_full_customers_csv_${n}rank"
    done
    umount "$full"
fi

echo "--- (e) generate and import stopped by SIGTERM: exit 75, the message, nothing written, earlier file intact"
# stopped NAME SETUP... -- COMMAND...: COMMAND (which writes $tmp/stop/g.h5) stopped; the earlier
# g.h5 byte-identical, no staged file or claim left.
mkdir -p "$tmp/stop"
"$engage" generate --customers 20 --output "$tmp/stop/g.h5" -q || die "engage generate of the earlier file failed"
stop_before=$(sha256sum "$tmp/stop/g.h5")
{ echo "customer,date,amount"; for d in $(seq -w 1 28); do seq 1 5000 | sed "s/\$/,2024-02-$d,1.25/"; done; } >"$tmp/stop.csv"
stopped() {
    local name=$1 pattern=$2 why="" rc
    shift 2
    cases=$((cases + 1))
    timeout -k 5 "$limit" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    rc=$?
    [ "$rc" -eq 75 ] || why+=" exit code $rc, expected 75;"
    engage_stderr | grep -qF -- "$pattern" || why+=" message lacks \"$pattern\";"
    engage_stderr | grep -qF -- "nothing was written" || why+=" message lacks \"nothing was written\";"
    [ "$(sha256sum "$tmp/stop/g.h5")" = "$stop_before" ] || why+=" the earlier g.h5 changed;"
    verdict "$name" "$rc" "$why"
}
for n in 1 2; do
    stopped "stopped_generate_${n}rank" "generate stopped on request (SIGTERM) after 65536 of this rank's" \
        env ENGAGE_TEST_STOP_AT="generate after" "$mpiexec" --bind-to none -n "$n" -x ENGAGE_TEST_STOP_AT \
        "$engage" generate --customers 200000 --output "$tmp/stop/g.h5" -q
    stopped "stopped_import_${n}rank" "import stopped on request (SIGTERM) after" \
        env ENGAGE_TEST_STOP_AT="import after" "$mpiexec" --bind-to none -n "$n" -x ENGAGE_TEST_STOP_AT \
        "$engage" import --transactions "$tmp/stop.csv" --output "$tmp/stop/g.h5" -q
done
# Compressed: collective writes, so the ranks agree on the stop every round (none is left in a
# collective write); the rank with fewer batches stops in a round with nothing of its own.
stopped "stopped_generate_zstd_2rank" "generate stopped on request (SIGTERM) after" \
    env ENGAGE_TEST_STOP_AT="generate after" "$mpiexec" --bind-to none -n 2 -x ENGAGE_TEST_STOP_AT \
    "$engage" generate --customers 200000 --compression zstd --output "$tmp/stop/g.h5" -q
# A real SIGTERM to the ranks of a running generate (as Slurm's scancel sends it).
stop_by_signal() {
    "$mpiexec" --bind-to none -n 2 "$engage" generate --customers 3000000 --output "$tmp/stop/g.h5" &
    local job=$! ranks=""
    for _ in $(seq 1 100); do
        ranks=$(pgrep -P "$job" -x engage | tr '\n' ' ')
        [ -n "$(ls "$tmp/stop" | grep 'tmp-')" ] && [ -n "$ranks" ] && break
        sleep 0.1
    done
    kill -TERM $ranks
    wait "$job"
}
export -f stop_by_signal
export tmp
stopped stopped_generate_by_sigterm "generate stopped on request (SIGTERM)" bash -c stop_by_signal

echo "--- (f) a base modified in place by another process while score reads it: exit 3, nothing written"
"$engage" generate --customers 300000 --seed 3 --output "$tmp/changing.h5" -q || die "engage generate of the changing base failed"
modified_while_read() {
    "$engage" score --input "$tmp/changing.h5" --output "$out" -q &
    local job=$!
    for _ in $(seq 1 500); do  # customers.h5 staged: the input is open (and stamped)
        [ -n "$(find "$out" -path "$out/.engage-tmp-*/customers.h5" -print -quit)" ] && break
        sleep 0.02
    done
    printf 'x' >>"$tmp/changing.h5"  # one byte more: another writer at work
    wait "$job"
}
export -f modified_while_read
export tmp
expect 3 modified_while_read "changing.h5 was modified (size" "while this job read it" "nothing was written" -- modified_while_read

echo "$cases cases, $failures failures, $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
[ "$failures" -eq 0 ]
