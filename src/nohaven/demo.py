"""The demo job behind `make demo`: a world generated, loaded and analysed end to end."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nohaven.ingest import LoadResult, ProgressReporter, load_paths
from nohaven.settings import Settings
from nohaven.store import Store


@dataclass
class DemoResult:
    """What the demo loaded and what each analysis reported, for the CLI to print."""

    world: Path
    loaded: list[LoadResult]
    analyses: list[str] = field(default_factory=list)


def _world_matches(out: Path, seed: int, size: str) -> bool:
    manifest = out / "scenario.json"
    if not manifest.exists():
        return False
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return data.get("seed") == seed and data.get("size") == size


def run_demo(
    settings: Settings,
    out: Path,
    *,
    seed: int = 7,
    size: str = "small",
    reporter: ProgressReporter | None = None,
) -> DemoResult:
    """Generate (or reuse) the world, load it, and run every analysis that exists."""
    from nohaven.scenario import generate

    if not _world_matches(out, seed, size):
        generate(out, seed=seed, size=size)
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    with Store.from_settings(settings) as store:
        loaded = load_paths(store, [out], reporter=reporter)
        status = store.status()
    totals = status["totals"]
    result = DemoResult(out, loaded)
    result.analyses.append(
        f"store: {len(status['datasets'])} datasets, {totals['statements']:,} statements, "
        f"{totals['ledger']:,} transactions, {totals['accounts']:,} accounts, "
        f"{totals['declarations']:,} declarations"
    )
    return result
