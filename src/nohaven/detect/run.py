"""Run the detectors over a ledger given as files or over the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nohaven.detect.alerts import Alert, merge_overlapping, ranked
from nohaven.detect.casino import CasinoConfig, detect_casino_cashout
from nohaven.detect.cycles import CycleConfig, detect_cycles
from nohaven.detect.data import DetectData, from_files, from_store
from nohaven.detect.fanning import FanConfig, detect_fans
from nohaven.detect.people import link_people
from nohaven.detect.quota import QuotaConfig, detect_quota_splitting
from nohaven.detect.relays import (
    RelayConfig,
    detect_gather_scatter,
    detect_pass_through,
    detect_scatter_gather,
    detect_stacks,
    relay_episodes,
)
from nohaven.detect.shells import ShellConfig, detect_shell_conduits
from nohaven.detect.structuring import StructuringConfig, detect_structuring
from nohaven.errors import NohavenError
from nohaven.store import Store

DETECTORS = (
    "structuring",
    "quota_splitting",
    "fan_out",
    "fan_in",
    "scatter_gather",
    "gather_scatter",
    "cycle",
    "stack",
    "pass_through",
    "casino_cashout",
    "shell_conduit",
)
_ON_EPISODES = ("pass_through", "scatter_gather", "gather_scatter", "stack")


@dataclass(frozen=True)
class DetectRequest:
    ledger: Path | None = None
    accounts: Path | None = None
    relations: Path | None = None
    typologies: tuple[str, ...] = DETECTORS
    structuring: StructuringConfig = field(default_factory=StructuringConfig)
    fans: FanConfig = field(default_factory=FanConfig)
    cycles: CycleConfig = field(default_factory=CycleConfig)
    quota: QuotaConfig = field(default_factory=QuotaConfig)
    casino: CasinoConfig = field(default_factory=CasinoConfig)
    relays: RelayConfig = field(default_factory=RelayConfig)
    shells: ShellConfig = field(default_factory=ShellConfig)


def detect(request: DetectRequest, store: Store | None = None) -> list[Alert]:
    """Alerts of the requested typologies, merged per scheme, highest score first."""
    unknown = [t for t in request.typologies if t not in DETECTORS]
    if unknown:
        raise NohavenError(f"unknown typology {unknown[0]!r}; known: {', '.join(DETECTORS)}")
    if request.ledger is not None:
        with Store(":memory:", memory_limit="2GB") as scratch:
            data = from_files(scratch, request.ledger, request.accounts, request.relations)
            return _run(data, request)
    if store is None:
        raise NohavenError("no ledger: give --ledger FILE or load a ledger into the store")
    return _run(from_store(store), request)


def _run(data: DetectData, request: DetectRequest) -> list[Alert]:
    alerts: list[Alert] = []
    if "structuring" in request.typologies:
        alerts += detect_structuring(data, request.structuring)
    if "quota_splitting" in request.typologies:
        alerts += detect_quota_splitting(data, request.quota)
    if "fan_out" in request.typologies:
        alerts += detect_fans(data, request.fans, "out")
    if "fan_in" in request.typologies:
        alerts += detect_fans(data, request.fans, "in")
    if "cycle" in request.typologies:
        alerts += detect_cycles(data, request.cycles)
    if "casino_cashout" in request.typologies:
        alerts += detect_casino_cashout(data, request.casino)
    if "shell_conduit" in request.typologies:
        alerts += detect_shell_conduits(data, request.shells)
    wanted = set(request.typologies)
    if wanted & set(_ON_EPISODES):
        episodes = relay_episodes(data, request.relays)
        if "pass_through" in wanted:
            alerts += detect_pass_through(data, episodes, request.relays)
        if "scatter_gather" in wanted:
            alerts += detect_scatter_gather(data, episodes, request.relays)
        if "gather_scatter" in wanted:
            alerts += detect_gather_scatter(data, episodes, request.relays)
        if "stack" in wanted:
            alerts += detect_stacks(data, episodes, request.relays)
    found = ranked(merge_overlapping(alerts))
    link_people(data, found)
    return found
