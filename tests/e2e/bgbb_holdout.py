#!/usr/bin/python3
"""An independent count of BG/BB's opportunities (tests/e2e/bgbb_donations.sh): from the customer
base itself (h5py, numpy), the customers with a purchase by the as-of date and, per holdout
opportunity, those with a purchase in it, against report.json's bg_bb entry.

Usage: bgbb_holdout.py BASE.h5 REPORT.json AS_OF(YYYY-MM-DD) OPPORTUNITY_DAYS HOLDOUT_DAYS
Days are counted from the base's epoch attribute, as /interactions/time is.
Opportunities of P days end on the as-of day c; the holdout's opportunity k is (c + (k-1)P, c + kP].
"""
import datetime
import json
import sys

import h5py
import numpy as np

base, report, period, holdout_days = sys.argv[1], sys.argv[2], int(sys.argv[4]), int(sys.argv[5])
with h5py.File(base, "r") as h:
    epoch = datetime.date.fromisoformat(h.attrs["epoch"].decode())
    as_of = (datetime.date.fromisoformat(sys.argv[3]) - epoch).days
    kinds = [k.decode() for k in h["/channels/kind"][:]]
    codes = list(h["/channels/code"][:])
    purchase_codes = [c for c, k in zip(codes, kinds) if k == "purchase"]
    offsets = h["/interactions/offsets"][:]
    day = h["/interactions/time"][:].astype(np.int64) // 86400
    purchase = np.isin(h["/interactions/channel"][:], purchase_codes)
customer = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets.astype(np.int64)))
first = np.full(len(offsets) - 1, np.iinfo(np.int64).max)
np.minimum.at(first, customer[purchase], day[purchase])
calibrated = first <= as_of
opportunities = holdout_days // period
actual = []
for k in range(1, min(opportunities, 16) + 1):
    inside = purchase & (day > as_of + (k - 1) * period) & (day <= as_of + k * period) & calibrated[customer]
    actual.append(len(np.unique(customer[inside])))
inside = purchase & (day > as_of) & (day <= as_of + opportunities * period) & calibrated[customer]
total = np.unique(np.stack([customer[inside], (day[inside] - as_of - 1) // period]), axis=1).shape[1]

m = {m["model"]: m for m in json.load(open(report))["retention"]["models"]}["bg_bb"]
got = [r["actual"] for r in m["holdout"]["by_opportunity"]]
if m["customers"] != int(calibrated.sum()):
    sys.exit(f"FAIL: BG/BB customers {m['customers']}, counted {int(calibrated.sum())}")
if got != actual or m["holdout"]["actual_transactions"] != total or m["holdout"]["opportunities"] != opportunities:
    sys.exit(f"FAIL: holdout opportunities with a purchase: report {got} (total {m['holdout']['actual_transactions']}), "
             f"counted {actual} (total {total})")
predicted = sum(r["predicted"] for r in m["holdout"]["by_opportunity"])
if opportunities <= 16 and abs(predicted - m["holdout"]["predicted_transactions"]) > 1e-6 * max(1, predicted):
    sys.exit(f"FAIL: the predicted opportunities {predicted} do not add up to the total {m['holdout']['predicted_transactions']}")
print(f"BG/BB holdout: {m['customers']} customers, actual by opportunity {actual} (total {total}) as counted; "
      f"predicted {m['holdout']['predicted_transactions']:.1f}")
