#!/usr/bin/env bash
# End-to-end test of `engage import` at scale (issue 15, docs/architecture.md "Import at
# scale"): a seeded log of string ids, dates and channels, made here, imported
#   - sorted and in one file, then shuffled and cut into three files: the same base;
#   - at 1, 2, 3 and 4 ranks (each rank parses a byte range of every file): the same base;
#   - with --memory-per-rank 1M (many buckets in scratch files) and 1G (one): the same base;
#   - with numeric ids, shuffled, at 1 and 3 ranks: the same base;
#   - compressed (deflate, zstd) with a 1M budget, written in many collective blocks: the same values;
# and bad rows late in a file, read by the last rank, still named with their file and line.
#   bash import_scale.sh ENGAGE_EXE MPIEXEC
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash import_scale.sh ENGAGE_EXE MPIEXEC" >&2
    exit 2
fi
engage=$1 mpiexec=$2
export OMP_NUM_THREADS=1
export OMPI_MCA_ess_singleton_isolated=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/engage-import-scale.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
run_timeout=300
. "$(dirname "$0")/import_lib.sh"  # check, run, rows
same() { h5diff "$1" "$2" >/dev/null || { h5diff "$1" "$2" | head -5; return 1; }; }
no_scratch() { [ -z "$(find "$tmp" -name '*.scratch' -o -name '*.tmp-*')" ]; }

# 120,000 rows of 6,000 customers over three years, several rows of one customer and day (so
# that the order within a day matters), amounts with cents; sorted by customer and date.
python3 - "$tmp" <<'PY'
import datetime, random, sys
tmp = sys.argv[1]
r = random.Random(15)
kinds = ["purchase", "login", "support_ticket", "review", "nps_survey"]
rows = []
for _ in range(120000):
    c, d, k = r.randrange(6000), 19000 + r.randrange(1000), r.choice(kinds)
    if r.random() < 0.2:
        d = 19500
    a = r.randrange(11) if k == "nps_survey" else 1 + r.randrange(5) if k == "review" else r.randrange(100000) / 100
    rows.append((c, d, a, k))
rows.sort(key=lambda t: (t[0], t[1]))
day = lambda d: (datetime.date(1970, 1, 1) + datetime.timedelta(days=d)).isoformat()
line = lambda t: "C-%05d,%sT10:15:00Z,%s,%s\n" % (t[0], day(t[1]), t[2], t[3])
with open(tmp + "/sorted.csv", "w") as f:
    f.write("customer,date,amount,channel\n")
    f.writelines(map(line, rows))
random.Random(7).shuffle(rows)
with open(tmp + "/shuffled.body", "w") as f:
    f.writelines(map(line, rows))
PY
lines=$(wc -l <"$tmp/sorted.csv")
check "the log has a header and 120000 rows" [ "$lines" -eq 120001 ]
# The same rows shuffled (shuffled.body, a fixed seed) and cut into three files, each with its header.
split -n l/3 -d "$tmp/shuffled.body" "$tmp/part"
for p in "$tmp"/part0*; do { head -1 "$tmp/sorted.csv"; cat "$p"; } >"$p.csv"; done
parts=("$tmp"/part0*.csv)
common=(--id-column customer --date-column date --amount-column amount --channel-column channel --quiet)

run 1 import --transactions "$tmp/sorted.csv" "${common[@]}" --output "$tmp/ref.h5" || fail "sorted, 1 rank: $(cat "$tmp/stderr")"
customers=$(tail -n +2 "$tmp/sorted.csv" | cut -d, -f1 | sort -u | wc -l)
check "sorted: one customer per distinct id ($customers)" [ "$(rows "$tmp/ref.h5" /customers/id)" = "$customers" ]
check "sorted: 120000 interactions" [ "$(rows "$tmp/ref.h5" /interactions/time)" = 120000 ]
for n in 1 2 3 4; do
    run "$n" import --transactions "${parts[@]}" "${common[@]}" --output "$tmp/shuffled$n.h5" ||
        fail "shuffled, $n ranks: $(cat "$tmp/stderr")"
    check "shuffled, three files, $n ranks: the base of the sorted file" same "$tmp/ref.h5" "$tmp/shuffled$n.h5"
done
run 2 import --transactions "${parts[@]}" "${common[@]}" --memory-per-rank 1M --output "$tmp/small.h5" ||
    fail "1M per rank: $(cat "$tmp/stderr")"
check "--memory-per-rank 1M at 2 ranks (many buckets): the same base" same "$tmp/ref.h5" "$tmp/small.h5"
run 3 import --transactions "$tmp/sorted.csv" "${common[@]}" --merge-same-day --memory-per-rank 1M --output "$tmp/m3.h5" ||
    fail "merged, 3 ranks: $(cat "$tmp/stderr")"
run 1 import --transactions "${parts[@]}" "${common[@]}" --merge-same-day --output "$tmp/m1.h5" ||
    fail "merged, 1 rank: $(cat "$tmp/stderr")"
check "--merge-same-day: shuffled at 1 rank = sorted at 3 ranks with 1M" same "$tmp/m1.h5" "$tmp/m3.h5"
check "--merge-same-day merged some rows" [ "$(rows "$tmp/m1.h5" /interactions/time)" -lt 120000 ]
# Compressed (chunked, filtered columns): the interactions go out in many collective blocks.
run 3 import --transactions "${parts[@]}" "${common[@]}" --compression deflate --memory-per-rank 1M \
    --output "$tmp/deflate.h5" || fail "deflate, 3 ranks: $(cat "$tmp/stderr")"
check "--compression deflate, 1M, 3 ranks: the same values" same "$tmp/ref.h5" "$tmp/deflate.h5"
run 2 import --transactions "${parts[@]}" "${common[@]}" --compression zstd --memory-per-rank 1M \
    --output "$tmp/zstd.h5" || fail "zstd, 2 ranks: $(cat "$tmp/stderr")"
check "--compression zstd, 1M, 2 ranks: the same values (h5py)" \
    /usr/bin/python3 "$(dirname "$0")/codecs_h5py.py" same "$tmp/ref.h5" "$tmp/zstd.h5"
check "no scratch or staged file left" no_scratch

# Numeric ids (C- dropped): numbered by value, shuffled at 3 ranks = sorted at 1.
sed 's/^C-//' "$tmp/sorted.csv" >"$tmp/numbers.csv"
sed 's/^C-//' "$tmp/shuffled.body" | { head -1 "$tmp/numbers.csv"; cat; } >"$tmp/numbers_shuffled.csv"
run 1 import --transactions "$tmp/numbers.csv" "${common[@]}" --output "$tmp/n1.h5" || fail "numbers, 1 rank"
run 3 import --transactions "$tmp/numbers_shuffled.csv" "${common[@]}" --memory-per-rank 1M --output "$tmp/n3.h5" ||
    fail "numbers, 3 ranks: $(cat "$tmp/stderr")"
check "numeric ids: shuffled at 3 ranks = sorted at 1" same "$tmp/n1.h5" "$tmp/n3.h5"
check "numeric ids: no name table" bash -c "! h5ls '$tmp/n1.h5/customers' | grep -q '^name '"

# Bad rows near the end of the second file: read by the last rank, named by file and line.
bad="$tmp/bad.csv"
{ cat "${parts[1]}"; echo "C-00001,not-a-date,1.00,purchase"; echo "C-00002,2024-01-01,1.00,teleport"; } >"$bad"
badlines=$(wc -l <"$bad")
for n in 1 3; do
    run "$n" import --transactions "${parts[0]}" "$bad" "${common[@]}" --max-bad-rows 0 --output "$tmp/bad$n.h5"
    rc=$?
    check "bad rows at $n ranks: exit 3" [ "$rc" -eq 3 ]
    check "bad rows at $n ranks: the date's file and line" grep -q "$bad line $((badlines - 1)): date \"not-a-date\"" "$tmp/stderr"
    check "bad rows at $n ranks: the channel's file and line" grep -q "$bad: line $badlines: unknown channel \"teleport\"" "$tmp/stderr"
    check "bad rows at $n ranks: nothing written" [ ! -e "$tmp/bad$n.h5" ]
    check "bad rows at $n ranks: no scratch left" no_scratch
done

echo "import_scale: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
