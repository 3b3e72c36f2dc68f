#!/usr/bin/env python3
"""Parallel efficiency against cores as an SVG (standard library only).

Usage: plot_svg.py SCALING.csv OUT.svg [--model MODEL.csv] [--title TEXT]
Measured points (scaling_table.py) are solid lines with markers, one line per mode and threads per
rank, at cores = ranks x threads; the model (model.py, one thread per rank) is dashed, without
markers.
"""
import argparse
import csv
import math
import sys
from xml.sax.saxutils import escape

COLORS = {"strong": "#1f77b4", "weak": "#d62728"}
VARIANT_COLORS = ["#2ca02c", "#9467bd", "#8c564b"]
W, H, L, R, T, B = 840, 440, 70, 300, 40, 55  # size and margins


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scaling")
    ap.add_argument("out")
    ap.add_argument("--model")
    ap.add_argument("--title", default="engage score: parallel efficiency")
    a = ap.parse_args()
    try:
        rows = list(csv.DictReader(open(a.scaling)))
        model = list(csv.DictReader(open(a.model))) if a.model else []
    except OSError as e:
        sys.exit(f"plot_svg.py: cannot read {e.filename}: {e.strerror}")
    most = max([int(r["cores"]) for r in rows] + [int(m["ranks"]) for m in model] + [2])
    xmax = 2 ** math.ceil(math.log2(most))
    ymax = max([1.1] + [float(r["efficiency"]) * 1.05 for r in rows])

    def x(cores):
        return L + (W - L - R) * math.log2(cores) / math.log2(xmax)

    def y(eff):
        return H - B - (H - T - B) * eff / ymax

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{L}" y="24" font-size="15">{escape(a.title)}</text>']
    k = 1
    while k <= xmax:
        svg.append(f'<line x1="{x(k):.1f}" y1="{T}" x2="{x(k):.1f}" y2="{H - B}" stroke="#ddd"/>')
        svg.append(f'<text x="{x(k):.1f}" y="{H - B + 16}" text-anchor="middle">{k}</text>')
        k *= 2
    e = 0.0
    while e <= ymax + 1e-9:
        svg.append(f'<line x1="{L}" y1="{y(e):.1f}" x2="{W - R}" y2="{y(e):.1f}" stroke="#ddd"/>')
        svg.append(f'<text x="{L - 8}" y="{y(e) + 4:.1f}" text-anchor="end">{e:.1f}</text>')
        e += 0.2
    svg.append(f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">cores (ranks x threads; '
               'log scale)</text>')
    svg.append(f'<text x="18" y="{(T + H - B) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(T + H - B) / 2})">parallel efficiency</text>')
    legend = []

    def line(points, color, dash, marker, label):
        pts = " ".join(f"{x(c):.1f},{y(v):.1f}" for c, v in points)
        svg.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for c, v in points:
            if marker == "circle":
                svg.append(f'<circle cx="{x(c):.1f}" cy="{y(v):.1f}" r="4" fill="{color}"/>')
            elif marker == "square":
                svg.append(f'<rect x="{x(c) - 4:.1f}" y="{y(v) - 4:.1f}" width="8" height="8" fill="{color}"/>')
        legend.append((color, dash, marker, label))

    series = {}
    for r in rows:
        series.setdefault((r["mode"], int(r["threads"])), []).append((int(r["cores"]), float(r["efficiency"])))
    for (mode, threads), pts in sorted(series.items()):
        base = COLORS.get(mode, "#555")
        line(sorted(pts), base, "" if threads == 1 else "2,3", "circle" if threads == 1 else "square",
             f"measured: {mode}, {threads} thread{'s' if threads > 1 else ''}/rank")
    variants = []
    for m in model:
        if m["mode"] not in variants:
            variants.append(m["mode"])
    for i, v in enumerate(variants):
        pts = [(int(m["ranks"]), float(m["efficiency"])) for m in model if m["mode"] == v]
        color = COLORS.get(v, VARIANT_COLORS[i % len(VARIANT_COLORS)])
        line(pts, color, "7,4", None, f"model: {v}")
    for i, (color, dash, marker, label) in enumerate(legend):
        ly = T + 10 + 20 * i
        lx = W - R + 15
        svg.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="{color}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        if marker == "circle":
            svg.append(f'<circle cx="{lx + 14}" cy="{ly}" r="4" fill="{color}"/>')
        elif marker == "square":
            svg.append(f'<rect x="{lx + 10}" y="{ly - 4}" width="8" height="8" fill="{color}"/>')
        svg.append(f'<text x="{lx + 34}" y="{ly + 4}" font-size="11">{escape(label)}</text>')
    svg.append("</svg>")
    open(a.out, "w").write("\n".join(svg) + "\n")


if __name__ == "__main__":
    main()
