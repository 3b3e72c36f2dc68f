#!/usr/bin/python3
"""The planted effects of `engage generate --company-touches` recovered by `engage score`
(issue 18; tests/e2e/touches_planted.sh).

Usage: touches_planted.py BASE_H5 OUT_DIR

1. Offers taken up rise with the planted engagement e (planted: p(e) = 0.05 + 0.5 e,
   docs/metrics.md "The company's touches"): the customers' measured response rates
   (customers.h5 /touches/offer_response_rate) by tercile of e increase, the top tercile's mean
   exceeds the bottom's by more than 0.15 with a 95 % interval (normal approximation) above 0,
   and the measured rate tracks the planted probability (Pearson r > 0.3).
2. Slow support raises churn (planted: hazard x 1.8 when the customer's median reply time is
   over a day): in report.json's Cox model of churn after the as-of date, the covariate
   support_slow_share (share of the customer's tickets not answered within a day) has a hazard
   ratio above 1 whose 95 % interval excludes 1.
"""
import json
import math
import sys

import h5py
import numpy as np

base, out = sys.argv[1:3]
failed = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failed.append(what)


with h5py.File(base, "r") as f:
    e = f["/truth/engagement"][:]
    planted_p = f["/truth/offer_response_probability"][:]
with h5py.File(f"{out}/customers.h5", "r") as f:
    rate = f["/touches/offer_response_rate"][:]
    offers = f["/touches/offers"][:]

known = ~np.isnan(rate) & (offers >= 3)  # a rate from at least three offers
cuts = np.quantile(e[known], [1 / 3, 2 / 3])
terciles = [known & (e < cuts[0]), known & (e >= cuts[0]) & (e < cuts[1]), known & (e >= cuts[1])]
means = [float(rate[t].mean()) for t in terciles]
print("offer response rate by tercile of planted engagement:", [round(m, 4) for m in means],
      "customers", [int(t.sum()) for t in terciles])
check(means[0] < means[1] < means[2], "the response rate rises across the terciles of planted engagement")
lo, hi = terciles[0], terciles[2]
diff = means[2] - means[0]
se = math.sqrt(rate[hi].var(ddof=1) / hi.sum() + rate[lo].var(ddof=1) / lo.sum())
print(f"top - bottom tercile: {diff:.4f} (95 % interval {diff - 1.96 * se:.4f} .. {diff + 1.96 * se:.4f})")
check(diff > 0.15 and diff - 1.96 * se > 0, "top minus bottom tercile above 0.15, its interval above 0")
r = float(np.corrcoef(rate[known], planted_p[known])[0, 1])
print(f"Pearson r, measured rate vs planted probability: {r:.4f} over {int(known.sum())} customers")
check(r > 0.3, "the measured response rate tracks the planted probability (r > 0.3)")

cox = json.load(open(f"{out}/report.json"))["survival"]["cox"]
rows = {c["covariate"]: c for c in cox["coefficients"]}
slow = rows.get("support_slow_share")
check(slow is not None, "support_slow_share entered the Cox model")
if slow is not None:
    print("support_slow_share: hazard ratio per unit (all tickets slow vs none) "
          f"{slow['hazard_ratio_per_unit']:.4f}; per sd {slow['hazard_ratio_per_sd']:.4f} "
          f"({slow['hazard_ratio_per_sd_lower']:.4f} .. {slow['hazard_ratio_per_sd_upper']:.4f}), p {slow['p_value']:.3g}")
    check(slow["hazard_ratio_per_sd_lower"] > 1, "slow support raises the churn hazard, interval above 1")
check("offer_response_rate" in rows or any(c["covariate"] == "offer_response_rate" for c in cox["covariates_left_out"]),
      "offer_response_rate is among the Cox covariates")
if failed:
    sys.exit("touches_planted: " + "; ".join(failed))
print("touches_planted: the planted effects are recovered")
