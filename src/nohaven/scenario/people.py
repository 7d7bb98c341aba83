"""People of the synthetic world: the background population and planted persons.

The background population is stored as NumPy arrays (one row per real person)
so that a million people cost a few tens of megabytes; datasets sample their
records from it, which is what makes the same innocent person appear in
several datasets, and makes common names collide. Planted persons (officials
and their relatives) are ordinary dataclasses because there are few of them
and the story needs their details.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from nohaven.names.surnames import SURNAMES
from nohaven.scenario.vocab import (
    AREAS,
    GIVEN_CHARS,
    GIVEN_MALE,
    SURNAME_WEIGHTS,
    WESTERN_FEMALE,
    WESTERN_MALE,
    Area,
)

EPOCH = dt.date(1970, 1, 1)
_N_MALE_CHARS = len(GIVEN_MALE)


class Origin(IntEnum):
    """Where a person grew up, which decides how foreign records romanise the name."""

    MAINLAND = 0
    HONG_KONG = 1
    SINGAPORE_MALAYSIA = 2
    TAIWAN = 3


class Role(IntEnum):
    """A background person's place in a registry household."""

    NONE = -1
    HEAD = 0
    SPOUSE = 1
    CHILD = 2


class PersonView(NamedTuple):
    """What record renderers need to know about a person, background or planted."""

    family: str  # Han surname, simplified
    given: str  # Han given name, simplified
    female: bool
    birth: dt.date
    origin: Origin
    western: str | None  # Western given name, e.g. "Nancy"


def day(value: dt.date) -> int:
    """Days since 1970-01-01 (how dates are stored in population arrays)."""
    return (value - EPOCH).days


def from_day(days: int) -> dt.date:
    """Inverse of :func:`day`."""
    return EPOCH + dt.timedelta(days=int(days))


# Surnames added to the table after SURNAME_WEIGHTS was written get a small weight.
_WEIGHTS = (*SURNAME_WEIGHTS, *([0.3] * (len(SURNAMES) - len(SURNAME_WEIGHTS))))
_SURNAME_P = np.asarray(_WEIGHTS, dtype=np.float64) / sum(_WEIGHTS)


def draw_surnames(rng: np.random.Generator, n: int) -> NDArray[np.int16]:
    """Surname indices (into ``SURNAMES``) with mainland frequencies."""
    return rng.choice(len(SURNAMES), size=n, p=_SURNAME_P).astype(np.int16)


def draw_given(rng: np.random.Generator, female: NDArray[np.bool_]) -> NDArray[np.int16]:
    """Given-name character indices, shape (n, 2); column 1 is -1 for one-character names.

    Characters come from the list for the person's gender 85% of the time,
    which is how names like 凡 or 宁 end up on men and women alike.
    """
    n = len(female)
    own = rng.random((n, 2)) < 0.85
    use_female = np.where(own, female[:, None], ~female[:, None])
    male_pick = rng.integers(0, _N_MALE_CHARS, size=(n, 2))
    female_pick = rng.integers(_N_MALE_CHARS, len(GIVEN_CHARS), size=(n, 2))
    given = np.where(use_female, female_pick, male_pick).astype(np.int16)
    single = rng.random(n) < 0.25
    given[single, 1] = -1
    return given


def given_string(given: NDArray[np.int16] | tuple[int, int]) -> str:
    """Han given name from a row of character indices."""
    return "".join(GIVEN_CHARS[int(g)] for g in given if g >= 0)


@dataclass
class Population:
    """Background people as parallel arrays; row i is one real person."""

    surname: NDArray[np.int16]
    given: NDArray[np.int16]  # (n, 2)
    female: NDArray[np.bool_]
    birth: NDArray[np.int32]  # days since 1970-01-01
    origin: NDArray[np.int8]
    western: NDArray[np.int16]  # index into WESTERN_MALE/FEMALE, -1 for none
    area: NDArray[np.int16]  # index into AREAS for mainland people, else -1
    household: NDArray[np.int32]  # registry household, -1 if not in the registry sample
    role: NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.surname)

    def view(self, i: int) -> PersonView:
        """The person in row ``i`` as a :class:`PersonView`."""
        western_index = int(self.western[i])
        female = bool(self.female[i])
        western = None
        if western_index >= 0:
            western = (WESTERN_FEMALE if female else WESTERN_MALE)[western_index]
        return PersonView(
            family=SURNAMES[int(self.surname[i])].simplified,
            given=given_string(self.given[i]),
            female=female,
            birth=from_day(int(self.birth[i])),
            origin=Origin(int(self.origin[i])),
            western=western,
        )

    def true_id(self, i: int) -> str:
        """Ground-truth id of the person in row ``i``."""
        return f"bg-{i:08d}"

    @staticmethod
    def concat(parts: list[Population]) -> Population:
        """Join population blocks into one."""
        return Population(
            **{
                name: np.concatenate([getattr(p, name) for p in parts])
                for name in Population.__dataclass_fields__
            }
        )


def _block(
    rng: np.random.Generator,
    surname: NDArray[np.int16],
    female: NDArray[np.bool_],
    birth: NDArray[np.int32],
    origin: NDArray[np.int8],
    western_rate: float,
    household: NDArray[np.int32] | None = None,
    role: NDArray[np.int8] | None = None,
    given: NDArray[np.int16] | None = None,
) -> Population:
    n = len(surname)
    western = np.where(
        rng.random(n) < western_rate, rng.integers(0, len(WESTERN_MALE), n), -1
    ).astype(np.int16)
    mainland = origin == Origin.MAINLAND
    area = np.where(mainland, rng.integers(0, len(AREAS), n), -1).astype(np.int16)
    return Population(
        surname=surname,
        given=draw_given(rng, female) if given is None else given,
        female=female,
        birth=birth,
        origin=origin,
        western=western,
        area=area,
        household=np.full(n, -1, np.int32) if household is None else household,
        role=np.full(n, Role.NONE, np.int8) if role is None else role,
    )


def _birth_days(rng: np.random.Generator, n: int, first: int, last: int) -> NDArray[np.int32]:
    start, end = day(dt.date(first, 1, 1)), day(dt.date(last, 12, 31))
    return rng.integers(start, end + 1, n).astype(np.int32)


def draw_households(rng: np.random.Generator, households: int) -> Population:
    """Mainland registry households: a head, usually a spouse, zero to two children.

    Children carry the head's surname, spouses their own, so the registry
    shows the same family structure as planted officials' families.
    """
    h = households
    head_female = rng.random(h) < 0.15
    head_birth = _birth_days(rng, h, 1940, 1980)
    head_surname = draw_surnames(rng, h)
    has_spouse = rng.random(h) < 0.85
    spouse_of = np.flatnonzero(has_spouse)
    spouse_birth = head_birth[spouse_of] + rng.normal(0, 3 * 365, len(spouse_of)).astype(np.int32)
    n_children = rng.choice(3, size=h, p=[0.2, 0.5, 0.3])
    child_of = np.repeat(np.arange(h), n_children)
    child_birth = head_birth[child_of] + rng.integers(22 * 365, 38 * 365, len(child_of))
    household = np.concatenate([np.arange(h), spouse_of, child_of]).astype(np.int32)
    role = np.concatenate(
        [
            np.full(h, Role.HEAD),
            np.full(len(spouse_of), Role.SPOUSE),
            np.full(len(child_of), Role.CHILD),
        ]
    ).astype(np.int8)
    surname = np.concatenate(
        [head_surname, draw_surnames(rng, len(spouse_of)), head_surname[child_of]]
    )
    female = np.concatenate([head_female, ~head_female[spouse_of], rng.random(len(child_of)) < 0.5])
    birth = np.concatenate([head_birth, spouse_birth, child_birth]).astype(np.int32)
    origin = np.zeros(len(surname), np.int8)
    block = _block(rng, surname, female, birth, origin, 0.05, household, role)
    # A household lives in one area.
    block.area = np.asarray(rng.integers(0, len(AREAS), h)[household], np.int16)
    return block


def draw_people(
    rng: np.random.Generator, n: int, origin_weights: tuple[float, float, float, float]
) -> Population:
    """Unrelated people of the given origin mix (mainland, HK, SG-MY, Taiwan)."""
    origin = rng.choice(4, size=n, p=np.asarray(origin_weights) / sum(origin_weights))
    female = rng.random(n) < 0.5
    birth = _birth_days(rng, n, 1945, 2000)
    western_rate = 0.3
    return _block(rng, draw_surnames(rng, n), female, birth, origin.astype(np.int8), western_rate)


def namesakes(rng: np.random.Generator, people: list[PersonView], per_person: int) -> Population:
    """People who share each given person's exact Han name but nothing else.

    These make a name-only match ambiguous: the registry and foreign datasets
    hold several unrelated 许超凡 / "Xu Chaofan" with other birth dates.
    """
    surnames = {s.simplified: i for i, s in enumerate(SURNAMES)}
    char_index = {c: i for i, c in enumerate(GIVEN_CHARS)}
    rows = [p for p in people for _ in range(per_person)]
    n = len(rows)
    surname = np.asarray([surnames[p.family] for p in rows], np.int16)
    given = np.full((n, 2), -1, np.int16)
    for i, p in enumerate(rows):
        for j, char in enumerate(p.given[:2]):
            given[i, j] = char_index[char]
    female = np.asarray([p.female for p in rows], bool)
    birth = _birth_days(rng, n, 1945, 2000)
    # Mostly mainland, some Hong Kong-born: the same Han name then romanises alike.
    origin = np.where(rng.random(n) < 0.75, Origin.MAINLAND, Origin.HONG_KONG).astype(np.int8)
    return _block(rng, surname, female, birth, origin, 0.3, given=given)


# ---------------------------------------------------------------------------
# Planted persons


@dataclass(eq=False)  # identity, not field equality: each is one real person
class PlantedPerson:
    """An official or relative whose story the scenario tells.

    ``residence_*`` is the truth about emigration; what the official declares
    may differ. ``records`` lists every data record naming this person, so the
    truth table can group them.
    """

    true_id: str
    family: str
    given: str
    female: bool
    birth: dt.date
    area: Area
    id_number: str
    registry_id: str
    relation: str  # official | spouse | child | child_spouse | friend
    western: str | None = None
    job: str = ""
    residence_country: str = "cn"
    residence_status: str = "none"  # citizen | permanent_resident | long_term_resident | none
    residence_since: dt.date | None = None
    passport: str = ""  # mainland passport number
    records: list[str] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # country → ledger account

    @property
    def han(self) -> str:
        """Full Han name, simplified."""
        return self.family + self.given

    @property
    def emigrated(self) -> bool:
        """True when living abroad with foreign nationality or (long-term) residence."""
        return self.residence_status != "none"

    def view(self) -> PersonView:
        """This person as seen by record renderers (always mainland-born)."""
        return PersonView(
            self.family, self.given, self.female, self.birth, Origin.MAINLAND, self.western
        )


# ---------------------------------------------------------------------------
# Mainland identity numbers

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a mainland resident identity number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


class IdNumberIssuer:
    """Issues unique 18-digit identity numbers: area, birth date, sequence, check.

    The sequence number is odd for men and even for women, as on real cards;
    a counter per (area, birth date, sex) keeps numbers unique.
    """

    def __init__(self) -> None:
        self._issued: dict[int, int] = {}  # (area, day, sex) packed into one int

    def issue(self, area_code: str, birth: dt.date, female: bool) -> str:
        """The next identity number for this area, birth date and sex."""
        key = (int(area_code) * 100_000 + day(birth) + 50_000) * 2 + female
        count = self._issued.get(key, 0)
        self._issued[key] = count + 1
        # Start the sequence at a birth-date-dependent point, as if others had been issued.
        base = (day(birth) * 37 + int(area_code)) % 400
        sequence = 2 * (base + count) + (0 if female else 1)
        first17 = f"{area_code}{birth:%Y%m%d}{sequence:03d}"
        return first17 + id_check_digit(first17)
