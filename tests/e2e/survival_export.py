"""The landmark analysis's customers from an Engage customers.h5, for R (tests/e2e/survival.sh).

Writes CSV day,churned,tier,<covariates...> for the customers at risk at the as-of date (those
with /landmark/follow_up_days >= 0), each value printed with 17 significant digits (exact for the
doubles they are), and prints the covariates that entered report.json's Cox model, comma-separated.
Usage: survival_export.py CUSTOMERS_H5 REPORT_JSON OUT_CSV
"""
import json
import sys

import h5py

NAMES = ["usage", "sentiment", "involvement", "advocacy", "competitive",
         "recency_days", "frequency", "monetary", "tenure_days"]

h5, report, out = sys.argv[1:4]
cox = json.load(open(report))["survival"]["cox"]
entered = [row["covariate"] for row in cox["coefficients"]]
with h5py.File(h5, "r") as f:
    day = f["/landmark/follow_up_days"][:]
    churned = f["/landmark/churned"][:]
    tier = f["/engagement/tier"][:]
    dims = f["/engagement/dimensions"][:].astype("float64")
    columns = {
        "last_interaction_days": f["/features/last_interaction_days"][:].astype("float64"),
        "frequency": f["/features/frequency"][:].astype("float64"),
        "monetary": f["/features/monetary"][:].astype("float64"),
        "tenure_days": f["/features/tenure_days"][:].astype("float64"),
    }
# Recency counts the acquisition day as an interaction (kernels/survival/landmark_cox.hpp).
last, tenure = columns.pop("last_interaction_days"), columns["tenure_days"]
columns["recency_days"] = [min(l, t) if l >= 0 else t for l, t in zip(last, tenure)]
for d, name in enumerate(NAMES[:5]):
    columns[name] = dims[:, d]
with open(out, "w") as o:
    o.write(",".join(["day", "churned", "tier"] + NAMES) + "\n")
    for i in range(len(day)):
        if day[i] < 0:
            continue
        values = [columns[n][i] for n in NAMES]
        o.write(",".join([str(int(day[i])), str(int(churned[i])), str(int(tier[i]))] +
                         ["NA" if v != v else repr(float(v)) for v in values]) + "\n")
print(",".join(entered))
