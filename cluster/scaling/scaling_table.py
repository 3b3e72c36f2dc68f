#!/usr/bin/env python3
"""Medians of the scaling runs: speedup and parallel efficiency per configuration.

Usage: scaling_table.py RUNS.csv SCALING.csv   (RUNS.csv from sweep.sh; prints a Markdown table)

For each (mode, ranks, threads) the run with the median wall time is kept (the lower middle one
for an even count), with its per-phase seconds, so that the phases add up as in one real run.
Efficiency compares throughput per core with the mode's reference (its configuration with the
fewest cores, normally 1 rank x 1 thread):
    efficiency = (interactions / (wall x cores)) / (same for the reference),  cores = ranks x threads
    speedup    = efficiency x cores / reference cores
For strong scaling (same base) this is the usual T_ref / T and T_ref / (p T); for weak scaling
(customers proportional to ranks) it is throughput per core, which allows for bases whose
interaction counts are not exactly proportional.
"""
import csv
import sys

PHASES = ["open", "read", "compute", "write", "reduce", "engagement", "report"]
COLUMNS = (["mode", "ranks", "threads", "cores", "customers", "interactions", "shards", "reps", "wall_s",
            "interactions_per_s", "speedup", "efficiency"] + [p + "_s" for p in PHASES] +
           ["bytes_sent_per_rank_max", "bytes_sent_per_rank_mean", "allreduce_bytes_per_rank_max",
            "allreduce_calls", "broadcast_bytes_max_rank", "collectives", "peak_rss_mb", "input_bytes", "output_bytes", "others_cpu_share"])


def medians(rows):
    groups = {}
    for r in rows:
        groups.setdefault((r["mode"], int(r["ranks"]), int(r["threads"])), []).append(r)
    out = []
    for (mode, ranks, threads), g in groups.items():
        g.sort(key=lambda r: float(r["wall_s"]))
        m = dict(g[(len(g) - 1) // 2])
        m["reps"] = len(g)
        m["cores"] = ranks * threads
        out.append(m)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        rows = list(csv.DictReader(open(sys.argv[1])))
    except OSError as e:
        sys.exit(f"scaling_table.py: cannot read {sys.argv[1]}: {e.strerror}")
    if not rows:
        sys.exit(f"scaling_table.py: {sys.argv[1]} has no runs")
    table = medians(rows)
    for mode in {r["mode"] for r in table}:
        mine = [r for r in table if r["mode"] == mode]
        ref = min(mine, key=lambda r: (r["cores"], int(r["ranks"])))
        per_core_ref = int(ref["interactions"]) / (float(ref["wall_s"]) * ref["cores"])
        for r in mine:
            per_core = int(r["interactions"]) / (float(r["wall_s"]) * r["cores"])
            r["efficiency"] = per_core / per_core_ref
            r["speedup"] = r["efficiency"] * r["cores"] / ref["cores"]
    table.sort(key=lambda r: (r["mode"] != "strong", int(r["ranks"]), int(r["threads"])))
    with open(sys.argv[2], "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in table:
            r["interactions_per_s"] = int(r["interactions"]) / float(r["wall_s"])
            r["peak_rss_mb"] = int(r["peak_rss_bytes"]) / 1e6
            w.writerow([fmt(r[c]) for c in COLUMNS])
    print("| mode | ranks x threads | customers | interactions | wall s | speedup | efficiency | "
          "open / read / compute / write / reduce / engagement / report s | MB sent per rank (max) | "
          "collectives | peak MB per rank |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for r in table:
        phases = " / ".join(f"{float(r[p + '_s']):.3f}" for p in PHASES)
        print(f"| {r['mode']} | {r['ranks']} x {r['threads']} | {int(r['customers']):,} | "
              f"{int(r['interactions']) / 1e6:.1f} M | {float(r['wall_s']):.3f} | {r['speedup']:.2f} | "
              f"{r['efficiency']:.2f} | {phases} | {int(r['bytes_sent_per_rank_max']) / 1e6:.2f} | "
              f"{r['collectives']} | {r['peak_rss_mb']:.0f} |")


def fmt(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    try:
        return f"{float(v):.6g}" if "." in str(v) else str(v)
    except ValueError:
        return str(v)


if __name__ == "__main__":
    main()
