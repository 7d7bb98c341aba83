"""Blocked pairs are scored from blocking's evidence exactly as Splink scores records."""

from __future__ import annotations

from typing import Any

import duckdb
from splink import DuckDBAPI, Linker

from nohaven.resolve.engines import blocked_pairs_sql, comparison_vectors_sql


def _vectors(table, columns: list[str]) -> set[tuple]:
    rows = table.select(["unique_id_l", "unique_id_r", *columns]).to_pylist()
    return {tuple(row.values()) for row in rows}


def test_pair_evidence_gives_splinks_levels_for_every_blocked_pair(
    blocked_world: tuple[duckdb.DuckDBPyConnection, Any],
) -> None:
    con, trained = blocked_world
    ours = con.sql(comparison_vectors_sql(trained)).to_arrow_table()

    # Splink itself, with the same trained model, intersecting each record's key lists.
    model = trained.misc.save_model_to_json()
    model["retain_matching_columns"] = True
    api = DuckDBAPI(connection=con)
    splink = Linker(api.register("person_model_features"), model, log_level=None)
    splink.table_management.register_blocked_pairs_for_predict(
        api.register(con.sql(blocked_pairs_sql()))
    )
    theirs = con.sql(f"SELECT * FROM {splink.inference.predict().physical_name}").to_arrow_table()

    gammas = [c for c in ours.column_names if c.startswith("gamma_")]
    assert len(gammas) == 8 and ours.num_rows == theirs.num_rows > 300
    assert _vectors(ours, gammas) == _vectors(theirs, gammas)
    name_levels = set(ours["gamma_name"].to_pylist())
    assert len(name_levels) >= 8, name_levels
    assert theirs.num_rows > 0  # the comparison was exercised, not trivial
    # The family's context levels too: paid for a house, fed by a relative's account.
    family_levels = set(ours["gamma_family"].to_pylist())
    assert {3, 1} <= family_levels, family_levels  # paid (3) and fed (1) both occur
    # And the address's: namesakes at one flat, and at different flats.
    address_levels = set(ours["gamma_address"].to_pylist())
    assert {-1, 0} < address_levels, address_levels
