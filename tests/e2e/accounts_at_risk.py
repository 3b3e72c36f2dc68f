#!/usr/bin/env python3
"""The accounts at risk of one `engage score` output, checked against its own customers.csv
(issue 16): two independent paths to the same accounts. accounts_at_risk.csv must be exactly
customers.csv's rows whose tier is not_engaged or actively_disengaged, in the same order, with
the same values; report.json's ranked lists (bounded per-rank lists merged across ranks) must be
the top N of those rows per group by revenue at risk, then customer id, and each group's counts
and revenue at risk must add up from them.
Usage: accounts_at_risk.py OUTPUT_DIR"""
import csv
import json
import sys
from collections import defaultdict
from decimal import Decimal

out = sys.argv[1]
fails = []


def check(ok, message):
    if not ok:
        fails.append(message)


with open(f"{out}/customers.csv", newline="") as f:
    customers = list(csv.DictReader(f))
with open(f"{out}/accounts_at_risk.csv", newline="") as f:
    risk = list(csv.DictReader(f))
report = json.load(open(f"{out}/report.json"))
low = {"not_engaged", "actively_disengaged"}

expected = [c for c in customers if c["tier"] in low]
check(len(risk) == len(expected), f"accounts_at_risk.csv has {len(risk)} rows, customers.csv {len(expected)} at risk")
check(len(expected) > 0, "no customer at risk: the test base is too small to test anything")
for r, c in zip(risk, expected):
    same = all(r[k] == c[k] for k in ("customer_id", "business_unit", "region", "relationship_manager", "segment",
                                       "composite", "tier", "composite_previous", "tier_previous", "trend"))
    newly = "true" if c["tier_previous"] in ("fully_engaged", "engaged") else "false"
    if not (same and r["revenue_at_risk"] == c["monetary"] and r["newly_at_risk"] == newly):
        check(False, f"row of customer {c['customer_id']} differs: {r} vs {c}")
        break

a = report["accounts_at_risk"]


def ranked(rows):
    return sorted(rows, key=lambda r: (-Decimal(r["revenue_at_risk"]), int(r["customer_id"])))


def check_group(g, rows, limit, what):
    top = [int(x["customer_id"]) for x in g["top_accounts"]]
    want = [int(r["customer_id"]) for r in ranked(rows)[:limit]]
    check(top == want, f"{what}: top accounts {top[:5]}... expected {want[:5]}...")
    check(g["customers_at_risk"] == len(rows), f"{what}: {g['customers_at_risk']} at risk, the CSV has {len(rows)}")
    total = sum(Decimal(r["revenue_at_risk"]) for r in rows)
    check(Decimal(str(g["revenue_at_risk"])) == total, f"{what}: revenue at risk {g['revenue_at_risk']}, the CSV adds to {total}")
    for x in g["top_accounts"]:
        row = next(r for r in rows if int(r["customer_id"]) == x["customer_id"])
        check(Decimal(str(x["revenue_at_risk"])) == Decimal(row["revenue_at_risk"]) and x["tier"] == row["tier"],
              f"{what}: account {x['customer_id']} differs from its CSV row")


check_group(a["corporate"], risk, 25, "corporate")
for level, key, n in (("business_units", "business_unit", a["top_accounts_per_business_unit"]),
                      ("relationship_managers", "relationship_manager", a["top_accounts_per_relationship_manager"])):
    by = defaultdict(list)
    for r in risk:
        by[r[key]].append(r)
    names = [g["name"] for g in a[level]]
    check(sorted(names) == sorted(by), f"{level}: groups {sorted(names)[:5]} vs the CSV's {sorted(by)[:5]}")
    revenue = [Decimal(str(g["revenue_at_risk"])) for g in a[level]]
    check(revenue == sorted(revenue, reverse=True), f"{level}: not ranked by revenue at risk")
    for g in a[level]:
        check_group(g, by[g["name"]], n, f"{level} {g['name']}")

if fails:
    print("FAIL: accounts at risk:\n  " + "\n  ".join(fails[:10]), file=sys.stderr)
    sys.exit(1)
print(f"accounts at risk: {len(risk)} accounts, {len(a['business_units'])} units and "
      f"{len(a['relationship_managers'])} managers match customers.csv")
