"""The landmark analysis's customers from an Engage customers.h5, for R (tests/e2e/survival.sh).

Writes CSV day,churned,tier,<covariates...>,key for the customers at risk at the as-of date (those
with /landmark/follow_up_days >= 0), each value printed with 17 significant digits (exact for the
doubles they are; key: the Cox linear predictor keyed as Engage keys it for the concordance,
recomputed here in Engage's order of operations), and prints the covariates that entered report.json's Cox model, comma-separated.
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
conc = cox.get("concordance")


def key_of(values):
    """kernels/survival/concordance.hpp's key of b'z, z = (x - mean) / sd; NA when incomplete."""
    if conc is None:
        return "NA"
    eta = 0.0
    for row in cox["coefficients"]:
        x = values[NAMES.index(row["covariate"])]
        if x != x:
            return "NA"
        eta += row["coefficient_per_sd"] * ((x - row["mean"]) / row["sd"])
    lo, hi, keys = conc["predictor_min"], conc["predictor_max"], conc["keys"]
    if not hi > lo:
        return "0"
    k = (eta - lo) / (hi - lo) * keys
    return str(0 if k <= 0 else keys - 1 if k >= keys - 1 else int(k))

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
    o.write(",".join(["day", "churned", "tier"] + NAMES + ["key"]) + "\n")
    for i in range(len(day)):
        if day[i] < 0:
            continue
        values = [columns[n][i] for n in NAMES]
        o.write(",".join([str(int(day[i])), str(int(churned[i])), str(int(tier[i]))] +
                         ["NA" if v != v else repr(float(v)) for v in values] + [key_of(values)]) + "\n")
print(",".join(entered))
