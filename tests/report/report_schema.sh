#!/usr/bin/env bash
# report.json against docs/report.schema.json (issue 15, item 4): engage score on a generated base
# and on imported exports (string ids, timestamps with zones, an attribute file; with and without
# amounts) under option sets that between them write every optional section and shape: without
# and with --retention, --holdout-days (the study, backtests, --calibrate-as-of, landmark/Cox),
# --opportunity-days (BG/BB), the cohort options (--cohort-by each breakdown, brackets, rolling
# windows, withheld cohorts), suppressed groups, models not fitted, revenue unknown (null). Each
# report is validated with Debian's python3-jsonschema (report_schema.py: every error printed with
# its JSON path), and the schema is shown able to fail: a valid report mutated in known ways
# (a tier misspelt, a share of 1.5, a required key gone, an unknown key) must be rejected there.
# Usage: report_schema.sh ENGAGE SCHEMA
set -euo pipefail
engage=$1
schema=$2
here=$(dirname "$0")
py=/usr/bin/python3
export OMP_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
$py -c 'import jsonschema' 2>/dev/null || fail "Debian's python3-jsonschema is not installed (.ci/setup installs it)"
score() { "$engage" score "$@" -q; }
# The report's top-level keys that hold a section, in order, must be these.
sections() { # report.json expected
    local got
    got=$($py -c 'import json, sys; print(" ".join(k for k, v in json.load(open(sys.argv[1])).items() if isinstance(v, dict)))' "$1")
    [ "$got" = "$2" ] || fail "$1: sections '$got', expected '$2'"
}
# A Python expression over the report r must hold.
holds() { # report.json expression
    $py -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" ||
        fail "$1: does not hold: $2"
}
plain="window data corporate engagement accounts_at_risk"
retention="$plain retention"
study="$retention study survival"

# The generated demo base: 1,500 customers over 2021-2025, 48 relationship managers of about 30, with /truth (engagement's validation,
# the study's planted-churn AUCs).
"$engage" generate --customers 1500 --seed 5 --mean-interactions 30 --customers-per-rm 40 --output "$tmp/base.h5" -q
score --input "$tmp/base.h5" --output "$tmp/g-plain" --window-days 200 --min-group-size 30 --reference-population all
sections "$tmp/g-plain/report.json" "$plain"
holds "$tmp/g-plain/report.json" 'r["engagement"]["relationship_managers"]["suppressed_groups"] > 0
    and r["engagement"]["relationship_managers"]["other"] is not None and "validation" in r["engagement"]'
score --input "$tmp/base.h5" --output "$tmp/g-retention" --window-days 200 --retention --cohort-by region \
    --cohort-brackets 0,1,3,6 --cohort-min-size 120 --cohort-show revenue --prediction-model pareto_nbd
sections "$tmp/g-retention/report.json" "$retention"
# Regions of about 125 customers, monthly cohorts of about 25: every cohort withheld (all cells
# null), three regions folded into "other".
holds "$tmp/g-retention/report.json" 'r["retention"]["holdout_end"] is None and r["retention"]["cohorts"]["suppressed_groups"] == 3
    and r["retention"]["cohorts"]["regions"][-1]["region"] == "other (3 regions)"
    and all(c["suppressed"] for c in r["retention"]["cohorts"]["corporate"]["cohorts"])'
score --input "$tmp/base.h5" --output "$tmp/g-study" --window-days 200 --retention --holdout-days 120 \
    --backtest-as-of 2025-03-31 --calibrate-as-of 2025-01-31 --opportunity-days 30 --cohort quarter --cohort-by rm
sections "$tmp/g-study/report.json" "$study"
holds "$tmp/g-study/report.json" '[m["model"] for m in r["retention"]["models"]] == ["bg_nbd", "pareto_nbd", "gamma_gamma", "bg_bb"]
    and len(r["study"]["backtest"]) == 2 and "calibrated" in r["study"]["backtest"][1]["baselines"]
    and "auc_planted_churn" in r["study"]["backtest"][0] and r["survival"]["cox"]["fitted"]'

# The company's touches (issue 18): the touches section, and the Cox model with its two covariates.
"$engage" generate --customers 1500 --seed 6 --mean-interactions 30 --company-touches --output "$tmp/touches.h5" -q
score --input "$tmp/touches.h5" --output "$tmp/t-study" --retention --holdout-days 120
sections "$tmp/t-study/report.json" "$plain touches ${study#"$plain "}"
holds "$tmp/t-study/report.json" 'r["touches"]["answers_known"] and r["touches"]["corporate"]["support"]["tickets"] > 0
    and "offer_response_rate" in [c["covariate"] for c in r["survival"]["cox"]["coefficients"]]
    and "support_slow_share" in [c["covariate"] for c in r["survival"]["cox"]["covariates_left_out"]]'

# An imported export: string ids, ISO 8601 timestamps with zones, the built-in channel names, and
# a CRM attribute file (every attribute; some wallets blank, some customers without a row).
$py - "$tmp" <<'PY'
import random, sys
tmp = sys.argv[1]
rng = random.Random(15)
kinds = ["purchase", "purchase", "purchase", "usage", "usage", "support", "survey", "review"]
with open(f"{tmp}/events.csv", "w") as f, open(f"{tmp}/crm.csv", "w") as crm, open(f"{tmp}/log.csv", "w") as log:
    f.write("Account,Timestamp,Amount,Source\n")
    log.write("Account,Date\n")
    crm.write("Account,Business Unit,Region,Relationship Manager,Segment,Wallet,Acquisition Date\n")
    for c in range(300):
        account = f"ACC-{c:05d}"
        day = rng.randrange(0, 600)
        gap = rng.gammavariate(1.5, 20)   # heterogeneous rates, a dropout after each event: BTYD-like
        spend = rng.lognormvariate(3.5, 0.6)
        dropout = rng.betavariate(0.8, 4)
        while day < 720:
            month, rest = divmod(day, 30)
            date = f"{2023 + month // 12}-{month % 12 + 1:02d}-{rest % 28 + 1:02d}"
            kind = rng.choice(kinds)
            amount = f"{spend * rng.lognormvariate(0, 0.3):.2f}" if kind == "purchase" else ("9" if kind == "survey" else "0")
            f.write(f"{account},{date}T{rng.randrange(24):02d}:15:00+02:00,{amount},{kind}\n")
            if kind == "purchase":
                log.write(f"{account},{date}\n")
            if rng.random() < dropout:
                break
            day += 1 + int(rng.expovariate(1 / gap))
        if c % 50 == 7:
            continue  # no CRM row
        wallet = "" if c % 3 == 0 else f"{rng.randrange(1000, 50000)}.00"
        crm.write(f"{account},{['Retail', 'Corporate', 'Public'][c % 3]},{['EMEA', 'APAC', 'Americas', 'Nordics'][c % 4]},"
                  f"RM {c % 13},{['Gold', 'Silver', 'Bronze'][c % 3]},{wallet},2022-12-{c % 28 + 1:02d}\n")
PY
"$engage" import --transactions "$tmp/events.csv" --id-column Account --date-column Timestamp --channel-column Source \
    --amount-column Amount --attributes "$tmp/crm.csv" --output "$tmp/imported.h5" -q
# A purchase log without amounts (customer, date), as BTYDplus's grocery log, with the same CRM file.
"$engage" import --transactions "$tmp/log.csv" --id-column Account --date-column Date --amount-column none \
    --attributes "$tmp/crm.csv" --output "$tmp/no-amounts.h5" -q

score --input "$tmp/imported.h5" --output "$tmp/i-study" --retention --holdout-days 90 --cohort-by segment \
    --cohort-min-size 5 --min-group-size 20 --currency EUR
sections "$tmp/i-study/report.json" "$study"
# Three business units and "unknown" (customers without a CRM row); wallets known from the last day.
holds "$tmp/i-study/report.json" 'r["data"]["business_units"] == 4 and r["corporate"]["revenue"] > 0
    and "segments" in r["retention"]["cohorts"] and r["engagement"]["model"]["wallets"]["known_from"] is not None
    and not r["engagement"]["model"]["wallets"]["used"]'
score --input "$tmp/no-amounts.h5" --output "$tmp/n-plain"
sections "$tmp/n-plain/report.json" "$plain"
score --input "$tmp/no-amounts.h5" --output "$tmp/n-study" --retention --holdout-days 90 --opportunity-days 14 \
    --cohort-windows rolling --cohort-show on_or_after
sections "$tmp/n-study/report.json" "$study"
# Revenue unknown, not 0; Gamma-Gamma without values to fit: not fitted, with its reason.
holds "$tmp/n-study/report.json" 'r["corporate"]["revenue"] is None and r["engagement"]["corporate"]["revenue_at_risk"] is None
    and r["accounts_at_risk"]["corporate"]["top_accounts"][0]["revenue_at_risk"] is None
    and r["retention"]["models"][2]["fitted"] is False and r["retention"]["cohorts"]["corporate_recurring"] is None
    and all(d["revenue"] is None and d["revenue_per_customer"] is None and d["revenue_lift"] is None
            for b in r["study"]["backtest"] for d in b["deciles"])'

$py "$here/report_schema.py" "$schema" "$tmp"/*/report.json
$py "$here/report_schema.py" "$schema" --self-test "$tmp/g-study/report.json"
