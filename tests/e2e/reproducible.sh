#!/usr/bin/env bash
# generate -> score on the real executable: the same results, byte for byte, at 1-4 ranks and
# 1-2 threads; the generated file is the same for any number of ranks.
# Usage: reproducible.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run

run 1 1 generate --customers 2500 --seed 5 --mean-interactions 60 --output "$tmp/base1.h5"
run 3 2 generate --customers 2500 --seed 5 --mean-interactions 60 --output "$tmp/base3.h5"
h5diff "$tmp/base1.h5" "$tmp/base3.h5" || fail "generate at 3 ranks differs from 1 rank"
# The columns written past the page cache (io/direct_file.hpp; 150,000 interactions: MBs per
# column) or through it: the same file content.
ENGAGE_DIRECT_OUTPUT=0 "$mpiexec" --bind-to none -n 2 -x ENGAGE_DIRECT_OUTPUT "$engage" generate --customers 2500 \
    --seed 5 --mean-interactions 60 --output "$tmp/base-buffered.h5" -q
h5diff "$tmp/base1.h5" "$tmp/base-buffered.h5" || fail "generate with ENGAGE_DIRECT_OUTPUT=0 differs"

# Small shards so that every rank count splits the work differently.
score_args=(--input "$tmp/base1.h5" --window-days 200 --shard-interactions 5000 --shard-customers 150)
run 1 1 score "${score_args[@]}" --output "$tmp/ref"
# The accounts at risk against the run's own customers.csv (issue 16); the layouts below must match.
python3 "$(dirname "$0")/accounts_at_risk.py" "$tmp/ref"
for layout in "2 1" "3 1" "4 1" "1 2" "2 2"; do
    set -- $layout
    out="$tmp/r$1t$2"
    run "$1" "$2" score "${score_args[@]}" --output "$out"
    for f in report.json customers.csv summary.csv features.csv channels.csv engagement.csv tier_migration.csv score_distribution.csv accounts_at_risk.csv; do
        cmp "$tmp/ref/$f" "$out/$f" || fail "$f differs at $1 ranks x $2 threads"
    done
    h5diff "$tmp/ref/customers.h5" "$out/customers.h5" || fail "customers.h5 differs at $1 ranks x $2 threads"
    grep -q "\"ranks\": $1" "$out/run.json" || fail "run.json does not record $1 ranks"
done

# Tuned for a parallel file system (io/h5/io_tuning.hpp): MPI-IO hints and 64 KiB alignment
# change where the bytes lie, not what they are; run.json records the hints in effect.
ENGAGE_MPIIO_HINTS="cb_nodes=1,romio_cb_write=enable" ENGAGE_H5_ALIGNMENT=64K \
    "$mpiexec" --bind-to none -n 2 -x ENGAGE_MPIIO_HINTS -x ENGAGE_H5_ALIGNMENT "$engage" score "${score_args[@]}" \
    --output "$tmp/tuned" -q
for f in report.json customers.csv summary.csv features.csv channels.csv engagement.csv tier_migration.csv score_distribution.csv accounts_at_risk.csv; do
    cmp "$tmp/ref/$f" "$tmp/tuned/$f" || fail "$f differs with MPI-IO hints and alignment"
done
h5diff "$tmp/ref/customers.h5" "$tmp/tuned/customers.h5" || fail "customers.h5 differs with MPI-IO hints and alignment"
grep -q '"romio_cb_write": "enable"' "$tmp/tuned/run.json" || fail "run.json does not record the MPI-IO hints"
grep -q '"ran_collectively": [1-9]' "$tmp/tuned/run.json" && grep -q '"ran_independently": 0' "$tmp/tuned/run.json" ||
    fail "run.json: the collective writes did not all run collectively: $(grep -A5 collective_writes "$tmp/tuned/run.json")"
offset=$(h5dump -p -H -d /features/channel_count "$tmp/tuned/customers.h5" | sed -n 's/.*OFFSET \([0-9]*\).*/\1/p')
[ -n "$offset" ] && [ $((offset % 65536)) -eq 0 ] || fail "/features/channel_count at offset '$offset', not 64 KiB-aligned"

# The input's interaction columns used in place from the page cache (the default: the generated
# base's columns are unfiltered, contiguous and page-aligned) or read through HDF5: the same
# results; run.json says which ran.
grep -q '"input_interactions": "mapped"' "$tmp/ref/run.json" ||
    fail "the generated base's columns were not mapped: $(grep input_interactions "$tmp/ref/run.json")"
for c in /interactions/time /interactions/channel /interactions/value; do
    offset=$(h5dump -p -H -d $c "$tmp/base1.h5" | sed -n 's/.*OFFSET \([0-9]*\).*/\1/p')
    [ $((offset % 4096)) -eq 0 ] || fail "$c at offset $offset, not on a 4 KiB page"
done
ENGAGE_MAP_INPUT=0 "$mpiexec" --bind-to none -n 2 -x ENGAGE_MAP_INPUT "$engage" score "${score_args[@]}" \
    --output "$tmp/copied" -q
grep -q '"input_interactions": "read: ENGAGE_MAP_INPUT=0"' "$tmp/copied/run.json" || fail "ENGAGE_MAP_INPUT=0 not applied"
for f in report.json customers.csv summary.csv features.csv channels.csv engagement.csv tier_migration.csv score_distribution.csv accounts_at_risk.csv; do
    cmp "$tmp/ref/$f" "$tmp/copied/$f" || fail "$f differs between the mapped and the copied input"
done
h5diff "$tmp/ref/customers.h5" "$tmp/copied/customers.h5" || fail "customers.h5 differs between the mapped and the copied input"
# Read past the page cache into the readers' own buffers (what a base the page cache does not
# hold gets; ENGAGE_MAP_INPUT=direct asks for it whatever the cache holds); the small shards make
# each rank read many ahead: the same results.
for ranks in 1 2; do
    ENGAGE_MAP_INPUT=direct "$mpiexec" --bind-to none -n $ranks -x ENGAGE_MAP_INPUT "$engage" score "${score_args[@]}" \
        --output "$tmp/direct$ranks" -q
    bytes=$(sed -n 's/.*"input_bytes_read_direct": \([0-9]*\).*/\1/p' "$tmp/direct$ranks/run.json")
    [ "${bytes:-0}" -gt 0 ] || fail "ENGAGE_MAP_INPUT=direct at $ranks ranks: no bytes read past the page cache (run.json: '$bytes')"
    for f in report.json customers.csv summary.csv features.csv channels.csv engagement.csv tier_migration.csv score_distribution.csv accounts_at_risk.csv; do
        cmp "$tmp/ref/$f" "$tmp/direct$ranks/$f" || fail "$f differs between the mapped input and the one read past the page cache ($ranks ranks)"
    done
    h5diff "$tmp/ref/customers.h5" "$tmp/direct$ranks/customers.h5" ||
        fail "customers.h5 differs between the mapped input and the one read past the page cache ($ranks ranks)"
done

# The report counts what was generated, and an earlier as-of date sees less.
grep -q '"customers": 2500' "$tmp/ref/report.json" || fail "report.json does not count 2500 customers"
interactions=$(h5dump -H -d /interactions/time "$tmp/base1.h5" | sed -n 's/.*DATASPACE  SIMPLE { ( \([0-9]*\) ).*/\1/p')
grep -q "\"interactions\": $interactions" "$tmp/ref/report.json" || fail "report.json does not count $interactions interactions"
run 2 1 score "${score_args[@]}" --as-of 2023-06-30 --output "$tmp/early"
grep -q '"as_of": "2023-06-30"' "$tmp/early/report.json" || fail "as-of date not applied"
cmp -s "$tmp/ref/summary.csv" "$tmp/early/summary.csv" && fail "an earlier as-of date gave the same summary"
ls -A "$tmp/ref" | grep -q engage-tmp && fail "temporary directory left behind"
echo "reproducible: identical outputs at 1-4 ranks and 1-2 threads"
