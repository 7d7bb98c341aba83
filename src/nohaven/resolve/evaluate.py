"""Clusters scored against a ground truth: pairwise and B-cubed precision, recall, F1.

Used by the demo (against the synthetic world's truth) and bench/resolve.
"""

from __future__ import annotations

from collections import Counter, defaultdict

_NAMES = tuple(
    f"{kind}_{measure}"
    for kind in ("pairwise", "cluster")
    for measure in ("precision", "recall", "f1")
)


def cluster_metrics(assigned: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of a clustering against the truth,
    over the records both know."""
    ids = [i for i in truth if i in assigned]
    if not ids:
        return dict.fromkeys(_NAMES, 0.0)
    clusters: dict[str, set[str]] = defaultdict(set)
    groups: dict[str, set[str]] = defaultdict(set)
    for i in ids:
        clusters[assigned[i]].add(i)
        groups[truth[i]].add(i)
    predicted = sum(len(c) * (len(c) - 1) // 2 for c in clusters.values())
    actual = sum(len(g) * (len(g) - 1) // 2 for g in groups.values())
    both = 0
    for members in clusters.values():
        counts = Counter(truth[i] for i in members)
        both += sum(n * (n - 1) // 2 for n in counts.values())
    p = both / predicted if predicted else 1.0
    r = both / actual if actual else 1.0
    bp = br = 0.0
    for i in ids:
        c, g = clusters[assigned[i]], groups[truth[i]]
        shared = len(c & g)
        bp += shared / len(c)
        br += shared / len(g)
    bp, br = bp / len(ids), br / len(ids)
    return {
        "pairwise_precision": round(p, 4),
        "pairwise_recall": round(r, 4),
        "pairwise_f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "cluster_precision": round(bp, 4),
        "cluster_recall": round(br, 4),
        "cluster_f1": round(2 * bp * br / (bp + br), 4) if bp + br else 0.0,
    }
