"""A flow diagram's geometry from a trace's flows: accounts in columns by how many hops
they are from the money's first payers, bands as wide as the money they carried (a
Sankey diagram), drawn by the HTML report as SVG and by the PDF as vector shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

WIDTH = 640.0
HEIGHT = 300.0
NODE = 8.0
GAP = 10.0
LABELS = 150.0  # room on the right for the last column's labels


def flow_layout(links: list[dict[str, Any]]) -> dict[str, Any]:
    """Nodes (x, y, height, label) and bands (from, to, width, amount) in a box of
    WIDTH x HEIGHT, y downwards."""
    amounts = [(lk["source"], lk["target"], Decimal(lk["amount"])) for lk in links]
    amounts = [(s, t, a) for s, t, a in amounts if a > 0 and s != t]
    if not amounts:
        return {"width": WIDTH, "height": 0.0, "nodes": [], "bands": []}
    names = list(dict.fromkeys(n for s, t, _ in amounts for n in (s, t)))
    depth = {n: 0 for n in names}
    for _ in range(len(names)):  # longest path from a first payer, cycles capped
        changed = False
        for s, t, _ in amounts:
            if depth[t] < depth[s] + 1 and depth[s] + 1 < len(names):
                depth[t] = depth[s] + 1
                changed = True
        if not changed:
            break
    outflow = {n: Decimal(0) for n in names}
    inflow = {n: Decimal(0) for n in names}
    for s, t, a in amounts:
        outflow[s] += a
        inflow[t] += a
    size = {n: max(inflow[n], outflow[n]) for n in names}
    columns: dict[int, list[str]] = {}
    for n in names:
        columns.setdefault(depth[n], []).append(n)
    last = max(columns)
    tallest = max(sum(size[n] for n in col) for col in columns.values())
    most = max(len(col) for col in columns.values())
    scale = (HEIGHT - GAP * (most - 1)) / float(tallest)
    step = (WIDTH - LABELS - NODE) / max(last, 1)
    nodes: dict[str, dict[str, Any]] = {}
    for d, col in columns.items():
        y = 0.0
        for n in sorted(col, key=lambda n: -size[n]):
            h = max(float(size[n]) * scale, 1.5)
            nodes[n] = {"id": n, "x": d * step, "y": y, "h": h, "label": n}
            y += h + GAP
    out_at = {n: nodes[n]["y"] for n in names}
    in_at = {n: nodes[n]["y"] for n in names}
    bands = []
    for s, t, a in sorted(amounts, key=lambda x: -x[2]):
        w = max(float(a) * scale, 0.8)
        bands.append(
            {
                "x1": nodes[s]["x"] + NODE,
                "y1": out_at[s] + w / 2,
                "x2": nodes[t]["x"],
                "y2": in_at[t] + w / 2,
                "width": w,
                "amount": str(a),
                "source": s,
                "target": t,
            }
        )
        out_at[s] += w
        in_at[t] += w
    height = max(n["y"] + n["h"] for n in nodes.values())
    return {"width": WIDTH, "height": height, "nodes": list(nodes.values()), "bands": bands}


def band_path(band: dict[str, Any]) -> str:
    """An SVG path for a band: a smooth curve from payer to payee."""
    x1, y1, x2, y2 = band["x1"], band["y1"], band["x2"], band["y2"]
    middle = (x1 + x2) / 2 if x2 > x1 else x1 + 40
    return f"M{x1:.1f},{y1:.1f} C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
