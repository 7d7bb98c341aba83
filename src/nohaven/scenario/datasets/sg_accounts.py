"""``foreign/sg_accounts.ftm.json``: a Singapore bank's customer (KYC) extract.

Customers, their accounts and the holder links. Account numbers are the
ledger's account ids, so an investigator can go from a ledger row to the
customer record. Singapore spelling favours Hokkien and Teochew surnames
("KOH CHAO FAN" for 许超凡), with Han names in simplified characters.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.documents import nric
from nohaven.scenario.documents import passport as document_passport
from nohaven.scenario.naming import NameProfile, layouts
from nohaven.scenario.people import Origin, PersonView
from nohaven.scenario.vocab import BANKS
from nohaven.scenario.world import BankAccountSpec
from nohaven.scenario.writer import Entity, entity

RELPATH = "foreign/sg_accounts.ftm.json"
PROFILE = NameProfile(
    layouts=layouts(
        ("family_first", "spaced", "upper", 0.5),
        ("family_first", "system", "title", 0.2),
        ("family_last", "system", "title", 0.15),
        ("comma", "system", "upper_family", 0.15),
    ),
    western_rate=0.5,
    typo_rate=0.02,
)
BANK_NAMES = {bank.code: bank.name for bank in BANKS}


class _Writer:
    def __init__(self, ctx: Context, rng: np.random.Generator) -> None:
        self.ctx = ctx
        self.rng = rng
        self.render = Renderer(rng, PROFILE, ctx.planted_systems)
        self.account_mint = ctx.mints("sg-acc-a")
        self.ownership_mint = ctx.mints("sg-acc-o")

    def customer(
        self,
        record_id: str,
        holder: str,
        view: PersonView,
        name: str,
        passport: str | None,
        account: str,
        opened: dt.date,
        ownership_id: str,
    ) -> list[Entity]:
        r = self.render
        local = view.origin == Origin.SINGAPORE_MALAYSIA
        account_id = self.account_mint.next()
        bank = account.split("-")[1]
        return [
            entity(
                record_id,
                "Person",
                name=name,
                alias=r.han(view, 0.3, traditional=False),
                nationality=r.nationality(view.origin),
                birthDate=r.birth_date(view.birth, 0.95),
                idNumber=nric(self.ctx.seed, holder) if local else None,
                passportNumber=None if local else passport,
                country="sg",
            ),
            entity(
                account_id,
                "BankAccount",
                accountNumber=account,
                bankName=BANK_NAMES[bank],
                currency="SGD",
                country="sg",
                openingDate=opened.isoformat(),
            ),
            entity(
                ownership_id,
                "Ownership",
                owner=record_id,
                asset=account_id,
                role="account holder",
                startDate=opened.isoformat(),
            ),
        ]

    def background(self, i: int, account: str) -> list[Entity]:
        sample = self.ctx.samples["sg_holders"]
        pop = self.ctx.samples.population
        row = int(sample.rows[i])
        view = pop.view(row)
        record_id = str(sample.ids[i])
        holder = pop.true_id(row)
        self.ctx.truth.identity(record_id, holder)
        opened = dt.date(int(self.rng.integers(1998, 2016)), int(self.rng.integers(1, 13)), 1)
        passport = (
            document_passport(self.ctx.seed, holder, view.origin, opened.year)
            if self.render.chance(0.6)
            else None
        )
        name = self.render.background(view).name
        return self.customer(
            record_id, holder, view, name, passport, account, opened, self.ownership_mint.next()
        )

    def planted(self, spec: BankAccountSpec) -> list[Entity]:
        person = spec.person
        self.ctx.truth.identity(spec.person_record_id, person.true_id)
        name = self.render.planted(person).name
        return self.customer(
            spec.person_record_id,
            person.true_id,
            person.view(),
            name,
            person.passport,
            spec.account,
            spec.opened,
            spec.ownership_id,
        )


def write_sg_accounts(ctx: Context, accounts: np.ndarray) -> None:
    """Write the Singapore KYC extract; ``accounts`` align with the sg_holders sample."""
    rng = ctx.rng(3)
    writer = _Writer(ctx, rng)
    with ctx.output.ftm(RELPATH) as out:
        for i, spec in interleave(rng, len(accounts), ctx.world.sg_accounts):
            if spec is not None:
                out.write_all(writer.planted(spec))
            else:
                assert i is not None
                out.write_all(writer.background(i, str(accounts[i])))
