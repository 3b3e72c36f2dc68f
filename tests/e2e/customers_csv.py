"""Checks customers.csv against customers.h5 (Debian's /usr/bin/python3 with h5py and pandas).

Usage: customers_csv.py OUT_DIR [BASE.h5]
Every row and column of OUT_DIR/customers.csv equals the datasets of OUT_DIR/customers.h5
(float32 columns read back to the same float32, unknown values empty where the HDF5 value is NaN
or the dataset's _FillValue), the ids are BASE.h5's /customers/name when it has one, pandas reads
the table with the dtypes of docs/data-format.md, and every dataset of customers.h5 has the
attributes units and description.
"""
import csv
import sys

import h5py
import numpy as np
import pandas as pd

out = sys.argv[1]
base = sys.argv[2] if len(sys.argv) > 2 else None


def fail(msg):
    print("FAIL: customers_csv.py: " + msg, file=sys.stderr)
    sys.exit(1)


with open(out + "/customers.csv", newline="") as fh:
    rows = list(csv.reader(fh))
header, rows = rows[0], rows[1:]
col = {name: [r[i] for r in rows] for i, name in enumerate(header)}

with h5py.File(out + "/customers.h5", "r") as f:
    n = f["customers/id"].shape[0]
    if len(rows) != n:
        fail(f"{len(rows)} rows, customers.h5 has {n}")
    for r in rows:
        if len(r) != len(header):
            fail(f"a row of {len(r)} fields, the header has {len(header)}")

    # Every dataset says its unit and what it holds.
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            for a in ("units", "description"):
                if a not in obj.attrs:
                    fail(f"/{name} has no attribute {a}")
            if obj.dtype.kind in "iu" and "_FillValue" in obj.attrs and obj.attrs["_FillValue"].dtype != obj.dtype:
                fail(f"/{name}: _FillValue of type {obj.attrs['_FillValue'].dtype}, the dataset {obj.dtype}")
    f.visititems(visit)

    def data(path):
        return f[path][:]

    def names(table, path):
        return f["customers/" + table].asstr()[:][data("customers/" + path)]

    # Ids: the base's names, or the numbers.
    if base is not None:
        with h5py.File(base, "r") as b:
            if "customers/name" in b:
                expected = list(b["customers/name"].asstr()[:])
            else:
                expected = [str(v) for v in data("customers/id")]
    else:
        expected = [str(v) for v in data("customers/id")]
    if col["customer_id"] != expected:
        fail("customer_id differs from the ids")
    for c, table, path in [("business_unit", "business_unit_names", "business_unit"),
                           ("region", "region_names", "region"),
                           ("relationship_manager", "rm_names", "rm"),
                           ("segment", "segment_names", "segment")]:
        if col[c] != list(names(table, path)):
            fail(f"{c} differs from /customers/{path}")
    epoch = np.datetime64(f.attrs["epoch"].decode() if isinstance(f.attrs["epoch"], bytes) else f.attrs["epoch"])
    dates = [str(epoch + np.timedelta64(int(d), "D")) for d in data("customers/acquisition_day")]
    if col["acquisition_date"] != dates:
        fail("acquisition_date differs from /customers/acquisition_day")

    def same(c, values, dtype):
        got = col[c]
        values = np.asarray(values)
        for i, (s, v) in enumerate(zip(got, values)):
            unknown = (np.isnan(v) if values.dtype.kind == "f" else False)
            if unknown:
                if s != "":
                    fail(f"{c} row {i}: '{s}', expected empty (unknown)")
                continue
            if s == "" or dtype(s) != dtype(v):
                fail(f"{c} row {i}: '{s}', customers.h5 holds {v!r}")
            if "e" in s and c in ("wallet", "monetary", "expected_spend", "clv", "bgbb_clv", "composite", "trend"):
                fail(f"{c} row {i}: '{s}' in exponent notation")

    def with_fill(path):
        d = f[path]
        v = d[:].astype(np.float64)
        if "_FillValue" in d.attrs:
            v[d[:] == d.attrs["_FillValue"]] = np.nan
        return v

    same("wallet", data("customers/wallet"), float)
    for c in ["tenure_days", "recency_days", "last_interaction_days", "frequency", "interactions",
              "interactions_total", "breadth", "active_weeks", "active_months"]:
        same(c, with_fill("features/" + c), lambda x: int(float(x)))
    same("monetary", data("features/monetary"), float)
    for c in ["usage_regularity", "sentiment", "share_of_wallet"]:
        same(c, data("signals/" + c), np.float32)
    same("last_nps", with_fill("signals/last_nps"), lambda x: int(float(x)))
    dims = f["engagement/dimension_names"].asstr()[:]
    for k, d in enumerate(dims):
        same(d + "_score", data("engagement/dimensions")[:, k], np.float32)
    for c in ["composite", "composite_previous", "trend"]:
        same(c, data("engagement/" + c), np.float32)
    tiers = list(f["engagement/tier_names"].asstr()[:])
    for c in ["tier", "tier_previous"]:
        d = f["engagement/" + c]
        want = ["" if t == d.attrs["_FillValue"] else tiers[t] for t in d[:]]
        if col[c] != want:
            fail(f"{c} differs from /engagement/{c}")
    retention = "retention" in f
    for c in ["p_alive", "expected_transactions", "expected_spend", "clv"]:
        if retention:
            same(c, data("retention/" + c), np.float32)
        elif any(col[c]):
            fail(f"{c} not empty without --retention")
    bgbb = "retention/bgbb_p_alive" in f
    for c in ["bgbb_p_alive", "bgbb_expected_transactions", "bgbb_dert", "bgbb_clv"]:
        if bgbb:
            same(c, data("retention/" + c), np.float32)
        elif any(col[c]):
            fail(f"{c} not empty without --opportunity-days")

# pandas reads it with the documented dtypes.
df = pd.read_csv(out + "/customers.csv")
for c in ["frequency", "interactions", "interactions_total", "breadth", "active_weeks", "active_months"]:
    if df[c].dtype != np.int64:
        fail(f"pandas reads {c} as {df[c].dtype}, expected int64")
for c in ["wallet", "monetary", "composite", "usage_score"]:
    if df[c].dtype != np.float64:
        fail(f"pandas reads {c} as {df[c].dtype}, expected float64")
for c in ["business_unit", "tier"]:
    if df[c].dtype != object:
        fail(f"pandas reads {c} as {df[c].dtype}, expected object (strings)")
print(f"customers_csv.py: {len(rows)} rows x {len(header)} columns equal customers.h5")
