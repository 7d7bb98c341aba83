"""``registry/cn_registry.ftm.json``: mainland people in Han script, with families.

A household-registration style extract: name, sex, birth date, identity
number and area for every person, Family links within households, and posts
for officials. Officials' families are written exactly like background
households, so the registry alone does not tell who is an official's
relative except through the Family links.
"""

from __future__ import annotations

from collections.abc import Callable

from nohaven.names.surnames import SURNAMES
from nohaven.scenario.datasets.common import Context, interleave
from nohaven.scenario.officials import Official
from nohaven.scenario.people import IdNumberIssuer, PlantedPerson, Role, from_day, given_string
from nohaven.scenario.vocab import AREAS, REGISTRY_POSITIONS
from nohaven.scenario.writer import Entity, entity

RELPATH = "registry/cn_registry.ftm.json"


def _person(
    entity_id: str,
    family: str,
    given: str,
    female: bool,
    birth: str,
    id_number: str,
    area_index: int,
    position: list[str] | None = None,
) -> Entity:
    area = AREAS[area_index]
    return entity(
        entity_id,
        "Person",
        name=family + given,
        lastName=family,
        firstName=given,
        gender="female" if female else "male",
        birthDate=birth,
        nationality="cn",
        country="cn",
        idNumber=id_number,
        address=f"{area.province_zh}{area.city_zh}",
        position=position,
    )


def _planted_person(person: PlantedPerson, position: list[str] | None = None) -> Entity:
    return _person(
        person.registry_id,
        person.family,
        person.given,
        person.female,
        person.birth.isoformat(),
        person.id_number,
        AREAS.index(person.area),
        position,
    )


def _in_law(child_spouse: PlantedPerson) -> str:
    return "daughter-in-law" if child_spouse.female else "son-in-law"


def official_family(official: Official, family_id: Callable[[], str]) -> list[Entity]:
    """Registry records of an official, the relatives and their Family links."""
    o = official
    items = [_planted_person(o.person, [o.post_zh, o.post_en])]
    links: list[tuple[PlantedPerson, PlantedPerson, str]] = []
    if o.spouse is not None:
        items.append(_planted_person(o.spouse))
        links.append((o.person, o.spouse, "spouse"))
    for child in o.children:
        items.append(_planted_person(child))
        links.append((o.person, child, "child"))
        partner = o.child_spouses.get(child.true_id)
        if partner is not None:
            items.append(_planted_person(partner))
            links.append((child, partner, "spouse"))
            links.append((o.person, partner, _in_law(partner)))
    for person, relative, relationship in links:
        items.append(
            entity(
                family_id(),
                "Family",
                person=person.registry_id,
                relative=relative.registry_id,
                relationship=relationship,
            )
        )
    return items


def write_registry(ctx: Context, ids: IdNumberIssuer) -> None:
    """Write the registry: background households, namesakes and officials' families."""
    rng = ctx.rng(1)
    sample = ctx.samples["registry"]
    pop = ctx.samples.population
    family_mint = ctx.mints("cn-reg-f")
    heads: dict[int, str] = {}
    officials = ctx.world.officials
    with ctx.output.ftm(RELPATH) as out:
        for i, official in interleave(rng, len(sample), officials):
            if official is not None:
                out.write_all(official_family(official, family_mint.next))
                for person in official.family:
                    ctx.truth.identity(person.registry_id, person.true_id)
                continue
            assert i is not None
            row = int(sample.rows[i])
            record_id = str(sample.ids[i])
            female = bool(pop.female[row])
            birth = from_day(int(pop.birth[row]))
            area = int(pop.area[row]) if pop.area[row] >= 0 else int(rng.integers(0, len(AREAS)))
            position = None
            if birth.year < 1995 and rng.random() < 0.4:
                position = [str(rng.choice(REGISTRY_POSITIONS))]
            out.write(
                _person(
                    record_id,
                    SURNAMES[int(pop.surname[row])].simplified,
                    given_string(pop.given[row]),
                    female,
                    birth.isoformat(),
                    ids.issue(AREAS[area].code, birth, female),
                    area,
                    position,
                )
            )
            ctx.truth.identity(record_id, pop.true_id(row))
            household, role = int(pop.household[row]), int(pop.role[row])
            if role == Role.HEAD:
                heads[household] = record_id
            elif role in (Role.SPOUSE, Role.CHILD) and household in heads:
                out.write(
                    entity(
                        family_mint.next(),
                        "Family",
                        person=heads[household],
                        relative=record_id,
                        relationship="spouse" if role == Role.SPOUSE else "child",
                    )
                )
