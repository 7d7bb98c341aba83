"""``ledger/holders.ftm.json``: account holders that appear in no other dataset.

Banks, casinos, employers, shops and ordinary people abroad known only as
the names on their accounts; also officials' employers and the mainland
front companies of an embezzlement. Every ``holder`` in accounts.csv is an
entity here or in another loaded file.
"""

from __future__ import annotations

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.naming import NameProfile, layouts
from nohaven.scenario.people import from_day
from nohaven.scenario.samples import LEDGER_COUNTRIES
from nohaven.scenario.vocab import BANKS, CASINOS
from nohaven.scenario.world import HolderSpec
from nohaven.scenario.writer import Entity, entity

RELPATH = "ledger/holders.ftm.json"
_NORTH_AMERICA = layouts(
    ("family_last", "system", "title", 0.5),
    ("comma", "system", "upper", 0.3),
    ("family_last", "spaced", "title", 0.2),
)
PROFILES: dict[str, NameProfile] = {
    "hk": NameProfile(
        layouts(("comma", "system", "upper_family", 0.6), ("family_first", "system", "upper", 0.4)),
        western_rate=0.6,
        typo_rate=0.01,
    ),
    "us": NameProfile(_NORTH_AMERICA, western_rate=0.6, typo_rate=0.01),
    "ca": NameProfile(_NORTH_AMERICA, western_rate=0.6, typo_rate=0.01),
    "mo": NameProfile(
        layouts(("family_first", "spaced", "upper", 0.6), ("family_first", "system", "title", 0.4)),
        western_rate=0.2,
        typo_rate=0.01,
        macau=True,
    ),
}


def _organisations(ctx: Context) -> list[Entity]:
    parties = ctx.parties
    items = []
    for bank in BANKS:
        entity_id = parties.bank_ids[bank.code]
        items.append(
            entity(entity_id, "Company", name=bank.name, country=bank.country, sector="banking")
        )
        ctx.truth.identity(entity_id, f"bgc-{entity_id}")
    for casino in CASINOS:
        entity_id = parties.casino_ids[casino.code]
        items.append(
            entity(
                entity_id,
                "Company",
                name=casino.name,
                country=casino.country,
                address=casino.city,
                sector="gaming",
            )
        )
        ctx.truth.identity(entity_id, f"bgc-{entity_id}")
    for org in ctx.world.orgs:
        items.append(
            entity(org.entity_id, org.schema, name=org.name, alias=org.alias, country=org.country)
        )
        ctx.truth.identity(org.entity_id, f"tc-{org.entity_id}")
    return items


def _company(ctx: Context, i: int) -> Entity:
    table = ctx.parties.ledger_companies
    entity_id = str(table.ids[i])
    ctx.truth.identity(entity_id, table.true_id(i))
    return entity(
        entity_id,
        "Company",
        name=table.names[i],
        country=str(table.country[i]),
        incorporationDate=from_day(int(table.incorporated[i])).isoformat(),
    )


def write_holders(ctx: Context) -> None:
    """Write ledger-only holders: organisations, then people country by country."""
    rng = ctx.rng(6)
    with ctx.output.ftm(RELPATH) as out:
        out.write_all(_organisations(ctx))
        for row in range(len(ctx.parties.ledger_companies)):
            out.write(_company(ctx, row))
        for country, _ in LEDGER_COUNTRIES:
            render = Renderer(rng, PROFILES[country], ctx.planted_systems)
            sample = ctx.samples[f"ledger_{country}"]
            planted = [h for h in ctx.world.holders if h.country == country]
            for i, spec in interleave(rng, len(sample), planted):
                out.write(_person(ctx, render, country, i, spec))


def _person(
    ctx: Context,
    render: Renderer,
    country: str,
    i: int | None,
    spec: HolderSpec | None,
) -> Entity:
    if spec is not None:
        person = spec.person
        ctx.truth.identity(spec.record_id, person.true_id)
        return entity(
            spec.record_id,
            "Person",
            name=render.planted(person).name,
            birthDate=render.birth_date(person.birth, 0.3),
            country=country,
        )
    sample = ctx.samples[f"ledger_{country}"]
    assert i is not None
    row = int(sample.rows[i])
    view = ctx.samples.population.view(row)
    record_id = str(sample.ids[i])
    ctx.truth.identity(record_id, ctx.samples.population.true_id(row))
    return entity(
        record_id,
        "Person",
        name=render.background(view).name,
        birthDate=render.birth_date(view.birth, 0.3),
        country=country,
    )
