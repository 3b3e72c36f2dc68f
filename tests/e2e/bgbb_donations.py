#!/usr/bin/python3
"""The donations data of Fader, Hardie & Shang (2010) as a transaction log, and the check of
`engage score --opportunity-days 365` on it (tests/e2e/bgbb_donations.sh).

  bgbb_donations.py log DONATIONS_CSV OUT_CSV
      One row per donation: every supporter's first donation on 1995-07-01 (the trial) and, for
      a pattern (x, t_x) of the 1996-2001 opportunities, donations on July 1 of the years
      1995 + 1 .. 1995 + x - 1 and 1995 + t_x (only x and t_x matter to BG/BB).
  bgbb_donations.py check DONATIONS_CSV OUT_DIR
      report.json's BG/BB fit against the published one and customers.h5's P(alive) of the
      patterns (0, 0), (2, 4), (6, 6) against the paper's 0.11, 0.59, 0.93.
"""
import csv
import json
import sys


def patterns(path):
    with open(path) as f:
        for row in csv.DictReader(f):
            yield int(row["frequency"]), int(row["recency"]), int(row["periods"]), int(row["weights"])


def write_log(src, out):
    donor = 0
    with open(out, "w") as f:
        f.write("id,date,amount\n")
        for x, t_x, n, weight in patterns(src):
            assert n == 6 and 0 <= x <= t_x <= n
            years = list(range(1, x)) + ([t_x] if x else [])
            for _ in range(weight):
                donor += 1
                f.write(f"D{donor:05d},1995-07-01,25.00\n")
                for y in years:
                    f.write(f"D{donor:05d},{1995 + y}-07-01,25.00\n")
    return donor


def check(src, out):
    import h5py
    import numpy as np
    report = json.load(open(f"{out}/report.json"))
    models = {m["model"]: m for m in report["retention"]["models"]}
    m = models["bg_bb"]
    p = m["parameters"]
    # FHS 2010 (and the data's README): alpha 1.204, beta 0.750, gamma 0.657, delta 2.783, LL -33,225.6.
    for name, published in (("alpha", 1.204), ("beta", 0.750), ("gamma", 0.657), ("delta", 2.783)):
        if round(p[name], 3) != published:
            sys.exit(f"FAIL: BG/BB {name} {p[name]:.5f} is not the published {published}")
    if round(m["log_likelihood"], 1) != -33225.6:
        sys.exit(f"FAIL: BG/BB log-likelihood {m['log_likelihood']:.3f} is not the published -33,225.6")
    if m["customers"] != 11104 or m["opportunity_days"] != 365 or not m["converged"]:
        sys.exit(f"FAIL: BG/BB fit on {m['customers']} customers, {m['opportunity_days']} days, converged {m['converged']}")
    # Each donor's pattern, in the log's order (customers are numbered in byte order of their ids,
    # D00001 ... D11104, which is the order they were written in).
    expected = []
    for x, t_x, n, weight in patterns(src):
        expected += [(x, t_x)] * weight
    with h5py.File(f"{out}/customers.h5", "r") as h:
        alive = h["/retention/bgbb_p_alive"][:]
        for name in ("bgbb_expected_transactions", "bgbb_dert", "bgbb_clv"):
            if not np.all(np.isfinite(h["/retention/" + name][:])):
                sys.exit(f"FAIL: /retention/{name} has unknown values for donors with a first donation")
        if h["/retention/bgbb_p_alive"].attrs["units"] not in ("1", b"1"):
            sys.exit("FAIL: /retention/bgbb_p_alive has no units attribute")
    if len(alive) != 11104:
        sys.exit(f"FAIL: customers.h5 has {len(alive)} rows, not 11,104")
    published = {(0, 0): 0.11, (2, 4): 0.59, (6, 6): 0.93}
    for i, pattern in enumerate(expected):
        if pattern in published and round(float(alive[i]), 2) != published[pattern]:
            sys.exit(f"FAIL: P(alive) of pattern {pattern} is {alive[i]:.4f}, not the published {published[pattern]}")
    print(f"BG/BB on the donations log: alpha {p['alpha']:.4f} beta {p['beta']:.4f} gamma {p['gamma']:.4f} "
          f"delta {p['delta']:.4f}, log-likelihood {m['log_likelihood']:.2f}; P(alive) as published")


if __name__ == "__main__":
    if sys.argv[1] == "log":
        print(write_log(sys.argv[2], sys.argv[3]), "donors")
    else:
        check(sys.argv[2], sys.argv[3])
