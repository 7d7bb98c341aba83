"""Officials and their families: who they are, before any wrongdoing is planted.

Every official gets a post, a spouse (usually), children and sometimes
children's spouses, each with a mainland identity number and a registry
record id. Which officials are corrupt, and how, is decided here by a case
profile; :mod:`nohaven.scenario.cases` then plants the consequences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from nohaven.names.surnames import SURNAMES
from nohaven.scenario.ids import Mints
from nohaven.scenario.people import (
    IdNumberIssuer,
    PlantedPerson,
    draw_given,
    draw_surnames,
    from_day,
    given_string,
)
from nohaven.scenario.vocab import (
    AREAS,
    JOBS_ADULT,
    POSTS,
    WESTERN_FEMALE,
    WESTERN_MALE,
    Area,
    Post,
)

# Case profiles. The first five officials take these in order, so even the
# small scenario has every typology and every finding; later officials are
# corrupt at CORRUPT_SHARE with a random corrupt profile, else clean.
CORRUPT_PROFILES = ("embezzler", "quota_splitter", "gambler", "cycler")
CLEAN_PROFILES = ("clean", "clean_student_abroad", "clean_declared_property")
FIRST_PROFILES = ("embezzler", "quota_splitter", "gambler", "cycler", "clean")
CORRUPT_SHARE = 0.2
COMPOUND_SURNAMES = ("欧阳", "司马", "司徒")

FIRST_DECLARED_YEAR = 2009  # the first annual declaration covers 2009, filed January 2010
LAST_DECLARED_YEAR = 2015


@dataclass
class Official:
    """An official, the family, the post and the case profile."""

    person: PlantedPerson
    post: Post
    area: Area
    profile: str
    salary_cny: int  # yearly salary, CNY
    post_since: dt.date
    spouse: PlantedPerson | None
    children: list[PlantedPerson]
    child_spouses: dict[str, PlantedPerson] = field(default_factory=dict)  # child true_id → spouse
    year_shift: int = 0  # shifts the case timeline so officials' stories do not align

    @property
    def official_id(self) -> str:
        """The official's registry record id, used as official_id everywhere."""
        return self.person.registry_id

    @property
    def post_zh(self) -> str:
        return self.post.zh.format(**self.area._asdict())

    @property
    def post_en(self) -> str:
        return self.post.en.format(**self.area._asdict())

    @property
    def employer_zh(self) -> str:
        return self.post.employer_zh.format(**self.area._asdict())

    @property
    def employer_en(self) -> str:
        return self.post.employer_en.format(**self.area._asdict())

    @property
    def relatives(self) -> list[PlantedPerson]:
        """Spouse, children and children's spouses, in that order."""
        spouse = [self.spouse] if self.spouse else []
        return spouse + self.children + list(self.child_spouses.values())

    @property
    def family(self) -> list[PlantedPerson]:
        """The official and all relatives."""
        return [self.person, *self.relatives]

    @property
    def corrupt(self) -> bool:
        return self.profile in CORRUPT_PROFILES


class FamilyPlanner:
    """Creates planted persons with unique identity numbers and registry ids."""

    def __init__(self, rng: np.random.Generator, mints: Mints, ids: IdNumberIssuer) -> None:
        self.rng = rng
        self.mints = mints
        self.ids = ids
        self._count = 0

    def person(
        self,
        relation: str,
        female: bool,
        birth: dt.date,
        area: Area,
        surname: str | None = None,
    ) -> PlantedPerson:
        """A new planted person; the surname is drawn unless given (children's)."""
        rng = self.rng
        family = surname or SURNAMES[int(draw_surnames(rng, 1)[0])].simplified
        given = given_string(draw_given(rng, np.asarray([female]))[0])
        self._count += 1
        western = None
        if relation in ("child", "child_spouse") and rng.random() < 0.5:
            western = str(rng.choice(WESTERN_FEMALE if female else WESTERN_MALE))
        return PlantedPerson(
            true_id=f"tp-{self._count:06d}",
            family=family,
            given=given,
            female=female,
            birth=birth,
            area=area,
            id_number=self.ids.issue(area.code, birth, female),
            registry_id=self.mints("cn-reg-p").next(),
            relation=relation,
            western=western,
            job=str(rng.choice(JOBS_ADULT)),
            passport=f"{'G' if birth.year < 1980 else 'E'}{int(rng.integers(10**7, 10**8))}",
        )

    def _birth(self, first: int, last: int) -> dt.date:
        start = (dt.date(first, 1, 1) - dt.date(1970, 1, 1)).days
        end = (dt.date(last, 12, 31) - dt.date(1970, 1, 1)).days
        return from_day(int(self.rng.integers(start, end + 1)))

    def official(self, index: int) -> Official:
        """Official number ``index`` with a family and a case profile."""
        rng = self.rng
        if index < len(FIRST_PROFILES):
            profile = FIRST_PROFILES[index]
        elif rng.random() < CORRUPT_SHARE:
            profile = str(rng.choice(CORRUPT_PROFILES))
        else:
            profile = str(rng.choice(CLEAN_PROFILES))
        # Index 0 mirrors the Bank of China Kaiping case: a bank branch in Kaiping.
        area = AREAS[0] if index == 0 else AREAS[int(rng.integers(0, len(AREAS)))]
        post = POSTS[0] if profile == "embezzler" else POSTS[int(rng.integers(0, len(POSTS)))]
        female = bool(rng.random() < 0.12)
        # Official 3 carries a compound surname, so even the small world has one.
        surname = str(rng.choice(COMPOUND_SURNAMES)) if index == 3 else None
        person = self.person("official", female, self._birth(1950, 1968), area, surname)
        spouse = None
        # A student abroad without a spouse at home would make a naked official.
        if profile in (*CORRUPT_PROFILES, "clean_student_abroad") or rng.random() < 0.92:
            birth = person.birth + dt.timedelta(days=int(rng.normal(0, 900)))
            spouse = self.person("spouse", not female, birth, area)
        n_children = 1 + int(rng.random() < 0.45)
        if profile == "quota_splitter":
            n_children = 2  # one of them is left out of the declarations
        children = []
        for _ in range(n_children):
            birth = self._birth(person.birth.year + 23, person.birth.year + 33)
            children.append(
                self.person("child", bool(rng.random() < 0.5), birth, area, person.family)
            )
        official = Official(
            person=person,
            post=post,
            area=area,
            profile=profile,
            salary_cny=int(rng.integers(140, 420)) * 1_000,
            post_since=self._birth(1998, 2006),
            spouse=spouse,
            children=children,
            year_shift=0 if index < len(FIRST_PROFILES) else int(rng.integers(-2, 3)),
        )
        for child in children:
            if child.birth.year <= 1988 and rng.random() < 0.5:
                birth = child.birth + dt.timedelta(days=int(rng.normal(0, 700)))
                official.child_spouses[child.true_id] = self.person(
                    "child_spouse", not child.female, birth, area
                )
        return official


def plan_officials(
    rng: np.random.Generator, count: int, mints: Mints, ids: IdNumberIssuer
) -> list[Official]:
    """``count`` officials with families; see :data:`FIRST_PROFILES` for the mix."""
    planner = FamilyPlanner(rng, mints, ids)
    return [planner.official(i) for i in range(count)]
