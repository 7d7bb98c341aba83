"""The server's index follows loads without ever going away."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from nohaven.ingest import load_paths
from nohaven.screen import service as service_module
from nohaven.screen.match import match_query
from nohaven.screen.query import parse_query
from nohaven.screen.service import ScreeningService, UnknownDataset
from nohaven.store import Store


def test_the_index_is_rebuilt_after_a_load_while_the_old_one_answers(
    screening_db: Path, write_ftm, entity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHECK_EVERY", 0.0)
    late = write_ftm("late.ftm.json", [entity("late-1", "Person", name="欧阳娜娜")])
    with Store(screening_db) as store:
        service = ScreeningService(store)
        first = service.index()
        assert "late-1" not in first.row_of
        load_paths(store, [late], dataset="late")
        assert service.index() is first  # the rebuild runs in the background
        service.close()
        fresh = service.index()
        assert fresh is not first and "late-1" in fresh.row_of
        query = parse_query({"schema": "Person", "properties": {"name": "Au Yeung Na Na"}})
        results, _ = match_query(fresh, query)
        assert results[0]["id"] == "late-1"
        assert service.datasets("late") == frozenset({"late"})
        assert service.datasets("default") is None
        with pytest.raises(UnknownDataset, match="unknown dataset 'early'"):
            service.datasets("early")


def test_the_index_is_kept_out_of_the_garbage_collectors_walks(
    screening_db: Path, write_ftm, entity, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full collection walked the large index's two million objects for 0.85 s while
    # every request waited; once built, and again after each rebuild, they are frozen.
    monkeypatch.setattr(service_module, "CHECK_EVERY", 0.0)
    gc.unfreeze()
    late = write_ftm("late.ftm.json", [entity("late-2", "Person", name="司徒伟文")])
    try:
        with Store(screening_db) as store:
            service = ScreeningService(store)
            first = service.index()
            frozen = gc.get_freeze_count()
            assert frozen > 0 and gc.is_tracked(first)
            # The collector's generations (what it walks) no longer hold the index.
            assert not any(o is first for o in gc.get_objects())
            load_paths(store, [late], dataset="late")
            service.index()
            service.close()
            fresh = service.index()
            assert fresh is not first
            assert not any(o is fresh for o in gc.get_objects())
    finally:
        gc.unfreeze()
