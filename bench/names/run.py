"""Cross-script person-name benchmark: nohaven beside nomenklatura's matchers, same run.

    python bench/names/run.py [--pairs bench/names/pairs.csv] [--limit N]
                              [--only nohaven,logic-v2] [--out bench/names/out]

Scores every pair of ``pairs.csv`` (built by ``build_pairs.py``) with:

* ``nohaven``: ``nohaven.names.compare_names(left, right)``; ``.score`` in [0, 1] and
  ``.match`` at nohaven's own default threshold.
* nomenklatura's ``logic-v1``, ``logic-v2``, ``name-based`` and ``ofac`` algorithms,
  looked up with ``nomenklatura.matching.get_algorithm(name)``; each name becomes a
  followthemoney ``Person`` entity with one ``name`` value, and a pair is scored with
  ``algorithm.compare(query, result, algorithm.default_config()).score``. A match is
  a score at or above 0.7, the default ``threshold`` of the yente ``/match`` API
  (``SCORE_THRESHOLD``), which serves all of these algorithms.

Entity ids are derived from the name text: nomenklatura caches name analysis by
entity id (an ``lru_cache`` on the entity), so reusing one id for different names
returns stale scores. Entities are built before timing, once per distinct name;
timing covers the compare calls only, after an untimed warm-up on the first pairs,
with the process pinned to one CPU where the platform allows.

Headline figures leave out pairs with a ``western_short`` form ("Jack Ma" for
马云: a Western given name and the surname only), which no name-only matcher can
tell from anyone else with that surname; their recall is reported on its own, and
the JSON also has precision, recall and F1 over all pairs.

Reports, per system: precision, recall and F1 at its threshold; average precision
(threshold-free, from the scores); the F1 an oracle threshold would reach;
false-positive rates on hard negatives (sibling, shared_surname, contained,
near_homophone) and on unrelated pairs; recall per romanisation system; pairs/s.
A markdown summary goes to stdout and everything to ``<out>/results.json``,
including nohaven's false negatives and false positives (40 each, worst first).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

# Run as a script, this file's folder is on sys.path: share build_pairs' Pair.
from build_pairs import Pair

HERE = Path(__file__).parent
PAIRS = HERE / "pairs.csv"
OUT = HERE / "out"
NOMENKLATURA_ALGORITHMS = ("logic-v1", "logic-v2", "name-based", "ofac")
NOMENKLATURA_THRESHOLD = 0.7
"""yente's default ``threshold`` for /match (settings.SCORE_THRESHOLD)."""
HARD = ("sibling", "shared_surname", "contained", "near_homophone")
WARMUP = 200
LISTED = 40
PRINTED = 15

Scorer = Callable[[str, str], tuple[float, bool]]


@dataclass
class Contender:
    """A matcher under test: how to score, and what it is."""

    name: str
    threshold: float | None
    describe: str
    scorer: Scorer | None = None
    unavailable: str | None = None


def load_pairs(path: Path, limit: int | None = None) -> list[Pair]:
    """Pairs from the CSV; with ``limit``, an evenly spaced subset of that size."""
    with path.open(newline="", encoding="utf-8") as fh:
        pairs = [
            Pair(r["left"], r["right"], int(r["label"]), r["system"], r["category"])
            for r in csv.DictReader(fh)
        ]
    if limit is not None and 0 < limit < len(pairs):
        step = len(pairs) / limit
        pairs = [pairs[int(i * step)] for i in range(limit)]
    return pairs


# ---------------------------------------------------------------------------
# Contenders


def nohaven_contender() -> Contender:
    """nohaven's compare_names, or the reason it cannot be imported."""
    try:
        from nohaven.names import compare_names  # type: ignore[attr-defined]
    except ImportError as exc:
        try:
            from nohaven.names.compare import compare_names  # type: ignore[no-redef]
        except ImportError:
            return Contender("nohaven", None, "nohaven.names.compare_names", unavailable=str(exc))
    threshold: float | None = None
    try:
        from nohaven.names import compare as compare_module

        threshold = float(getattr(compare_module, "DEFAULT_THRESHOLD", None) or 0) or None
    except ImportError:
        pass

    def score(left: str, right: str) -> tuple[float, bool]:
        result = compare_names(left, right)
        return float(result.score), bool(result.match)

    return Contender("nohaven", threshold, "nohaven.names.compare_names(left, right)", score)


def nomenklatura_contender(name: str, texts: Sequence[str]) -> Contender:
    """One nomenklatura algorithm, with an entity per distinct name prepared."""
    describe = f"nomenklatura get_algorithm({name!r}).compare(Person, Person, default_config())"
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
    except ImportError as exc:
        return Contender(name, NOMENKLATURA_THRESHOLD, describe, unavailable=str(exc))
    algorithm = get_algorithm(name)
    if algorithm is None:
        return Contender(name, NOMENKLATURA_THRESHOLD, describe, unavailable="no such algorithm")
    config = algorithm.default_config()
    entities: dict[str, Any] = {}
    for text in texts:
        if text in entities:
            continue
        entity = model.make_entity("Person")
        entity.id = "n" + hashlib.sha1(text.encode()).hexdigest()[:20]
        entity.add("name", text)
        entities[text] = entity

    def score(left: str, right: str) -> tuple[float, bool]:
        value = float(algorithm.compare(entities[left], entities[right], config).score)
        return value, value >= NOMENKLATURA_THRESHOLD

    return Contender(name, NOMENKLATURA_THRESHOLD, describe, score)


# ---------------------------------------------------------------------------
# Scoring and metrics


def pin_one_cpu() -> int | None:
    """Pin this process to its first allowed CPU; the CPU number, or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except OSError:
        return None
    return cpu


def score_all(scorer: Scorer, pairs: Sequence[Pair]) -> tuple[list[float], list[bool], float, int]:
    """Scores and decisions for every pair, the timed seconds, and the error count."""
    for pair in pairs[:WARMUP]:
        with contextlib.suppress(Exception):  # crashes are counted in the timed loop
            scorer(pair.left, pair.right)
    scores: list[float] = []
    decisions: list[bool] = []
    errors = 0
    start = time.perf_counter()
    for pair in pairs:
        try:
            value, match = scorer(pair.left, pair.right)
        except Exception:  # one crashing pair scores 0 and is counted, not fatal
            value, match = 0.0, False
            errors += 1
        scores.append(value)
        decisions.append(match)
    return scores, decisions, time.perf_counter() - start, errors


def ratio(num: float, den: float) -> float | None:
    """num/den, or None when den is zero."""
    return num / den if den else None


def f1_of(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean of precision and recall."""
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return 2 * precision * recall / (precision + recall)


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float | None:
    """Area under the precision-recall step curve, ties handled as one threshold.

    Same definition as scikit-learn's ``average_precision_score``:
    sum over distinct score thresholds of (R_n - R_{n-1}) * P_n.
    """
    n_pos = sum(labels)
    if not n_pos:
        return None
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ap = 0.0
    tp = fp = 0
    prev_recall = 0.0
    i = 0
    while i < len(order):
        threshold = scores[order[i]]
        while i < len(order) and scores[order[i]] == threshold:
            if labels[order[i]]:
                tp += 1
            else:
                fp += 1
            i += 1
        recall = tp / n_pos
        ap += (recall - prev_recall) * (tp / (tp + fp))
        prev_recall = recall
    return ap


def best_f1(scores: Sequence[float], labels: Sequence[int]) -> tuple[float | None, float | None]:
    """The best F1 over all thresholds (an oracle), and the threshold reaching it."""
    n_pos = sum(labels)
    if not n_pos:
        return None, None
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    best, best_t = 0.0, None
    tp = fp = 0
    i = 0
    while i < len(order):
        threshold = scores[order[i]]
        while i < len(order) and scores[order[i]] == threshold:
            tp += labels[order[i]]
            fp += 1 - labels[order[i]]
            i += 1
        f1 = 2 * tp / (tp + fp + n_pos)
        if f1 > best:
            best, best_t = f1, threshold
    return best, best_t


def is_core(pair: Pair) -> bool:
    """True unless the pair involves a western_short form (see the module docstring)."""
    return "western_short" not in pair.system


def confusion(labels: Sequence[int], decisions: Sequence[bool]) -> dict[str, Any]:
    """Counts, precision, recall and F1 of decisions against labels."""
    tp = sum(1 for d, y in zip(decisions, labels, strict=True) if d and y)
    fp = sum(1 for d, y in zip(decisions, labels, strict=True) if d and not y)
    fn = sum(1 for d, y in zip(decisions, labels, strict=True) if not d and y)
    precision, recall = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": len(labels) - tp - fp - fn,
        "precision": precision,
        "recall": recall,
        "f1": f1_of(precision, recall),
    }


def metrics(
    pairs: Sequence[Pair], scores: Sequence[float], decisions: Sequence[bool]
) -> dict[str, Any]:
    """Every reported figure for one system's scores and decisions."""
    core = [i for i, p in enumerate(pairs) if is_core(p)]
    labels = [pairs[i].label for i in core]
    core_scores = [scores[i] for i in core]
    result = confusion(labels, [decisions[i] for i in core])
    oracle_f1, oracle_t = best_f1(core_scores, labels)

    cat_total: Counter[str] = Counter()
    cat_hits: Counter[str] = Counter()
    for i in core:
        cat_total[pairs[i].category] += 1
        cat_hits[pairs[i].category] += int(decisions[i])
    sys_total: Counter[str] = Counter()
    sys_hits: Counter[str] = Counter()
    for pair, decision in zip(pairs, decisions, strict=True):
        if not pair.label:
            continue
        keys = [pair.system]
        if pair.system.startswith("cross:"):
            keys.append("cross:*" if is_core(pair) else "cross:*+western_short")
        for key in keys:
            sys_total[key] += 1
            sys_hits[key] += int(decision)
    hard_total = sum(cat_total[c] for c in HARD)
    hard_hits = sum(cat_hits[c] for c in HARD)
    everything = confusion([p.label for p in pairs], decisions)
    result.update(
        {
            "average_precision": average_precision(core_scores, labels),
            "oracle_f1": oracle_f1,
            "oracle_threshold": oracle_t,
            "fpr_hard": ratio(hard_hits, hard_total),
            "fpr_unrelated": ratio(cat_hits["unrelated"], cat_total["unrelated"]),
            "fpr_by_category": {
                c: ratio(cat_hits[c], cat_total[c]) for c in sorted(cat_total) if c != "positive"
            },
            "recall_by_system": {s: ratio(sys_hits[s], sys_total[s]) for s in sorted(sys_total)},
            "positives_by_system": dict(sorted(sys_total.items())),
            "all_pairs": everything,
        }
    )
    return result


def errors_of(
    pairs: Sequence[Pair], scores: Sequence[float], decisions: Sequence[bool]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """False negatives (lowest score first) and false positives (highest first).

    Pairs with a western_short form are left out, as in the headline figures.
    """
    rows: list[dict[str, Any]] = [
        {
            "left": p.left,
            "right": p.right,
            "system": p.system,
            "category": p.category,
            "score": round(s, 4),
        }
        for p, s, d in zip(pairs, scores, decisions, strict=True)
        if bool(d) != bool(p.label) and is_core(p)
    ]
    fns = sorted((r for r in rows if r["category"] == "positive"), key=lambda r: r["score"])
    fps = sorted((r for r in rows if r["category"] != "positive"), key=lambda r: -r["score"])
    return fns, fps


# ---------------------------------------------------------------------------
# Reporting


def fmt(value: float | None, digits: int = 3) -> str:
    """A number for the table, or a dash."""
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(results: dict[str, Any]) -> str:
    """The human-readable summary of a results dict."""
    systems: dict[str, Any] = results["systems"]
    names = list(systems)
    ok = [n for n in names if "metrics" in systems[n]]
    lines = [
        f"pairs: {results['n_pairs']} ({results['n_positive']} positive) from "
        f"{results['pairs_file']}; pinned CPU: {results['pinned_cpu']}",
        "headline figures exclude pairs with a western_short form (recall listed below)",
        "",
        "| system | threshold | precision | recall | F1 | avg precision | oracle F1 "
        "| FPR hard | FPR unrelated | pairs/s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        entry = systems[name]
        if "metrics" not in entry:
            lines.append(f"| {name} | unavailable: {entry['unavailable']} |" + " |" * 8)
            continue
        m = entry["metrics"]
        lines.append(
            f"| {name} | {fmt(entry['threshold'], 2)} | {fmt(m['precision'])} "
            f"| {fmt(m['recall'])} | {fmt(m['f1'])} | {fmt(m['average_precision'])} "
            f"| {fmt(m['oracle_f1'])} @ {fmt(m['oracle_threshold'], 2)} "
            f"| {fmt(m['fpr_hard'])} | {fmt(m['fpr_unrelated'])} "
            f"| {entry['pairs_per_second']:,.0f} |"
        )
    if ok:
        positives = systems[ok[0]]["metrics"]["positives_by_system"]
        lines += ["", "Recall per romanisation system (positives):", ""]
        lines.append("| system | n | " + " | ".join(ok) + " |")
        lines.append("|---|---|" + "---|" * len(ok))
        keys = sorted(positives, key=lambda s: (s.startswith("cross:"), s))
        for key in keys:
            if key.startswith("cross:") and key not in ("cross:*", "cross:*+western_short"):
                continue
            cells = [fmt(systems[n]["metrics"]["recall_by_system"].get(key)) for n in ok]
            lines.append(f"| {key} | {positives[key]} | " + " | ".join(cells) + " |")
        lines += ["", "False-positive rate per negative category:", ""]
        lines.append("| category | " + " | ".join(ok) + " |")
        lines.append("|---|" + "---|" * len(ok))
        categories = systems[ok[0]]["metrics"]["fpr_by_category"]
        for category in categories:
            cells = [fmt(systems[n]["metrics"]["fpr_by_category"].get(category)) for n in ok]
            lines.append(f"| {category} | " + " | ".join(cells) + " |")
    for key, title in (
        ("nohaven_false_negatives", "false negatives (lowest score first)"),
        ("nohaven_false_positives", "false positives (highest score first)"),
    ):
        rows = results.get(key) or []
        if not rows:
            continue
        lines += ["", f"nohaven {title}, worst {min(PRINTED, len(rows))}:", ""]
        lines.append("| left | right | system | category | score |")
        lines.append("|---|---|---|---|---|")
        for row in rows[:PRINTED]:
            lines.append(
                f"| {row['left']} | {row['right']} | {row['system']} | {row['category']} "
                f"| {row['score']:.3f} |"
            )
    return "\n".join(lines)


def version_of(package: str) -> str | None:
    """Installed version of a distribution, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def run(pairs_path: Path, limit: int | None, only: set[str] | None, out: Path) -> dict[str, Any]:
    """Score, measure, write results.json; the results dict."""
    pinned = pin_one_cpu()
    pairs = load_pairs(pairs_path, limit)
    texts = sorted({t for p in pairs for t in (p.left, p.right)})
    wanted = ["nohaven", *NOMENKLATURA_ALGORITHMS]
    if only:
        wanted = [n for n in wanted if n in only]
    contenders = [
        nohaven_contender() if n == "nohaven" else nomenklatura_contender(n, texts) for n in wanted
    ]
    results: dict[str, Any] = {
        "pairs_file": str(pairs_path),
        "n_pairs": len(pairs),
        "n_positive": sum(p.label for p in pairs),
        "categories": dict(Counter(p.category for p in pairs)),
        "limit": limit,
        "pinned_cpu": pinned,
        "python": platform.python_version(),
        "versions": {
            pkg: version_of(pkg)
            for pkg in ("nohaven", "nomenklatura", "followthemoney", "rigour", "pypinyin")
        },
        "systems": {},
    }
    by_pair: dict[str, tuple[list[float], list[bool]]] = {}
    for contender in contenders:
        entry: dict[str, Any] = {"threshold": contender.threshold, "api": contender.describe}
        if contender.scorer is None:
            entry["unavailable"] = contender.unavailable
            results["systems"][contender.name] = entry
            print(f"{contender.name}: unavailable ({contender.unavailable})", file=sys.stderr)
            continue
        scores, decisions, seconds, errors = score_all(contender.scorer, pairs)
        by_pair[contender.name] = (scores, decisions)
        entry.update(
            {
                "seconds": round(seconds, 3),
                "pairs_per_second": len(pairs) / seconds if seconds else 0.0,
                "errors": errors,
                "metrics": metrics(pairs, scores, decisions),
            }
        )
        results["systems"][contender.name] = entry
        print(f"{contender.name}: {len(pairs)} pairs in {seconds:.2f}s", file=sys.stderr)
    if "nohaven" in by_pair:
        fns, fps = errors_of(pairs, *by_pair["nohaven"])
        results["nohaven_false_negatives"] = fns[:LISTED]
        results["nohaven_false_positives"] = fps[:LISTED]
        per_category: defaultdict[str, int] = defaultdict(int)
        for row in fps:
            per_category[row["category"]] += 1
        results["nohaven_error_counts"] = {"false_negatives": len(fns), **per_category}
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--limit", type=int, default=None, help="score an evenly spaced subset")
    parser.add_argument("--only", default=None, help="comma-separated systems to run")
    parser.add_argument("--out", type=Path, default=OUT, help="directory for results.json")
    args = parser.parse_args(argv)
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    results = run(args.pairs, args.limit, only, args.out)
    print(markdown(results))
    print(f"\nwritten: {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
