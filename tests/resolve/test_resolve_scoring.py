"""Blocked pairs are scored from blocking's evidence exactly as Splink scores records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker

from nohaven.resolve.blocking import COMMON_KEY
from nohaven.resolve.engines import BLOCKED_PAIRS_SQL, comparison_vectors_sql, train
from nohaven.resolve.model import person_settings
from nohaven.resolve.pipeline import ResolveSummary, build_person_tables
from nohaven.resolve.records import load_edges, load_records
from nohaven.store import Store


def _vectors(table, columns: list[str]) -> set[tuple]:
    rows = table.select(["unique_id_l", "unique_id_r", *columns]).to_pylist()
    return {tuple(row.values()) for row in rows}


def test_pair_evidence_gives_splinks_levels_for_every_blocked_pair(
    resolved_world: tuple[Path, Path, ResolveSummary],
) -> None:
    with Store(resolved_world[1], read_only=True) as store:
        records = load_records(store)
        edges = load_edges(store)
    persons = records.filter(pc.equal(records["kind"], "person"))
    # Namesakes enough to pass the block cap: keys too common to block on, still compared.
    namesakes = [
        {
            **persons.slice(0, 1).to_pylist()[0],
            "unique_id": f"namesake-{i}",
            "names": [("王伟", "Wang Wei", "WONG, Wai")[i % 3]],
            "birth_date": date(1960 + i % 4, 1 + i % 12, 1 + i % 7) if i % 5 else None,
            "identifiers": [],
        }
        for i in range(40)
    ]
    persons = pa.concat_tables([persons, pa.Table.from_pylist(namesakes, persons.schema)])
    con = duckdb.connect()
    con.register("_edges", edges)
    con.execute("CREATE TABLE edges AS SELECT * FROM _edges")
    summary = ResolveSummary(engine="duckdb")
    stats = build_person_tables(con, persons, summary, model_sample=1.0, max_block=COMMON_KEY + 1)
    assert stats.oversized_keys > 0
    _, trained = train(con, person_settings("duckdb", persons.num_rows))
    ours = con.sql(comparison_vectors_sql(trained)).to_arrow_table()

    # Splink itself, with the same trained model, intersecting each record's key lists.
    model = trained.misc.save_model_to_json()
    model["retain_matching_columns"] = True
    api = DuckDBAPI(connection=con)
    splink = Linker(api.register("person_model_features"), model, log_level=None)
    splink.table_management.register_blocked_pairs_for_predict(
        api.register(con.sql(BLOCKED_PAIRS_SQL))
    )
    theirs = con.sql(f"SELECT * FROM {splink.inference.predict().physical_name}").to_arrow_table()

    gammas = [c for c in ours.column_names if c.startswith("gamma_")]
    assert len(gammas) == 7 and ours.num_rows == theirs.num_rows > 300
    assert _vectors(ours, gammas) == _vectors(theirs, gammas)
    name_levels = set(ours["gamma_name"].to_pylist())
    assert len(name_levels) >= 8, name_levels
    assert theirs.num_rows > 0  # the comparison was exercised, not trivial
    # The family's context levels too: paid for a house, fed by a relative's account.
    family_levels = set(ours["gamma_family"].to_pylist())
    assert {3, 1} <= family_levels, family_levels  # paid (3) and fed (1) both occur
