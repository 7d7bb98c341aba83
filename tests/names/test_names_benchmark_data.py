"""The cross-script name benchmark data (bench/names): reproducible, consistent, unseen.

The benchmark measures the name engine only while the engine has not been written
around it: no benchmark name may appear in ``src/nohaven/names/``.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "names"
ENGINE = ROOT / "src" / "nohaven" / "names"
PEOPLE = BENCH / "people.csv"
PAIRS = BENCH / "pairs.csv"
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@pytest.fixture(scope="module")
def build_pairs() -> ModuleType:
    """bench/names/build_pairs.py, imported from its path (bench is no package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_names_build_pairs", BENCH / "build_pairs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_pairs_csv_is_what_build_pairs_makes(build_pairs: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    assert build_pairs.main(["--out", str(out), "--quiet"]) == 0
    assert out.read_bytes() == PAIRS.read_bytes(), (
        "bench/names/pairs.csv is stale: run python bench/names/build_pairs.py"
    )


def test_people_csv_is_well_formed(build_pairs: ModuleType) -> None:
    rows = _rows(PEOPLE)
    assert list(rows[0]) == ["han", "published", "system", "region", "note"]
    assert all(r["system"] in build_pairs.SYSTEMS for r in rows)
    assert all(r["han"] and r["published"] and r["region"] and r["note"] for r in rows)
    duplicates = [k for k, n in Counter((r["han"], r["published"]) for r in rows).items() if n > 1]
    assert not duplicates
    people = build_pairs.load_people(PEOPLE)
    assert all(p.forms for p in people), "every figure needs a romanised form"
    assert len(people) >= 250
    assert sum(1 for r in rows if r["system"] != "han") >= 600


def test_labels_categories_and_systems_agree(build_pairs: ModuleType) -> None:
    rows = _rows(PAIRS)
    assert list(rows[0]) == list(build_pairs.HEADER)
    names = build_pairs.SYSTEMS
    seen: set[frozenset[str]] = set()
    for row in rows:
        assert row["label"] in {"0", "1"}
        assert row["category"] in build_pairs.CATEGORIES
        assert (row["label"] == "1") == (row["category"] == "positive"), row
        system = row["system"]
        if system.startswith("cross:"):
            first, second = system.removeprefix("cross:").split("+")
            assert first in names and second in names and first <= second, row
            assert "han" not in (first, second), row
        else:
            assert system in names, row
        assert row["left"] != row["right"], row
        key = frozenset((row["left"], row["right"]))
        assert key not in seen, f"duplicate pair {row}"
        seen.add(key)
    counts = Counter(r["category"] for r in rows)
    assert all(counts[c] for c in build_pairs.CATEGORIES), counts


def test_hard_pairs_name_known_people(build_pairs: ModuleType) -> None:
    people = build_pairs.load_people(PEOPLE)
    hard = build_pairs.load_hard(BENCH / "hard_pairs.csv")
    builder = build_pairs.Builder(people, hard)  # raises on an unknown name
    assert {category for _, _, category in hard} <= build_pairs.HARD_CATEGORIES
    assert all(a is not b for a, b, _ in builder.hard)


def _benchmark_names() -> tuple[set[str], set[str]]:
    """Han names of 3+ characters and romanised names of 2+ words in people.csv."""
    han: set[str] = set()
    latin: set[str] = set()
    for row in _rows(PEOPLE):
        han.add(row["han"])
        if row["system"] == "han":
            han.add(row["published"])
        elif len(_LATIN_WORD.findall(row["published"])) >= 2:
            latin.add(row["published"])
    return {h for h in han if len(h) >= 3}, latin


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _LATIN_WORD.findall(text))


def test_the_engine_does_not_contain_the_benchmark() -> None:
    """No benchmark Han name, and no romanised name's words in a row, case ignored."""
    han, latin = _benchmark_names()
    latin_words = {_words(name): name for name in latin}
    sizes = {len(words) for words in latin_words}
    found: list[str] = []
    for path in sorted(ENGINE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        words = _words(text)
        runs = {words[i : i + n] for n in sizes for i in range(len(words) - n + 1)}
        hits = {name for name in han if name in text}
        hits |= {name for run, name in latin_words.items() if run in runs}
        found += [f"{path.relative_to(ROOT)}: {hit}" for hit in sorted(hits)]
    assert not found, "benchmark names in the engine (use other examples):\n" + "\n".join(found)
