"""The best top-1 accuracy any screening system could reach on bench/screen's queries.

    .venv/bin/python bench/screen/ceiling.py --size large [--queries 1000] [--seed 1]

Draws the same listed queries as bench/screen/run.py (same seed). A query with a birth
date is counted as found. A query with a name alone (a foreign record's romanised name)
can at best pick one of k registry records that nothing in the query tells apart, so
any system finds the expected one first 1/k of the time. Two bounds, for two k:

- Han namesakes: the registry records whose Han name is written with exactly the
  expected one's characters. Generous: a romanised name cannot tell 陈 from 曾 in
  Cantonese, nor characters read alike in pinyin.
- Reading namesakes (the tighter): the registry records that the query's record system
  writes with the same letters (`scenario.naming.spellings_by_system`; the system is
  the one whose spelling of the expected name the query shows, order, case, spacing, a
  Western name and a typo of up to two letters aside). Still generous: a record whose
  name another system writes the same way counts as told apart.

The figures bound issue 5's top-1 target on the bench's query mix, whatever the matcher.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).parent))

from run import LISTED, queries_from_truth

from nohaven.scenario.naming import spellings_by_system
from nohaven.scenario.people import Origin
from nohaven.store import Store

OUT = Path(__file__).parent / "out"
TYPO_LETTERS = 2  # a typo swaps, drops, doubles or changes one letter: two in sorted letters


def _letters(text: str) -> str:
    """Lower-case letters in sorted order: a name's spelling, order and layout aside."""
    return "".join(sorted(c for c in text.lower() if c.isalpha()))


def _forms(query: str) -> list[str]:
    """The query's letters, and its letters with each one word left out (a Western name)."""
    words = [w for w in re.split(r"[^A-Za-z]+", query) if w]
    return [_letters(query)] + [
        _letters("".join(words[:i] + words[i + 1 :])) for i in range(len(words))
    ]


def reading_namesakes(
    query: str, spellings: dict[str, set[str]], holders: dict[tuple[str, str], int]
) -> int | None:
    """How many registry records the query's system writes as it writes the expected one
    (the system whose spelling is nearest the query's, then the fewest), or None when no
    system's spelling fits."""
    forms = _forms(query)
    best: tuple[int, int] | None = None
    for system, spelt in spellings.items():
        for spelling in spelt:
            distance = min(Levenshtein.distance(_letters(spelling), form) for form in forms)
            if distance <= TYPO_LETTERS:
                candidate = (distance, holders[(system, spelling)])
                best = candidate if best is None or candidate < best else best
    return best[1] if best else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with Store(OUT / f"{args.size}.duckdb", read_only=True) as store:
        listed, _ = queries_from_truth(store, OUT / args.size, args.queries, args.seed)
        registry = {
            entity_id: (name, family or "", given or "")
            for entity_id, name, family, given in store.fetchall(
                "SELECT entity_id, min(value) FILTER (prop = 'name'), "
                "min(value) FILTER (prop = 'lastName'), min(value) FILTER (prop = 'firstName') "
                "FROM statements WHERE dataset = ? AND schema = 'Person' GROUP BY 1",
                [LISTED],
            )
        }
    # The registry is the mainland's: its people's records abroad read their given
    # names in pinyin under a regional surname.
    spellings = {
        entity_id: spellings_by_system(family, given, Origin.MAINLAND)
        for entity_id, (_, family, given) in registry.items()
    }
    han_holders = Counter(name for name, _, _ in registry.values())
    reading_holders: Counter[tuple[str, str]] = Counter()
    for spelt in spellings.values():
        reading_holders.update((system, s) for system, forms in spelt.items() for s in forms)
    dated = [q for q in listed if q["birth_date"]]
    alone = [q for q in listed if not q["birth_date"]]
    by_han = by_reading = 0.0
    unread = 0
    for query in alone:
        expected = query["expected"]
        han_k = han_holders[registry[expected][0]]
        reading_k = reading_namesakes(query["name"], spellings[expected], reading_holders)
        unread += reading_k is None
        by_han += 1 / han_k
        by_reading += 1 / (reading_k or han_k)
    share = max(len(alone), 1)
    print(f"listed queries: {len(listed)} ({len(dated)} with a birth date, {len(alone)} name only)")
    for label, found in (("Han namesakes", by_han), ("reading namesakes", by_reading)):
        overall = (len(dated) + found) / max(len(listed), 1)
        print(f"{label}: name-only ceiling {found / share:.4f}, top-1 ceiling {overall:.4f}")
    print(f"name-only queries no system's spelling fits (Han bound used): {unread}")


if __name__ == "__main__":
    main()
