#!/usr/bin/env python3
"""A model of `engage score`'s parallel efficiency at 64 to 1024 ranks, from measured costs.

Usage: model.py SCALING.csv... [--allreduce ALLREDUCE.csv] [--small-shards SMALL.csv...] [--out DIR]
                [cluster assumptions...]
  SCALING.csv   from sweep.sh (scaling_table.py), one or more: strong and/or weak rows, with
                1 rank x 1 thread among them; the strong base is the largest one at 1 rank
  SMALL.csv     optional: a base also in SCALING.csv, scored with smaller shards (sweep.sh with
                SCORE_ARGS="--shard-interactions 65536" MODES=strong): the cost of a round
  ALLREDUCE.csv from allreduce_bench.c: the launcher's own all-reduce, fitted to the same cost
                formula as a check on the measured machine (the "local" row of the assumptions)
Writes DIR/model.csv (1..1024 ranks, for the plot) and DIR/model.md (64..1024 ranks, Markdown),
and prints model.md. Standard library only.

Time of a run on p ranks (one thread each), every term from the measured runs except the
cluster's latency, bandwidth and file-system figures, which are assumptions (options below):

  T(p) = serial(C, p) + max(parallel(p), io_floor) + allreduces(p) + broadcasts(p)

  parallel(p) = W * ceil(S / p) / S
      W: the 1-rank time of the phases that divide among ranks (read, compute, write, reduce,
      engagement); S: shards. Shards are dealt in contiguous blocks whose sizes differ by at most
      one and are balanced by interactions, so the slowest rank does ceil(S/p) of S shards.
  serial(C, p) = o0 + o1 * planned(C, p) + r0 + r1 * C       (C customers)
      everything else of the wall time, in two parts fitted by least squares over the measured
      runs at 1 rank x 1 thread:
      - the "open" phase, o0 + o1 * planned: the files opened, and the shards planned from the
        offsets in planning blocks of 2^18 customers (partition::kPlanBlockCustomers) dealt to
        the ranks in contiguous ranges, so that the slowest rank plans
        planned(C, p) = min(C, ceil(ceil(C / 2^18) / p) * 2^18) customers (all of them at 1 rank);
      - the rest, r0 + r1 * C: the report built by rank 0 (it grows with the sales hierarchy,
        not with the customers), creating customers.h5, committing the outputs.
  io_floor = (input bytes + output bytes) / file-system bandwidth   (every rank reads and writes
      at once: the run cannot beat the file system's aggregate bandwidth). With a codec (issue 14)
      the measured unfiltered bytes are scaled by --input-scale and --output-scale (stored /
      unfiltered bytes, measured), and the codec's CPU time of the 1-rank base, --codec-seconds
      (decoding the input, encoding customers.h5), is added to W.
  allreduces(p) = A(p) * 2 ceil(log2 p) * alpha + (p - 1) / p * B(C) * (2 beta + gamma)
      Rabenseifner's reduce-scatter + all-gather (Thakur, Rabenseifner & Gropp, "Optimization of
      collective communication operations in MPICH", IJHPCA 19(1), 2005): 2 log2 p latencies and
      2 (p-1)/p n bytes per rank, plus (p-1)/p n bytes of reduction arithmetic. Summed over the
      calls it needs only their count A and total bytes B per rank, both counted by mpi::Comm:
      A(p) = a0 + a1 * ceil(S/p) (two agree() per round of shards), B(C) = b0 + b1 * C (fitted:
      the metric histograms are fixed, the report state grows with the sales hierarchy, which the
      generator sizes at one relationship manager per 250 customers).
      Small messages use recursive doubling (log2 p latencies), so the latency term is an upper bound.
  broadcasts(p) = ceil(log2 p) * (calls * alpha + bytes * beta)   (binomial tree; shard bounds)
  beta = ranks per node / link bandwidth (all ranks of a node cross its one link at once: the
      worst case of a flat algorithm; a hierarchical all-reduce would do better)

Strong scaling keeps the measured strong base (C, interactions, S, W). The "small shards" variant
has as many times more shards as SMALL.csv has over the same base scored with the default, and
each extra round costs what the 1-rank runs of the two shard sizes differ by, per round. Weak
scaling multiplies the weak base of 1 rank by p (C, interactions, S, W and the file sizes).
"""
import argparse
import csv
import math
import os
import sys

PARALLEL = ["read_s", "compute_s", "write_s", "reduce_s", "engagement_s"]
RANKS = [2 ** k for k in range(11)]  # 1 .. 1024
FS_SWEEP = [20, 50, 100, 200, 500, 1000]  # GB/s of the file-system table
PLAN_BLOCK = 1 << 18  # partition::kPlanBlockCustomers (src/partition/block_plan.hpp)


def planned(customers, p):
    """Customers whose offsets the slowest of p ranks plans (jobs/shard_plan.cpp)."""
    blocks = math.ceil(customers / PLAN_BLOCK)
    return min(customers, math.ceil(blocks / p) * PLAN_BLOCK)


def fit_line(xs, ys):
    """Least-squares y = a + b x; with one distinct x, a line through the origin."""
    if len(set(xs)) < 2:
        return 0.0, (sum(ys) / sum(xs) if sum(xs) else 0.0)
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b


def fit_cost(xs, ys):
    """fit_line for a cost that cannot fall as x grows: a negative slope (noise over a cost that
    does not grow) is taken as a constant, the mean."""
    a, b = fit_line(xs, ys)
    return (a, b) if b >= 0 else (sum(ys) / len(ys), 0.0)


def log2up(p):
    return math.ceil(math.log2(p)) if p > 1 else 0


def read_csv(path):
    try:
        return list(csv.DictReader(open(path)))
    except OSError as e:
        sys.exit(f"model.py: cannot read {path}: {e.strerror}; give a scaling.csv written by sweep.sh")


def read_rows(paths):
    rows = []
    for path in paths:
        for r in read_csv(path):
            r["ranks"], r["threads"], r["customers"], r["shards"] = (
                int(r["ranks"]), int(r["threads"]), int(r["customers"]), int(r["shards"]))
            r["parallel"] = sum(float(r[k]) for k in PARALLEL)
            r["serial"] = float(r["wall_s"]) - r["parallel"]
            r["rounds"] = math.ceil(r["shards"] / r["ranks"])
            rows.append(r)
    return rows


def first_rank(rows):
    return [r for r in rows if r["ranks"] == 1 and r["threads"] == 1]


class Base:
    """One base as measured at 1 rank x 1 thread; scaled(k) is k such bases side by side."""

    KEYS = ("customers", "interactions", "shards", "input_bytes", "output_bytes", "broadcast_bytes_max_rank")

    def __init__(self, row):
        self.v = {k: float(row[k]) for k in self.KEYS}
        self.v["W"] = row["parallel"]
        self.v["wall"] = float(row["wall_s"])

    def __getitem__(self, k):
        return self.v[k]

    def scaled(self, k):
        b = Base.__new__(Base)
        b.v = {key: (val * k if key != "wall" else val) for key, val in self.v.items()}
        return b


class Costs:
    """Fits over the 1-thread rows: the serial part, the all-reduce bytes and the calls."""

    def __init__(self, rows):
        one = [r for r in rows if r["threads"] == 1]
        firsts = first_rank(one)
        if not firsts:
            sys.exit("model.py: no run at 1 rank x 1 thread (RANKS and THREADS must include 1)")
        self.o0, self.o1 = fit_cost([r["customers"] for r in firsts], [float(r["open_s"]) for r in firsts])
        self.r0, self.r1 = fit_cost([r["customers"] for r in firsts], [r["serial"] - float(r["open_s"]) for r in firsts])
        self.b0, self.b1 = fit_line([r["customers"] for r in one], [int(r["allreduce_bytes_per_rank_max"]) for r in one])
        if len({r["rounds"] for r in one}) >= 2:
            self.a0, self.a1 = fit_line([r["rounds"] for r in one], [int(r["allreduce_calls"]) for r in one])
        else:  # one round count measured: score_job's two agree() per round
            self.a1 = 2.0
            self.a0 = sum(int(r["allreduce_calls"]) - 2 * r["rounds"] for r in one) / len(one)


def model(c, a, base, p, weak=False, shard_factor=1.0, round_s=0.0):
    b = base.scaled(p) if weak else base
    S = max(1, round(b["shards"] * shard_factor))
    rounds = math.ceil(S / p)
    W = b["W"] + round_s * (S - b["shards"])  # the extra rounds of smaller shards cost their overhead
    W += a.codec_seconds * (p if weak else 1)  # decoding the input, encoding the output
    parallel = W * rounds / S
    io_floor = (b["input_bytes"] * a.input_scale + b["output_bytes"] * a.output_scale) / a.fs_bandwidth
    serial = c.o0 + c.o1 * planned(b["customers"], p) + c.r0 + c.r1 * b["customers"]
    calls = c.a0 + c.a1 * rounds
    B = c.b0 + c.b1 * b["customers"]
    beta = a.ranks_per_node / a.link_bandwidth if p > a.ranks_per_node else 1 / a.node_bandwidth
    lat = calls * 2 * log2up(p) * a.alpha
    bw = (p - 1) / p * B * (2 * beta + a.gamma)
    bcast = log2up(p) * (4 * a.alpha + b["broadcast_bytes_max_rank"] * shard_factor * beta)
    wall = serial + max(parallel, io_floor) + lat + bw + bcast
    return {"ranks": p, "nodes": math.ceil(p / a.ranks_per_node), "customers": round(b["customers"]),
            "interactions": round(b["interactions"]), "shards": S, "rounds": rounds, "parallel_s": parallel,
            "io_floor_s": io_floor, "serial_s": serial, "allreduce_latency_s": lat, "allreduce_bandwidth_s": bw,
            "broadcast_s": bcast, "allreduce_bytes_per_rank": round(B), "wall_s": wall}


def weak_file_system(c, a, base, say, target=0.8):
    """Weak-scaling efficiency against the file system's aggregate bandwidth, and the bandwidth
    that reaches `target`: the i/o floor must stay under one_wall / target less the rest."""
    one = model(c, a, base, 1, True)["wall_s"]
    say(f"\n## Weak scaling against the file system's bandwidth (the other assumptions as above)\n")
    say("| ranks (nodes) | customers | GB read + written | " +
        " | ".join(f"{g} GB/s" for g in FS_SWEEP) + " | no floor | GB/s for " + f"{target} |")
    say("|---:|---:|---:|" + "---:|" * (len(FS_SWEEP) + 2))
    for p in (64, 256, 1024):
        def at(gb_per_s):
            return model(c, argparse.Namespace(**{**vars(a), "fs_bandwidth": gb_per_s * 1e9}), base, p, True)
        gb = at(1)["io_floor_s"]  # the floor at 1 GB/s: the GB read and written
        cells = [f"{one / at(g)['wall_s']:.2f}" for g in FS_SWEEP + [math.inf]]
        free = at(math.inf)
        room = one / target - (free["wall_s"] - free["parallel_s"])  # what the floor may take
        need = f"{gb / room:,.0f}" if room >= free["parallel_s"] > 0 else "not reachable"
        say(f"| {p} ({math.ceil(p / a.ranks_per_node)}) | {round(free['customers']):,} | {gb:,.1f} | " +
            " | ".join(cells) + f" | {need} |")


def allreduce_fit(path):
    """Local alpha and beta from allreduce_bench: t(n) = 2 log2(p) alpha + 2 (p-1)/p n beta."""
    pts = [(int(r["ranks"]), int(r["bytes"]), float(r["seconds"])) for r in read_csv(path)]
    p = pts[0][0]
    alpha = min(pts, key=lambda t: t[1])[2] / (2 * log2up(p))
    big = [t for t in pts if t[1] >= 1 << 20]
    _, slope = fit_line([t[1] for t in big], [t[2] for t in big])
    return p, alpha, slope / (2 * (p - 1) / p), pts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scaling", nargs="+")
    ap.add_argument("--allreduce", help="allreduce.csv from allreduce_bench.c (local fit and check)")
    ap.add_argument("--small-shards", nargs="+", default=[], help="SCALING.csv of a base with smaller shards")
    ap.add_argument("--out", default=".")
    ap.add_argument("--alpha", type=float, default=2e-6,
                    help="seconds per message between nodes (InfiniBand HDR: MPI latency ~1 us, plus "
                         "switch hops and collective overhead; default 2e-6)")
    ap.add_argument("--link-bandwidth", type=float, default=25e9, help="bytes/s of a node's link (HDR: 25e9)")
    ap.add_argument("--node-bandwidth", type=float, default=10e9,
                    help="bytes/s between ranks of one node (shared memory; default 10e9)")
    ap.add_argument("--gamma", type=float, default=1e-10,
                    help="seconds per byte of reduction arithmetic (int64 sums, memory bound; 1e-10)")
    ap.add_argument("--ranks-per-node", type=int, default=16)
    ap.add_argument("--fs-bandwidth", type=float, default=20e9,
                    help="aggregate bytes/s of the parallel file system (default 20e9)")
    ap.add_argument("--input-scale", type=float, default=1.0,
                    help="stored / unfiltered bytes of the input (a codec's measured ratio; default 1)")
    ap.add_argument("--output-scale", type=float, default=1.0,
                    help="stored / unfiltered bytes of customers.h5 (default 1)")
    ap.add_argument("--codec-seconds", type=float, default=0.0,
                    help="the codec's CPU seconds on the 1-rank base (decode input + encode output; default 0)")
    ap.add_argument("--shard-factor", type=float, default=16,
                    help="times more shards in the 'small shards' variant without --small-shards (16)")
    ap.add_argument("--round-seconds", type=float, default=None,
                    help="cost of one more round of shards; default: from --small-shards, else 0")
    a = ap.parse_args()
    rows = read_rows(a.scaling)
    c = Costs(rows)
    firsts = first_rank(rows)
    bases = {}
    for mode in ("strong", "weak"):
        mine = [r for r in firsts if r["mode"] == mode]
        if mine:
            bases[mode] = Base(max(mine, key=lambda r: r["customers"]))
    lines = []
    say = lines.append

    small_rows = read_rows(a.small_shards) if a.small_shards else []
    round_note = None
    if small_rows:  # the cost of a round: one base at 1 rank with two shard sizes
        pairs = [(s, d) for s in first_rank(small_rows) for d in firsts if d["customers"] == s["customers"]]
        if not pairs:
            sys.exit("model.py: --small-shards: no base of it was also scored with the default shards at 1 rank")
        want = bases["strong"]["customers"] if "strong" in bases else 0
        s, d = max(pairs, key=lambda sd: (sd[0]["customers"] == want, sd[0]["customers"]))
        a.shard_factor = s["shards"] / d["shards"]
        if a.round_seconds is None:
            a.round_seconds = max(0.0, (s["parallel"] - d["parallel"]) / (s["shards"] - d["shards"]))
        round_note = (f"- smaller shards, {s['customers']:,} customers at 1 rank: {s['shards']} shards instead "
                      f"of {d['shards']}, divisible work {s['parallel']:.3f} s instead of {d['parallel']:.3f} s: "
                      f"{a.round_seconds * 1e3:.2f} ms per extra round")
    if a.round_seconds is None:
        a.round_seconds = 0.0

    say("## Measured inputs (1 thread per rank)\n")
    for mode, b in bases.items():
        say(f"- {mode} base at 1 rank: {b['customers']:,.0f} customers, {b['interactions'] / 1e6:.1f} M interactions, "
            f"{b['shards']:.0f} shards; divisible work W = {b['W']:.3f} s "
            f"({b['W'] / b['interactions'] * 1e9:.1f} ns per interaction), wall {b['wall']:.3f} s")
    say(f"- serial part (wall - divisible phases, at 1 rank): the open phase {c.o0:.3f} s + {c.o1 * 1e6:.3f} s per "
        f"million customers planned (the slowest rank's planning blocks of {PLAN_BLOCK:,} customers), the rest "
        f"{c.r0:.3f} s + {c.r1 * 1e6:.3f} s per million customers")
    say(f"- all-reduced bytes per rank = {c.b0 / 1e6:.2f} MB + {c.b1:.2f} bytes per customer; "
        f"calls = {c.a0:.0f} + {c.a1:.2f} per round of shards")
    if round_note:
        say(round_note)
    local = None
    if a.allreduce and os.path.exists(a.allreduce):
        p, la, lb, pts = allreduce_fit(a.allreduce)
        top = max(pts, key=lambda t: t[1])
        say(f"- this machine's MPI_Allreduce at {p} ranks (allreduce_bench.c, shared memory): alpha {la * 1e6:.2f} us, "
            f"beta {lb * 1e9:.3f} ns/byte ({1 / lb / 1e9:.2f} GB/s, reduction arithmetic included); "
            f"{top[1] / 2**20:.0f} MiB take {top[2] * 1e3:.1f} ms")
        local = argparse.Namespace(**vars(a))
        local.alpha, local.node_bandwidth, local.gamma = la, 1 / lb, 0.0
        local.ranks_per_node, local.fs_bandwidth = 1 << 30, math.inf
    say("\n## Assumptions for the cluster\n")
    say(f"- alpha {a.alpha * 1e6:.1f} us per message; link {a.link_bandwidth / 1e9:.0f} GB/s per node "
        f"(InfiniBand HDR), {a.ranks_per_node} ranks per node sharing it: beta "
        f"{a.ranks_per_node / a.link_bandwidth * 1e9:.2f} ns/byte per rank; inside a node "
        f"{a.node_bandwidth / 1e9:.0f} GB/s; gamma {a.gamma * 1e9:.2f} ns/byte")
    say(f"- file bytes x {a.input_scale:.3f} (input) and x {a.output_scale:.3f} (customers.h5); "
        f"codec CPU {a.codec_seconds:.3f} s per 1-rank base")
    say(f"- parallel file system {a.fs_bandwidth / 1e9:.0f} GB/s aggregate; one thread per rank; "
        f"small-shards variant: {a.shard_factor:.1f} x more shards at {a.round_seconds * 1e3:.2f} ms per extra round")

    if local:
        say("\n## Check: the model with this machine's all-reduce against the measured runs\n")
        say("| scaling | customers | ranks | shards | measured wall s | modelled wall s | of which all-reduces s |")
        say("|---|---:|---:|---:|---:|---:|---:|")
        for r in [r for r in rows + small_rows if r["ranks"] > 1 and r["threads"] == 1]:
            weak = r["mode"] == "weak"
            ref = [f for f in first_rank(small_rows if r in small_rows else rows)
                   if f["mode"] == r["mode"] and (weak or f["customers"] == r["customers"])]
            if not ref:
                continue
            m = model(c, local, Base(ref[0]), r["ranks"], weak)
            say(f"| {r['mode']} | {r['customers']:,} | {r['ranks']} | {r['shards']} | {float(r['wall_s']):.3f} | "
                f"{m['wall_s']:.3f} | {m['allreduce_latency_s'] + m['allreduce_bandwidth_s']:.3f} |")

    out = []
    variants = []
    if "strong" in bases:
        variants += [("strong", bases["strong"], False, 1.0), (f"strong, {a.shard_factor:.0f}x smaller shards",
                                                               bases["strong"], False, a.shard_factor)]
    if "weak" in bases:
        variants.append(("weak", bases["weak"], True, 1.0))
    for name, base, weak, f in variants:
        one = model(c, a, base, 1, weak, f, a.round_seconds)
        for p in RANKS:
            m = {"mode": name, **model(c, a, base, p, weak, f, a.round_seconds)}
            m["speedup"] = one["wall_s"] / m["wall_s"] * (p if weak else 1)
            m["efficiency"] = m["speedup"] / p
            out.append(m)
    cols = list(out[0].keys())
    with open(os.path.join(a.out, "model.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for m in out:
            w.writerow([f"{m[k]:.6g}" if isinstance(m[k], float) else m[k] for k in cols])
    say("\n## Modelled runs (one thread per rank)\n")
    say("| scaling | ranks (nodes) | customers | shards | serial s | parallel s | all-reduces s (latency + bandwidth) "
        "| MB all-reduced per rank | wall s | speedup | efficiency |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in out:
        if m["ranks"] in (1, 64, 128, 256, 512, 1024):
            par = (f"{m['io_floor_s']:.3f} (i/o floor)" if m["io_floor_s"] > m["parallel_s"]
                   else f"{m['parallel_s']:.3f}")
            say(f"| {m['mode']} | {m['ranks']} ({m['nodes']}) | {m['customers']:,} | {m['shards']} | "
                f"{m['serial_s']:.3f} | {par} | {m['allreduce_latency_s'] + m['allreduce_bandwidth_s']:.3f} "
                f"({m['allreduce_latency_s']:.4f} + {m['allreduce_bandwidth_s']:.3f}) | "
                f"{m['allreduce_bytes_per_rank'] / 1e6:.1f} | {m['wall_s']:.3f} | {m['speedup']:.1f} | "
                f"{m['efficiency']:.2f} |")
    if "weak" in bases:
        weak_file_system(c, a, bases["weak"], say)
    text = "\n".join(lines) + "\n"
    open(os.path.join(a.out, "model.md"), "w").write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
