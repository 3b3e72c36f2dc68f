#!/usr/bin/env bash
# End-to-end test of who initiated an interaction and what it answers (issue 15;
# docs/data-format.md, "Who initiated an interaction, and what it answers"): a small hand-made
# export of two event files with string ids (an offer in one file answered by a purchase in
# the other, a ticket answered by two support replies on its own day, an offer answered by a
# purchase on its day whose channel code sorts first), padded with 4,000 customers of an offer
# and its same-day purchase so that --memory-per-rank 1M makes several buckets. Checked:
#   - the stored initiator and answers of the hand-made customers, row by row (h5py), and of
#     every padding customer;
#   - the same base at 1-4 ranks and with --memory-per-rank 1M;
#   - a base imported without the options has neither column;
#   - each bad case exits 3, nothing written, with one message naming file, line and field;
#     within --max-bad-rows the bad answer is skipped and the base is the same.
#   bash import_answers.sh ENGAGE_EXE MPIEXEC
set -u
if [ $# -ne 2 ]; then
    echo "usage: bash import_answers.sh ENGAGE_EXE MPIEXEC" >&2
    exit 2
fi
engage=$1 mpiexec=$2
export OMP_NUM_THREADS=1
export OMPI_MCA_ess_singleton_isolated=1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/engage-import-answers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
run_timeout=300
. "$(dirname "$0")/import_lib.sh"  # check, run, rows
same() { h5diff "$1" "$2" >/dev/null || { h5diff "$1" "$2" | head -5; return 1; }; }

header="account,when,amount,source,who,iid,answers"
cat >"$tmp/map.csv" <<'CSV'
label,channel,kind
Offer,offer,offer
Order,purchase,
Ticket,support_ticket,
Ticket Reply,support_reply,support_reply
CSV
# crm.csv: offers and orders. Line 2 is ACC-2's offer O-1, line 3 ACC-1's offer O-2.
cat >"$tmp/crm.csv" <<CSV
$header
ACC-2,2024-03-01T09:00:00Z,1,Offer,company,O-1,
ACC-1,2024-03-02T10:00:00Z,1,Offer, Company ,O-2,
ACC-1,2024-03-05T08:00:00Z,25.5,Order,customer,P-1,
ACC-2,2024-03-04T12:00:00+02:00,1,login,CUSTOMER,,
ACC-1,2024-03-10T18:00:00Z,30,Order,customer,P-4,O-3
CSV
# helpdesk.csv: P-2 answers crm.csv's O-2; the replies come before their ticket in the file.
cat >"$tmp/helpdesk.csv" <<CSV
$header
ACC-1,2024-03-09T10:00:00Z,40,Order,customer,P-2,O-2
ACC-2,2024-03-03T15:00:00Z,2,Ticket Reply,company,R-2,T-1
ACC-2,2024-03-03T11:00:00Z,1,Ticket Reply,company,R-1,T-1
ACC-2,2024-03-03T09:00:00Z,1,Ticket,customer,T-1,
ACC-2,2024-03-02,12,Order,customer,P-3,O-1
ACC-1,2024-03-10T08:00:00Z,1,Offer,company,O-3,
CSV
# The padding: customer F-i gets offer X-i (crm.csv) and, the same day, the purchase Y-i that
# answers it (helpdesk.csv).
python3 - "$tmp" <<'PY'
import datetime, sys
tmp = sys.argv[1]
day = lambda d: (datetime.date(2024, 1, 1) + datetime.timedelta(days=d)).isoformat()
with open(tmp + "/crm.csv", "a") as crm, open(tmp + "/helpdesk.csv", "a") as hd:
    for i in range(4000):
        d = day(i % 300)
        crm.write("F-%05d,%sT08:00:00Z,1,Offer,company,X-%05d-offer-of-the-month-campaign,\n" % (i, d, i))
        hd.write("F-%05d,%sT20:00:00Z,%d.25,Order,customer,Y-%05d-web-store-order,X-%05d-offer-of-the-month-campaign\n"
                 % (i, d, i % 97, i, i))
PY
cols=(--id-column account --date-column when --amount-column amount --channel-column source --channel-map "$tmp/map.csv"
      --quiet)
links=(--initiator-column who --interaction-id-column iid --answers-column answers)
files=("$tmp/crm.csv" "$tmp/helpdesk.csv")

run 1 import --transactions "${files[@]}" "${cols[@]}" "${links[@]}" --output "$tmp/ref.h5" ||
    fail "1 rank: $(cat "$tmp/stderr")"
check "4002 customers" [ "$(rows "$tmp/ref.h5" /customers/id)" = 4002 ]
check "8011 interactions" [ "$(rows "$tmp/ref.h5" /interactions/time)" = 8011 ]
check "initiator and answers, row by row (h5py)" /usr/bin/python3 - "$tmp/ref.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    names = [n.decode() if isinstance(n, bytes) else n for n in f["customers/name"][:]]
    off = f["interactions/offsets"][:]
    ch, who, ans = f["interactions/channel"][:], f["interactions/initiator"][:], f["interactions/answers"][:]
    val = f["interactions/value"][:]
    assert f["interactions/initiator"].dtype == np.uint8 and f["interactions/answers"].dtype == np.uint32
    chan = [c.decode() if isinstance(c, bytes) else c for c in f["channels/name"][:]]
    def rows(name):
        k = names.index(name)
        a, b = off[k], off[k + 1]
        return [(chan[ch[i]], float(val[i]), int(who[i]), int(ans[i])) for i in range(a, b)]
    # ACC-1: O-2, P-1, P-2 (answers O-2, two rows back), O-3 and P-4 on one day: the offer first.
    want1 = [("offer", 1, 1, 0), ("purchase", 25.5, 0, 0), ("purchase", 40, 0, 2), ("offer", 1, 1, 0),
             ("purchase", 30, 0, 1)]
    # ACC-2: O-1, P-3 (answers O-1), T-1, R-1 and R-2 (both answer T-1), the login.
    want2 = [("offer", 1, 1, 0), ("purchase", 12, 0, 1), ("support_ticket", 1, 0, 0), ("support_reply", 1, 1, 1),
             ("support_reply", 2, 1, 2), ("login", 1, 0, 0)]
    got1, got2 = rows("ACC-1"), rows("ACC-2")
    assert got1 == want1, got1
    assert got2 == want2, got2
    for k, name in enumerate(names):
        if name.startswith("F-"):
            a, b = off[k], off[k + 1]
            assert list(ch[a:b]) == [chan.index("offer"), chan.index("purchase")], (name, ch[a:b])
            assert list(who[a:b]) == [1, 0] and list(ans[a:b]) == [0, 1], name
PY
for n in 2 3 4; do
    run "$n" import --transactions "${files[@]}" "${cols[@]}" "${links[@]}" --output "$tmp/r$n.h5" ||
        fail "$n ranks: $(cat "$tmp/stderr")"
    check "$n ranks: the base of 1 rank" same "$tmp/ref.h5" "$tmp/r$n.h5"
done
for n in 1 3; do
    run "$n" import --transactions "${files[@]}" "${cols[@]}" "${links[@]}" --memory-per-rank 1M --output "$tmp/m$n.h5" ||
        fail "1M, $n ranks: $(cat "$tmp/stderr")"
    check "--memory-per-rank 1M (several buckets), $n ranks: the same base" same "$tmp/ref.h5" "$tmp/m$n.h5"
done
# --merge-same-day keeps the linked purchases apart: the same base here (no unlinked pair).
run 2 import --transactions "${files[@]}" "${cols[@]}" "${links[@]}" --merge-same-day --output "$tmp/merged.h5" ||
    fail "merged: $(cat "$tmp/stderr")"
check "--merge-same-day: linked purchases stay apart" same "$tmp/ref.h5" "$tmp/merged.h5"
# Without the options: neither column.
run 2 import --transactions "${files[@]}" "${cols[@]}" --output "$tmp/plain.h5" || fail "plain: $(cat "$tmp/stderr")"
check "without the options: no initiator, no answers" /usr/bin/python3 -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
assert 'initiator' not in f['interactions'] and 'answers' not in f['interactions'], list(f['interactions'])
assert f['interactions/time'].shape[0] == 8011" "$tmp/plain.h5"
# The initiator alone: initiators, no answers.
run 1 import --transactions "${files[@]}" "${cols[@]}" --initiator-column who --output "$tmp/who.h5" ||
    fail "initiator alone: $(cat "$tmp/stderr")"
check "--initiator-column alone: initiators, no answers" /usr/bin/python3 -c "
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
assert 'answers' not in f['interactions'] and f['interactions/initiator'][:].sum() == 4000 + 5" "$tmp/who.h5"

# The bad cases, each in a third file (line 2 or 3), one at a time, with --max-bad-rows 0 (one
# bad row is less than the default 1 % of 8,000): exit 3, nothing written, the message names
# the file, the line and the field.
bad_case() {  # NAME EXPECTED-TEXT ROWS...
    local name=$1 want=$2
    shift 2
    { echo "$header"; printf '%s\n' "$@"; } >"$tmp/bad.csv"
    run 2 import --transactions "${files[@]}" "$tmp/bad.csv" "${cols[@]}" "${links[@]}" --max-bad-rows 0 \
        --output "$tmp/bad.h5"
    local rc=$?
    check "$name: exit 3" [ "$rc" -eq 3 ]
    check "$name: the message" grep -qF -- "$want" "$tmp/stderr" || cat "$tmp/stderr"
    check "$name: nothing written" [ ! -e "$tmp/bad.h5" ]
}
bad_case "an answer to an unknown id" \
    "$tmp/bad.csv: line 2: answers \"T-404\" (--answers-column answers): customer \"ACC-1\" has no interaction with that id (--interaction-id-column iid)" \
    "ACC-1,2024-03-11,1,Ticket Reply,company,R-9,T-404"
bad_case "a ticket answered before it was opened" \
    "$tmp/bad.csv: line 3: answers \"T-5\" (--answers-column answers): dated 2024-02-28, before the interaction it answers ($tmp/bad.csv line 2, dated 2024-03-01): an answer cannot come before what it answers (a ticket answered before it was opened)" \
    "ACC-1,2024-03-01,1,Ticket,customer,T-5," "ACC-1,2024-02-28T23:00:00Z,1,Ticket Reply,company,R-5,T-5"
bad_case "a duplicate interaction id" \
    "$tmp/bad.csv: line 2: interaction id \"P-1\" (--interaction-id-column iid) of customer \"ACC-1\" is already used by $tmp/crm.csv line 4" \
    "ACC-1,2024-03-12,1,login,customer,P-1,"
bad_case "an answer to itself" \
    "$tmp/bad.csv: line 2: answers \"L-1\" (--answers-column answers) is the row's own interaction id" \
    "ACC-1,2024-03-12,1,login,customer,L-1,L-1"
bad_case "an unknown initiator" \
    "$tmp/bad.csv: line 3: initiator \"robot\" (--initiator-column who) is not customer or company" \
    "ACC-1,2024-03-12,1,login,customer,L-2," "ACC-1,2024-03-12,1,login,robot,L-1,"
check "the exit-3 summary names the file and line" grep -qF "first bad rows: $tmp/bad.csv line 3: initiator" "$tmp/stderr"
{ echo "$header"; echo "ACC-1,2024-03-12,1,login,customer,L-1,L-1"; } >"$tmp/bad.csv"
run 1 import --transactions "${files[@]}" "$tmp/bad.csv" "${cols[@]}" "${links[@]}" --max-bad-rows 0 --output "$tmp/bad.h5"
check "the exit-3 summary of a bad answer names the file and line" \
    grep -qF "first bad rows: $tmp/bad.csv line 2: answers \"L-1\" (--answers-column answers) is the row" "$tmp/stderr"
# Within --max-bad-rows: the answer to an unknown id is skipped (its customer too: no other row).
{ echo "$header"; echo "ACC-9,2024-03-11,1,Ticket Reply,company,R-9,T-404"; } >"$tmp/bad.csv"
run 3 import --transactions "${files[@]}" "$tmp/bad.csv" "${cols[@]}" "${links[@]}" --max-bad-rows 1 \
    --output "$tmp/skipped.h5" || fail "skipped: $(cat "$tmp/stderr")"
check "within --max-bad-rows: reported as skipped" grep -qF "$tmp/bad.csv: line 2: answers \"T-404\"" "$tmp/stderr"
check "within --max-bad-rows: the base without the row (and its customer)" same "$tmp/ref.h5" "$tmp/skipped.h5"
# --answers-column needs --interaction-id-column.
run 1 import --transactions "${files[@]}" "${cols[@]}" --answers-column answers --output "$tmp/x.h5"
check "--answers-column alone: exit 2" [ $? -eq 2 ]
check "--answers-column alone: the message" grep -qF "add --interaction-id-column" "$tmp/stderr"

echo "import_answers: $((checks - failures)) of $checks checks passed"
[ "$failures" -eq 0 ]
