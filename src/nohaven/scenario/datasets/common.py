"""Helpers every dataset writer shares: rendering people, placing planted records.

A planted record must look like its neighbours: it is named by the same
renderer and written at a random position among the background records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from nohaven.scenario.ids import Mints
from nohaven.scenario.naming import NameProfile, PlantedSystems, RenderedName, han_name, render_name
from nohaven.scenario.parties import Parties
from nohaven.scenario.people import Origin, PersonView, PlantedPerson
from nohaven.scenario.samples import Samples
from nohaven.scenario.sizes import SizeProfile
from nohaven.scenario.truth import Truth
from nohaven.scenario.world import World
from nohaven.scenario.writer import Output

T = TypeVar("T")

NATIONALITY: dict[Origin, tuple[str, ...]] = {
    Origin.MAINLAND: ("cn",),
    Origin.HONG_KONG: ("hk",),
    Origin.SINGAPORE_MALAYSIA: ("sg", "my"),
    Origin.TAIWAN: ("tw",),
}


@dataclass
class Context:
    """What every dataset writer receives."""

    output: Output
    truth: Truth
    samples: Samples
    parties: Parties
    world: World
    mints: Mints
    size: SizeProfile
    planted_systems: PlantedSystems
    seed: int

    def rng(self, stream: int) -> np.random.Generator:
        """A generator for one dataset, independent of the others."""
        return np.random.default_rng([self.seed, 100 + stream])


class Renderer:
    """Names people the way one dataset does, background and planted alike."""

    def __init__(
        self, rng: np.random.Generator, profile: NameProfile, planted_systems: PlantedSystems
    ) -> None:
        self.rng = rng
        self.profile = profile
        self.planted_systems = planted_systems

    def _u(self) -> tuple[float, float, float, float, float]:
        u = self.rng.random(5)
        return (float(u[0]), float(u[1]), float(u[2]), float(u[3]), float(u[4]))

    def background(self, person: PersonView) -> RenderedName:
        return render_name(person, self.profile, self._u())

    def planted(self, person: PlantedPerson) -> RenderedName:
        system = self.planted_systems.next(person.true_id)
        return render_name(person.view(), self.profile, self._u(), system=system)

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def han(self, person: PersonView, rate: float, traditional: bool) -> str | None:
        """The Han name at ``rate``, in traditional script if asked."""
        return han_name(person, traditional) if self.chance(rate) else None

    def birth_date(self, birth: dt.date, rate: float, error_rate: float = 0.02) -> str | None:
        """An ISO birth date at ``rate``; a few have day and month swapped or a wrong day."""
        if not self.chance(rate):
            return None
        if self.chance(error_rate):
            if birth.day <= 12 and birth.day != birth.month:
                birth = birth.replace(month=birth.day, day=birth.month)
            else:
                birth = birth.replace(day=max(1, min(28, birth.day + 1)))
        return birth.isoformat()

    def nationality(self, origin: Origin) -> str:
        options = NATIONALITY[origin]
        return options[int(self.rng.integers(0, len(options)))]


def interleave(
    rng: np.random.Generator, background: int, planted: Sequence[T]
) -> Iterator[tuple[int | None, T | None]]:
    """Yield (background index, None) and (None, planted item) in a random mixed order."""
    positions = np.sort(rng.integers(0, background + 1, len(planted)))
    order = rng.permutation(len(planted))
    k = 0
    for i in range(background + 1):
        while k < len(planted) and positions[k] == i:
            yield None, planted[int(order[k])]
            k += 1
        if i < background:
            yield i, None
