"""Detection runs kept in the store through the CLI, with resolved people linked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from nohaven.detect import latest_run, stored_alerts
from nohaven.store import Store


def test_the_cli_keeps_each_run_and_links_people(cli: Callable, resolved_copy: Path) -> None:
    first = cli("detect", "--db", resolved_copy, "--json")
    assert first.code == 0, first.stderr
    assert "detection run 1 kept" in first.stderr
    printed = json.loads(first.stdout)
    assert printed and all(a["alert_id"].startswith("al-") for a in printed)
    # Holders are resolved entities: accounts of one cluster share one person entry.
    linked = [p for a in printed for p in a["people"]]
    assert linked and all(set(p) == {"id", "name", "accounts"} for p in linked)
    assert any(p["name"] for p in linked)
    with Store(resolved_copy, read_only=True) as store:
        run = latest_run(store)
        kept = stored_alerts(store)
        assert run is not None and run["run_id"] == 1 and run["alerts"] == len(printed)
        assert [a.alert_id for a in kept] == [a["alert_id"] for a in printed]
        assert [a.people for a in kept] == [a["people"] for a in printed]
        structuring = stored_alerts(store, ("structuring",))
        assert structuring and {a.typology for a in structuring} == {"structuring"}
    assert cli("detect", "--db", resolved_copy, "--no-save").code == 0
    assert cli("detect", "--db", resolved_copy).code == 0
    with Store(resolved_copy, read_only=True) as store:
        assert latest_run(store)["run_id"] == 2
        assert store.fetchone("SELECT count(DISTINCT run_id) FROM alerts")[0] == 2
