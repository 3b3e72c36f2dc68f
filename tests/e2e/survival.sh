#!/usr/bin/env bash
# Forward-looking survival (the landmark analysis at the as-of date) against R's survival
# package: engage score --retention --holdout-days on a generated base, at 1 rank and at 2-4
# ranks with 1-2 threads (report.json, landmark_survival.csv and cox.csv byte-identical); then
# the follow-up and the covariates of the customers at risk are read back from customers.h5
# (h5py) and R fits coxph (Efron ties) on them and runs survdiff by tier: the Cox coefficients,
# standard errors and log-likelihoods, the log-rank chi-square and Harrell's C (and its pair
# counts) of the keyed linear predictor agree with report.json to
# 1e-6 (relative). Skipped when Rscript with survival or python3 with h5py is missing.
# Usage: survival.sh ENGAGE MPIEXEC [CDNOW_DIR]
set -euo pipefail
engage=$1
mpiexec=$2
data=${3:-}
if ! Rscript -e 'library(survival)' >/dev/null 2>&1; then echo "skipped: Rscript with the survival package is missing"; exit 0; fi
if ! /usr/bin/python3 -c 'import h5py' >/dev/null 2>&1; then echo "skipped: python3 with h5py is missing"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

# Compares one run's report.json with R on its customers.h5. NAME DIR
against_r() {
    /usr/bin/python3 "$here/survival_export.py" "$2/customers.h5" "$2/report.json" "$tmp/$1.csv" > "$tmp/$1.covariates"
    days=$(grep -o '"follow_up_days": [0-9]*' "$2/report.json" | head -1 | grep -o '[0-9]*$')
    Rscript "$here/survival_fit.R" "$tmp/$1.csv" "$(cat "$tmp/$1.covariates")" "$days" > "$tmp/$1.r.json" ||
        fail "$1: R failed"
    /usr/bin/python3 - "$2/report.json" "$tmp/$1.r.json" "$1" <<'PY' || fail "$1: Engage and R disagree"
import json, sys
s = json.load(open(sys.argv[1]))["survival"]
r = json.load(open(sys.argv[2]))
name = sys.argv[3]
bad = []
def near(what, ours, theirs, tol=1e-6):
    err = abs(ours - theirs) / max(1.0, abs(theirs)) if what.startswith("log") or what.startswith("chi") else \
          abs(ours - theirs) / max(abs(theirs), 1e-300)
    print(f"  {name} {what}: engage {ours:.12g}  R {theirs:.12g}  relative difference {err:.2e}")
    if not err <= tol: bad.append(what)
cox = s["cox"]
assert cox["fitted"] and cox["converged"], cox
assert cox["customers"] == r["n"] and cox["events"] == r["events"], (cox["customers"], cox["events"], r["n"], r["events"])
for row, b, se in zip(cox["coefficients"], r["coef"], r["se"]):
    near("coefficient " + row["covariate"], row["coefficient_per_unit"], b)
    near("standard error " + row["covariate"], row["std_error_per_unit"], se)
near("log-likelihood (null)", cox["log_likelihood_null"], r["loglik"][0])
near("log-likelihood", cox["log_likelihood"], r["loglik"][1])
if s["log_rank"] is None or r["logrank"] is None:
    print(f"  {name}: fewer than two tiers at risk, no log-rank test (engage {s['log_rank']}, R {r['logrank']})")
    if (s["log_rank"] is None) != (r["logrank"] is None): bad.append("log-rank presence")
else:
    near("chi-square of the log-rank test", s["log_rank"]["chi_square"], r["logrank"])
for t, z in zip(cox["proportional_hazards"]["tests"], r["zph"]):
    near("chi-square of cox.zph " + t["covariate"], t["chi_square"], z)
hz = cox["prediction"]["horizons"]
assert len(hz) == len(r["auc"]), (hz, r["auc"])
for x, a, b in zip(hz, r["auc"], r["brier"]):
    near(f"time-dependent AUC at {x['days']} days", x["auc"], a)
    near(f"Brier score at {x['days']} days", x["brier"], b)
h = cox["concordance"]
near("Harrell's C", h["harrell_c"], r["c"])
counts = [h["concordant"], h["discordant"], h["tied_predictor"]]
print(f"  {name} concordant, discordant, tied in the predictor: engage {counts}  R {r['count'][:3]}")
if counts != [int(v) for v in r["count"][:3]]: bad.append("concordance counts")
assert s["customers_at_risk"] == r["at_risk"], (s["customers_at_risk"], r["at_risk"])
sys.exit(1 if bad else 0)
PY
}

"$engage" generate --customers 6000 --mean-interactions 30 --seed 29 --output "$tmp/base.h5" -q
args=(score --input "$tmp/base.h5" --shard-customers 400 --retention --holdout-days 180 -q)
OMP_NUM_THREADS=1 "$engage" "${args[@]}" --output "$tmp/r1"
grep -q '"view": "forward-looking (landmark)' "$tmp/r1/report.json" || fail "no landmark view in report.json"
grep -q '"view": "descriptive' "$tmp/r1/report.json" || fail "the circular view is not labelled descriptive"
for run in "2 1" "3 2" "4 1"; do
    set -- $run
    OMP_NUM_THREADS=$2 "$mpiexec" --bind-to none -n "$1" "$engage" "${args[@]}" --output "$tmp/r$1"
    for f in report.json landmark_survival.csv cox.csv survival.csv; do
        cmp "$tmp/r1/$f" "$tmp/r$1/$f" || fail "$f differs at $1 ranks, $2 threads"
    done
    h5diff "$tmp/r1/customers.h5" "$tmp/r$1/customers.h5" /landmark /landmark || fail "/landmark differs at $1 ranks"
done
against_r generated "$tmp/r1"

if [ -n "$data" ] && [ -f "$data/CDNOW_master.txt" ]; then
    "$engage" import --transactions "$data/CDNOW_master.txt" --id-column 1 --date-column 2 --amount-column 4 \
        --merge-same-day --output "$tmp/cdnow.h5" -q
    OMP_NUM_THREADS=1 "$engage" score --input "$tmp/cdnow.h5" --as-of 1997-09-30 --retention --holdout-days 273 -q \
        --output "$tmp/cdnow"
    against_r cdnow "$tmp/cdnow"
fi
echo "survival: landmark Kaplan-Meier, log-rank and Cox identical at 1-4 ranks and agree with R to 1e-6"
