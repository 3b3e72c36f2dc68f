#!/usr/bin/env bash
# The codecs (issue 14): a base generated with each codec holds the same values as the
# unfiltered one, at any number of ranks; scoring it gives the same outputs; customers.h5 written
# with each codec holds the same values at 1-3 ranks; h5py reads Engage's zstd and LZ4 files and
# Engage reads the files h5py writes with them (tests/e2e/codecs_h5py.py, Debian's /usr/bin/python3);
# a run stopped and resumed with a compressed customers.h5 gives the same values; an unknown
# codec or a level out of range is one clear message and exit 2.
# Usage: codecs.sh ENGAGE MPIEXEC
set -euo pipefail
engage=$1
mpiexec=$2
here=$(cd "$(dirname "$0")" && pwd)
py() { /usr/bin/python3 "$here/codecs_h5py.py" "$@"; }
. "$(dirname "$0")/run_lib.sh"  # $tmp, fail, run
declare -A id=([zstd]=32015 [lz4]=32004 [deflate]=1)

# Each base is DIR/base.h5, scored from DIR: customers.h5 records the input as given ("base.h5"),
# so that the outputs of different bases can be compared whole.
gen=(generate --customers 3000 --seed 7 --mean-interactions 40)
score_args=(--input base.h5 --window-days 200 --shard-interactions 7000 --shard-customers 170)
score_in() { # dir ranks args...
    local dir=$1 n=$2; shift 2
    (cd "$dir" && run "$n" "${THREADS:-1}" score "${score_args[@]}" "$@")
}
mkdir "$tmp/none"
run 2 1 "${gen[@]}" --compression none --output "$tmp/none/base.h5"
score_in "$tmp/none" 2 --compression none --output "$tmp/ref"

for c in zstd lz4 deflate; do
    mkdir "$tmp/$c"
    run 2 1 "${gen[@]}" --compression "$c" --output "$tmp/$c/base.h5"
    py codec "$tmp/$c/base.h5" "${id[$c]}"
    py same "$tmp/none/base.h5" "$tmp/$c/base.h5"
    # Scoring a compressed base: the same outputs as scoring the unfiltered one.
    score_in "$tmp/$c" 2 --compression none --output "$tmp/in-$c"
    for f in report.json summary.csv features.csv engagement.csv score_distribution.csv; do
        cmp "$tmp/ref/$f" "$tmp/in-$c/$f" || fail "$f differs when the input is $c"
    done
    h5diff "$tmp/ref/customers.h5" "$tmp/in-$c/customers.h5" || fail "customers.h5 differs when the input is $c"
    # customers.h5 with the codec: the same values at 1-3 ranks.
    for n in 1 3; do
        score_in "$tmp/none" "$n" --compression "$c" --output "$tmp/out-$c-$n"
        py codec "$tmp/out-$c-$n/customers.h5" "${id[$c]}"
        py same "$tmp/ref/customers.h5" "$tmp/out-$c-$n/customers.h5"
        cmp "$tmp/ref/summary.csv" "$tmp/out-$c-$n/summary.csv" || fail "summary.csv differs with customers.h5 in $c"
    done
done
# The generated file does not depend on the ranks or threads with a codec either, nor on the level.
run 1 2 "${gen[@]}" --compression zstd --output "$tmp/zstd1.h5"
run 3 1 "${gen[@]}" --compression zstd --compression-level 9 --output "$tmp/zstd3.h5"
py same "$tmp/zstd/base.h5" "$tmp/zstd1.h5"
py same "$tmp/zstd/base.h5" "$tmp/zstd3.h5"
[ "$(stat -c %s "$tmp/zstd/base.h5")" -lt "$(stat -c %s "$tmp/none/base.h5")" ] || fail "the zstd base is not smaller than the unfiltered one"

# Files h5py wrote (zstd: frames by python3-zstandard; LZ4: the HDF Group's plugin) score the same.
for c in zstd lz4; do
    mkdir "$tmp/h5py-$c"
    py write "$tmp/none/base.h5" "$tmp/h5py-$c/base.h5" "${id[$c]}"
    score_in "$tmp/h5py-$c" 2 --output "$tmp/h5py-out-$c"
    h5diff "$tmp/ref/customers.h5" "$tmp/h5py-out-$c/customers.h5" || fail "customers.h5 differs for the $c base h5py wrote"
    cmp "$tmp/ref/report.json" "$tmp/h5py-out-$c/report.json" || fail "report.json differs for the $c base h5py wrote"
done
# Its 1000-row chunks are read raw and decoded on the OpenMP threads (io/h5/chunk_reader.hpp).
THREADS=2 score_in "$tmp/h5py-zstd" 1 --output "$tmp/h5py-t2"
h5diff "$tmp/ref/customers.h5" "$tmp/h5py-t2/customers.h5" || fail "customers.h5 differs at 1 rank x 2 threads (zstd, h5py)"

# Stopped and resumed with a compressed customers.h5 (the file reopened, its partial chunks
# written again): in the pass (zstd) and inside a sweep (lz4), the same values as the
# uninterrupted runs above.
for stop in "zstd|after round 3 of" "lz4|in sweep 1 after the pass, after block 1 of"; do
    c=${stop%%|*}
    rc=0
    ENGAGE_TEST_STOP_AT="${stop#*|}" score_in "$tmp/none" 2 --compression "$c" --memory-per-rank 1M \
        --output "$tmp/stop-$c" > "$tmp/stop-$c.log" 2>&1 || rc=$?
    [ "$rc" -eq 75 ] || fail "stop ${stop#*|} with $c: exit $rc, expected 75: $(cat "$tmp/stop-$c.log")"
    score_in "$tmp/none" 2 --compression "$c" --memory-per-rank 1M --output "$tmp/stop-$c"
    py same "$tmp/ref/customers.h5" "$tmp/stop-$c/customers.h5"
    cmp "$tmp/ref/report.json" "$tmp/stop-$c/report.json" || fail "report.json differs after a resume with $c"
done

# Bad options: one message, exit 2, nothing written.
expect_config_error() { # pattern args...
    local pattern=$1; shift
    set +e
    out=$("$engage" "$@" 2>&1)
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "engage $* exited $rc, expected 2"
    grep -q -- "$pattern" <<<"$out" || fail "engage $*: message '$out' lacks '$pattern'"
}
expect_config_error "unknown codec; allowed: zstd, lz4, deflate, none" "${gen[@]}" --compression snappy --output "$tmp/x.h5"
expect_config_error "takes levels 1 to 19" "${gen[@]}" --compression zstd --compression-level 40 --output "$tmp/x.h5"
expect_config_error "takes no level" score --input "$tmp/none/base.h5" --compression lz4 --compression-level 3 --output "$tmp/x"
expect_config_error "takes levels 1 to 9" import --transactions "$tmp/none/base.h5" --compression deflate --compression-level 0 --output "$tmp/x.h5"
[ ! -e "$tmp/x.h5" ] && [ ! -e "$tmp/x" ] || fail "a refused command wrote its output"
echo "codecs: zstd, lz4 and deflate bases and customers.h5 hold the unfiltered values; h5py reads and writes them"
