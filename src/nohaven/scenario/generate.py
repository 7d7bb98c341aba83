"""Generate a synthetic world: registries, foreign records, declarations, ledger, truth.

The steps run in the order the data depends on each other: people and
organisations first (ids are needed everywhere), then accounts, then the
planted cases and their money, then the files. Every random draw comes from
a NumPy generator seeded by ``(seed, stream)``, so the same seed and size
give byte-identical files.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nohaven.scenario.accounts import AccountBook, AccountTable
from nohaven.scenario.banking import open_background_accounts
from nohaven.scenario.cases import CasePlanter
from nohaven.scenario.datasets.common import Context
from nohaven.scenario.datasets.hk_companies import write_hk_companies
from nohaven.scenario.datasets.holders import write_holders
from nohaven.scenario.datasets.mo_patrons import write_mo_patrons
from nohaven.scenario.datasets.registry import write_registry
from nohaven.scenario.datasets.sg_accounts import write_sg_accounts
from nohaven.scenario.datasets.titles import write_titles
from nohaven.scenario.datasets.us_courts import write_us_courts
from nohaven.scenario.datasets.visas import write_visas
from nohaven.scenario.declarations import RELPATH as DECLARATIONS
from nohaven.scenario.declarations import file_declarations, salary_cny
from nohaven.scenario.ids import Mints
from nohaven.scenario.ledger import TrafficModel, write_accounts, write_transactions
from nohaven.scenario.naming import PlantedSystems
from nohaven.scenario.officials import plan_officials
from nohaven.scenario.parties import Parties, plan_parties
from nohaven.scenario.people import IdNumberIssuer
from nohaven.scenario.samples import Samples, sample_datasets
from nohaven.scenario.schemes import SchemePlanter
from nohaven.scenario.sizes import SizeProfile, size_profile
from nohaven.scenario.truth import Truth, findings_of
from nohaven.scenario.vocab import CNY_PER_UNIT
from nohaven.scenario.world import World
from nohaven.scenario.writer import GENERATOR, Output, prepare_out_dir

GENERATOR_VERSION = "1"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ScenarioSummary:
    """What was generated: where, from which seed and size, and rows per file."""

    out: Path
    seed: int
    size: str
    counts: dict[str, int] = field(default_factory=dict)  # relative file path → rows
    generator_version: str = GENERATOR_VERSION

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the path as a string)."""
        return {
            "out": str(self.out),
            "seed": self.seed,
            "size": self.size,
            "counts": dict(self.counts),
            "generator_version": self.generator_version,
        }


def _quiet(stage: str, done: int, total: int) -> None:
    """The default progress callback: report nothing."""


@dataclass
class _Plan:
    """Everything decided before the first file is written."""

    world: World
    table: AccountTable
    samples: Samples
    parties: Parties
    sg_accounts: np.ndarray
    mints: Mints
    id_numbers: IdNumberIssuer


def _plan(seed: int, profile: SizeProfile) -> _Plan:
    """People, organisations, accounts, then the planted cases and their money."""

    def rng(stream: int) -> np.random.Generator:
        return np.random.default_rng([seed, stream])

    mints = Mints(seed)
    id_numbers = IdNumberIssuer()
    officials = plan_officials(rng(1), profile.officials, mints, id_numbers)
    planted = [person.view() for official in officials for person in official.family]
    samples = sample_datasets(rng(2), profile, mints, planted)
    parties = plan_parties(rng(3), profile, mints)
    book = AccountBook(rng(4), mints)
    opened = open_background_accounts(rng(5), book, samples, parties)
    world = World()
    planter = CasePlanter(rng(6), mints, book, opened.background, world)
    for official in officials:
        planter.plant(official)
    schemes = SchemePlanter(
        rng(7), world, opened.background, book.casino_accounts, book.cash_accounts, rng(9)
    )
    for case in world.cases:
        schemes.plant(case)
    return _Plan(world, book.freeze(), samples, parties, opened.sg_accounts, mints, id_numbers)


def _write_records(
    ctx: Context, id_numbers: IdNumberIssuer, sg_accounts: np.ndarray, report: Progress
) -> None:
    """Write the registry, the foreign datasets and the ledger's holders."""
    writers: list[Callable[[], None]] = [
        lambda: write_registry(ctx, id_numbers),
        lambda: write_hk_companies(ctx),
        lambda: write_sg_accounts(ctx, sg_accounts),
        lambda: write_us_courts(ctx),
        lambda: write_mo_patrons(ctx),
        lambda: write_titles(ctx),
        lambda: write_visas(ctx),
        lambda: write_holders(ctx),
    ]
    for done, write in enumerate(writers, start=1):
        write()
        report("records", done, len(writers))


def ensure_world(out: Path, seed: int = 7, size: str = "small") -> Path:
    """The world in ``out``: generated unless one of this seed and size is already there
    (the demo and the benchmarks reuse theirs across runs)."""
    manifest = out / "scenario.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("seed") == seed and data.get("size") == size:
            return out
    generate(out, seed=seed, size=size)
    return out


def generate(
    out: Path | str,
    seed: int = 7,
    size: str = "small",
    progress: Progress | None = None,
) -> ScenarioSummary:
    """Write a scenario of ``size`` for ``seed`` into ``out`` and summarise it.

    Raises ValueError for an unknown size, or when ``out`` is a non-empty
    directory that does not hold a previous scenario.
    """
    profile = size_profile(size)
    out = Path(out)
    prepare_out_dir(out)
    report = progress or _quiet

    report("people", 0, 2)
    plan = _plan(seed, profile)
    report("people", 2, 2)
    output = Output(out)
    truth = Truth(output)
    context = Context(
        output,
        truth,
        plan.samples,
        plan.parties,
        plan.world,
        plan.mints,
        profile,
        PlantedSystems(),
        seed,
    )
    _write_records(context, plan.id_numbers, plan.sg_accounts, report)
    write_accounts(output, plan.table)
    world, table = plan.world, plan.table
    # The population and samples are written: free them before the ledger's chunks.
    del plan, context
    gc.collect()

    salaries = {
        case.official.person.accounts["cn"]: (
            case.accounts["employer"],
            salary_cny(case.official.salary_cny, 2012) * 100 // 12,
        )
        for case in world.cases
    }
    model = TrafficModel(np.random.default_rng([seed, 8]), table, salaries)
    scheme_tx: list[tuple[str, str]] = []
    write_transactions(
        output,
        lambda chunk: np.random.default_rng([seed, 1_000 + chunk]),
        model,
        world.transactions,
        profile.transactions,
        profile.chunk_rows,
        scheme_tx,
        report,
    )

    filings, summaries = file_declarations(world.cases, seed)
    output.jsonl(DECLARATIONS, filings)
    report("declarations", 1, 1)

    typology = {s.scheme_id: s.typology for case in world.cases for s in case.schemes}
    truth.schemes.extend((scheme_id, typology[scheme_id], tx_id) for scheme_id, tx_id in scheme_tx)
    for case, summary in zip(world.cases, summaries, strict=True):
        official_id = case.official.official_id
        truth.findings.extend((rule, official_id) for rule in findings_of(case, summary))
        truth.assets.extend(
            (h.asset_id, official_id, h.scheme_id)
            for h in case.holdings
            if h.asset_id is not None and h.scheme_id is not None
        )
    truth.close()
    report("truth", 1, 1)

    counts = dict(sorted(output.counts.items()))
    output.manifest(
        {
            "generator": GENERATOR,
            "generator_version": GENERATOR_VERSION,
            "seed": seed,
            "size": size,
            "counts": counts,
            "fx_rates_cny": CNY_PER_UNIT,
        }
    )
    return ScenarioSummary(out=out, seed=seed, size=size, counts=counts)
