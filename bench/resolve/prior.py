"""Write the model nohaven falls back on for stores too small to train on
(src/nohaven/resolve/prior.json): the m and u of every level, estimated on the medium
synthetic world.

    .venv/bin/python bench/resolve/prior.py    # after bench/resolve/run.py --size medium

A store of a few hundred records has too few pairs of strangers to say how often they
agree, and often no two records born the same day for EM to learn from; a level whose
u or m it cannot estimate takes this model's.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.compute as pc

from nohaven.resolve.engines import PRIOR_PATH, train
from nohaven.resolve.model import person_settings
from nohaven.resolve.pipeline import ResolveSummary, build_person_tables
from nohaven.resolve.records import load_edges, load_records
from nohaven.store import Store

STORE = Path(__file__).parent / "out" / "medium.duckdb"


# What Splink gives as m for a level EM never observed.
_STAND_IN_M = 1e-6


def _number(value: object, stand_in: float | None = None) -> float | None:
    """A parameter the data estimated, to four figures; None for a level never observed
    (Splink's text, or its stand-in)."""
    if not isinstance(value, float) or value == stand_in:
        return None
    return float(f"{value:.4g}")


def main() -> None:
    with Store(STORE, read_only=True) as store:
        records = load_records(store)
        edges = load_edges(store)
    persons = records.filter(pc.equal(records["kind"], "person"))
    con = duckdb.connect()
    con.register("_edges", edges)
    con.execute("CREATE TABLE edges AS SELECT * FROM _edges")
    build_person_tables(con, persons, ResolveSummary(engine="duckdb"))
    _, linker = train(con, person_settings("duckdb", persons.num_rows), prior=False)
    settings = linker._settings_obj
    comparisons = {
        comparison.output_column_name: {
            level.label_for_charts: {
                "m": _number(level._m_probability, _STAND_IN_M),
                "u": _number(level._u_probability),
            }
            for level in comparison._comparison_levels_excluding_null
        }
        for comparison in settings.comparisons  # no public accessor in Splink 5
    }
    prior = {
        "probability_two_random_records_match": _number(
            settings._probability_two_random_records_match
        ),
        "comparisons": comparisons,
    }
    PRIOR_PATH.write_text(json.dumps(prior, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {PRIOR_PATH} from {persons.num_rows:,} person records")


if __name__ == "__main__":
    main()
