"""Plant each official's case: emigration, foreign records, companies, property, accounts.

The profiles follow DOMAIN.md. An *embezzler* runs a Kaiping-style scheme
through a Hong Kong conduit and a BVI shell, and hides that the whole family
emigrated to Canada; a *quota_splitter* leaves a US-resident child off the
declarations and buys that child a condominium with split FX quotas; a
*gambler* launders through Macau casinos and a Hong Kong company; a *cycler*
cycles money through family shells and declares, honestly, a family that
emigrated to the US. Clean officials provide near misses: children studying
abroad, declared foreign property.

Money is not moved here; :mod:`.schemes` does that, using the accounts,
deeds and companies planted here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nohaven.names.script import to_traditional
from nohaven.scenario.accounts import AccountBook, BackgroundAccounts, Role
from nohaven.scenario.ids import Mints
from nohaven.scenario.officials import Official
from nohaven.scenario.parties import chinese_company_name, english_company_name
from nohaven.scenario.people import PlantedPerson
from nohaven.scenario.places import hk_address, street_address
from nohaven.scenario.vocab import JOBS_ABROAD
from nohaven.scenario.world import (
    BankAccountSpec,
    Case,
    CaseSpec,
    DeedSpec,
    HolderSpec,
    Holding,
    Officer,
    OrgSpec,
    PartySpec,
    PatronSpec,
    ShellCompany,
    VisaSpec,
    World,
)

# Immigration statuses as written in each country's records, and the residence
# status (the declaration vocabulary) each one amounts to.
STATUS_TEXT = {
    "ca": {
        "study": "study permit",
        "permanent_resident": "permanent resident",
        "citizen": "citizen",
        "visitor": "temporary resident visa",
    },
    "us": {
        "study": "F-1 student visa",
        "permanent_resident": "lawful permanent resident",
        "citizen": "naturalized citizen",
        "visitor": "B1/B2 visitor visa",
    },
}
RESIDENCE_OF = {
    "study": "long_term_resident",
    "permanent_resident": "permanent_resident",
    "citizen": "citizen",
    "work": "long_term_resident",
}
CN_BANKS = ("BOC", "ICBC", "CCB", "ABC", "CMB")
FOREIGN_BANK = {
    "us": ("EWB", "CATHAY", "BOFA"),
    "ca": ("RBC", "TD", "HSBCCA"),
    "sg": ("DBS", "OCBC", "UOB"),
}


def _date(year: int, month: int, day: int = 1) -> dt.date:
    return dt.date(year, month, min(day, 28))


class CasePlanter:
    """Plants the records of every official's case into a :class:`World`."""

    def __init__(
        self,
        rng: np.random.Generator,
        mints: Mints,
        book: AccountBook,
        background: BackgroundAccounts,
        world: World,
    ) -> None:
        self.rng = rng
        self.mints = mints
        self.book = book
        self.background = background
        self.world = world
        self._employers: dict[str, tuple[str, str]] = {}  # name → (entity id, account)
        self._shells = 0

    # -- small helpers ------------------------------------------------------

    def _jitter(self, date: dt.date, days: int) -> dt.date:
        return date + dt.timedelta(days=int(self.rng.integers(0, days + 1)))

    def _record(self, person: PlantedPerson, prefix: str) -> str:
        record_id = self.mints(prefix).next()
        person.records.append(record_id)
        return record_id

    def _employer(self, official: Official) -> str:
        """The employer's ledger account (one entity per distinct employer)."""
        name = official.employer_zh
        if name not in self._employers:
            entity_id = self.mints("ledger-c").next()
            post = official.post
            schema = "Company" if post.is_bank or "Investment" in post.employer_en else "PublicBody"
            self.world.orgs.append(OrgSpec(entity_id, schema, name, official.employer_en, "cn"))
            role = Role.BANK if post.is_bank else Role.EMPLOYER
            bank = "BOC" if "Bank of China" in official.employer_en else None
            account = self.book.add(entity_id, "cn", role, bank)
            self._employers[name] = (entity_id, account)
        return self._employers[name][1]

    def _cn_accounts(self, case: Case) -> None:
        official = case.official
        bank = "BOC" if official.post.is_bank else str(self.rng.choice(CN_BANKS))
        case.accounts["employer"] = self._employer(official)
        for person in official.family:
            account = self.book.add(person.registry_id, "cn", Role.PERSON, bank)
            person.accounts["cn"] = account

    def _foreign_account(self, person: PlantedPerson, country: str, opened: dt.date) -> str:
        """A bank account in ``country``, known through a Singapore KYC or ledger record."""
        bank = str(self.rng.choice(FOREIGN_BANK.get(country, ("HSBC", "BOCHK", "HASE"))))
        if country == "sg":
            record_id = self._record(person, "sg-acc-p")
            account = self.book.add(record_id, "sg", Role.PERSON, bank)
            ownership_id = self.mints("sg-acc-o").next()
            spec = BankAccountSpec(person, record_id, account, bank, opened, ownership_id)
            self.world.sg_accounts.append(spec)
        else:
            record_id = self._record(person, "ledger-p")
            account = self.book.add(record_id, country, Role.PERSON, bank)
            self.world.holders.append(HolderSpec(person, record_id, country))
        person.accounts[country] = account
        return account

    def _emigrate(
        self,
        person: PlantedPerson,
        country: str,
        steps: list[tuple[str, dt.date]],
    ) -> None:
        """Move ``person`` abroad through immigration steps (status, date).

        Canada and the US keep immigration records; Singapore residence shows
        only through the bank's records.
        """
        final_status = steps[-1][0]
        person.residence_country = country
        person.residence_status = RESIDENCE_OF[final_status]
        person.residence_since = steps[0][1]
        person.job = str(self.rng.choice(JOBS_ABROAD)) if final_status != "study" else "student"
        if country in ("ca", "us"):
            for status, issued in steps:
                expires = None
                if status == "study":
                    expires = issued + dt.timedelta(days=365 * 4)
                self.world.visas.append(
                    VisaSpec(
                        dataset=f"{country}_visas",
                        permit_id=self.mints(f"{country}-visa-i").next(),
                        person=person,
                        person_record_id=self._record(person, f"{country}-visa-p"),
                        status=STATUS_TEXT[country][status],
                        issued=issued,
                        expires=expires,
                    )
                )
        self._foreign_account(person, country, steps[0][1])

    def _emigrate_child(
        self, case: Case, child: PlantedPerson, country: str, steps: list[tuple[str, dt.date]]
    ) -> None:
        """A child emigrates; a married child's spouse goes along (as a citizen there)."""
        self._emigrate(child, country, steps)
        partner = case.official.child_spouses.get(child.true_id)
        if partner is not None:
            status = "citizen" if country != "sg" else "work"
            self._emigrate(partner, country, [(status, steps[0][1])])
            if child in case.omitted:
                case.omitted.append(partner)

    def _visit(self, person: PlantedPerson, country: str, issued: dt.date) -> None:
        """A visitor visa: a record abroad without any change of residence."""
        self.world.visas.append(
            VisaSpec(
                dataset=f"{country}_visas",
                permit_id=self.mints(f"{country}-visa-i").next(),
                person=person,
                person_record_id=self._record(person, f"{country}-visa-p"),
                status=STATUS_TEXT[country]["visitor"],
                issued=issued,
                expires=issued + dt.timedelta(days=365 * 10),
            )
        )

    def _shell(
        self,
        jurisdiction: str,
        incorporated: dt.date,
        officers: list[tuple[PlantedPerson, bool, float | None]],
        parent: ShellCompany | None = None,
        account_country: str | None = "hk",
    ) -> ShellCompany:
        """A family company in the Hong Kong registry (BVI ones are registered there too)."""
        self._shells += 1
        rng = self.rng
        hk_id = self.mints("hk-co-c").next()
        chinese = None
        if jurisdiction == "hk" and rng.random() < 0.6:  # as often as other Hong Kong companies
            chinese = to_traditional(chinese_company_name(rng, with_city=False))
        shell = ShellCompany(
            true_id=f"tc-{self._shells:06d}",
            name=english_company_name(rng, jurisdiction),
            chinese_name=chinese,
            jurisdiction=jurisdiction,
            hk_id=hk_id,
            incorporated=incorporated,
            address=hk_address(rng),
            parent=parent,
            records=[hk_id],
        )
        if parent is not None:
            shell.parent_ownership_id = self.mints("hk-co-o").next()
        for person, director, pct in officers:
            officer = Officer(
                person=person,
                record_id=self._record(person, "hk-co-p"),
                director=director,
                share_pct=pct,
                since=incorporated,
                directorship_id=self.mints("hk-co-d").next() if director else None,
                ownership_id=self.mints("hk-co-o").next() if pct is not None else None,
            )
            shell.officers.append(officer)
        if account_country:
            bank = str(rng.choice(("HSBC", "BOCHK", "HASE")))
            shell.account = self.book.add(hk_id, "hk", Role.SHELL, bank)
        self.world.shells.append(shell)
        return shell

    def _deed(
        self,
        country: str,
        recorded: dt.date,
        price_units: int,
        owner_person: PlantedPerson | None = None,
        owner_company: ShellCompany | None = None,
    ) -> DeedSpec:
        dataset = "us_deeds" if country == "us" else "ca_titles"
        prefix = "us-deed" if country == "us" else "ca-title"
        if owner_person is not None:
            owner_record = self._record(owner_person, f"{prefix}-p")
        else:
            assert owner_company is not None
            owner_record = self.mints(f"{prefix}-c").next()
            owner_company.records.append(owner_record)
        address, city = street_address(self.rng, country)
        deed = DeedSpec(
            dataset=dataset,
            deed_id=self.mints(f"{prefix}-o").next(),
            parcel_id=self.mints(f"{prefix}-r").next(),
            address=address,
            city=city,
            price_cents=price_units * 100,
            currency="USD" if country == "us" else "CAD",
            recorded=recorded,
            owner_record_id=owner_record,
            owner_person=owner_person,
            owner_company=owner_company,
        )
        self.world.deeds.append(deed)
        return deed

    def _hold_deed(
        self, case: Case, deed: DeedSpec, holder: PlantedPerson, declared: bool, key: str
    ) -> None:
        case.deeds[key] = deed
        case.holdings.append(
            Holding(
                kind="real_estate",
                country=deed.dataset[:2],
                description=f"House, {deed.address}",
                value_cents=deed.price_cents,
                currency=deed.currency,
                acquired=deed.recorded,
                holder=holder,
                declared=declared,
                asset_id=deed.parcel_id,
            )
        )

    def _hold_company(
        self, case: Case, shell: ShellCompany, holder: PlantedPerson, value_hkd: int
    ) -> None:
        case.shells[shell.hk_id] = shell
        case.holdings.append(
            Holding(
                kind="company_interest",
                country=shell.jurisdiction,
                description=f"Shares in {shell.name}",
                value_cents=value_hkd * 100,
                currency="HKD",
                acquired=shell.incorporated,
                holder=holder,
                declared=False,
                asset_id=shell.hk_id,
            )
        )

    def _patron(self, person: PlantedPerson, since: dt.date) -> None:
        self.world.patrons.append(
            PatronSpec(
                person,
                self._record(person, "mo-pat-p"),
                self.mints("mo-pat-m").next(),
                since,
            )
        )

    # -- profiles -----------------------------------------------------------

    def plant(self, official: Official) -> Case:
        """Plant the case of one official according to its profile."""
        case = Case(official)
        self._cn_accounts(case)
        planter = getattr(self, f"_plant_{official.profile}")
        planter(case, official.year_shift)
        self.world.cases.append(case)
        return case

    def _plant_embezzler(self, case: Case, shift: int) -> None:
        o = case.official
        rng = self.rng
        y = 2002 + max(shift, 0)
        case.hide_residence = True
        spouse = o.spouse
        assert spouse is not None
        self._emigrate(spouse, "ca", [("permanent_resident", self._jitter(_date(y + 3, 2), 90))])
        for i, child in enumerate(o.children):
            if i == 0:
                steps = [("study", _date(y + 2, 8, 20)), ("permanent_resident", _date(y + 6, 5))]
            else:
                steps = [("permanent_resident", _date(y + 4, 3)), ("citizen", _date(y + 9, 6))]
            self._emigrate_child(case, child, "ca", steps)
        # The money route: front companies at home, a conduit in Hong Kong, a
        # Hong Kong holding company over a BVI shell that buys US property.
        for k in range(2 + int(rng.integers(0, 2))):
            entity_id = self.mints("ledger-c").next()
            name = chinese_company_name(rng)
            self.world.orgs.append(OrgSpec(entity_id, "Company", name, None, "cn"))
            case.accounts[f"front{k}"] = self.book.add(entity_id, "cn", Role.SUPPLIER, "BOC")
        conduit = self._shell("hk", _date(y - 1, 6), [(spouse, True, 70.0), (o.person, True, 30.0)])
        case.accounts["conduit"] = str(conduit.account)
        first = o.children[0]
        holding = self._shell("hk", _date(y + 3, 3), [(first, True, 100.0)], account_country=None)
        bvi = self._shell("vg", _date(y + 3, 9), [(first, True, None)], parent=holding)
        case.accounts["bvi"] = str(bvi.account)
        us_price = int(rng.integers(30, 60)) * 100_000
        ca_price = int(rng.integers(25, 50)) * 100_000
        us_deed = self._deed("us", self._jitter(_date(y + 5, 6), 60), us_price, owner_company=bvi)
        ca_deed = self._deed("ca", self._jitter(_date(y + 4, 3), 60), ca_price, owner_person=spouse)
        self._hold_deed(case, us_deed, first, declared=False, key="us_house")
        self._hold_deed(case, ca_deed, spouse, declared=False, key="ca_house")
        self._hold_company(case, conduit, spouse, 10_000)
        self._hold_company(case, bvi, first, 50_000)
        case.accounts["escrow_us"] = self.background.pick(rng, "us", Role.ESCROW, 1)[0]
        case.accounts["escrow_ca"] = self.background.pick(rng, "ca", Role.ESCROW, 1)[0]
        # The official visits, gambles in Macau, and is finally charged in the US.
        self._visit(o.person, "us", _date(y + 10, 4))
        self._patron(o.person, _date(y, 5))
        parties = [
            PartySpec(
                o.person,
                self._record(o.person, "us-crt-p"),
                self.mints("us-crt-r").next(),
                "defendant",
            ),
            PartySpec(
                spouse, self._record(spouse, "us-crt-p"), self.mints("us-crt-r").next(), "defendant"
            ),
        ]
        self.world.court_cases.append(
            CaseSpec(
                case_id=self.mints("us-crt-c").next(),
                number=f"CR {y + 14 - 2000:02d}-{int(rng.integers(100, 999))}",
                title="United States v. {0}",
                court="U.S. District Court, D. Nev.",
                category="criminal",
                filed=self._jitter(_date(y + 13, 1), 300),
                parties=parties,
            )
        )

    def _plant_quota_splitter(self, case: Case, shift: int) -> None:
        o = case.official
        rng = self.rng
        y = 2010 + shift
        abroad = o.children[0]
        case.omitted.append(abroad)
        steps = [("study", _date(y - 4, 8, 15)), ("permanent_resident", _date(y + 1, 4))]
        self._emigrate_child(case, abroad, "us", steps)
        price = int(rng.integers(6, 15)) * 100_000
        deed = self._deed("us", self._jitter(_date(y + 4, 3), 60), price, owner_person=abroad)
        self._hold_deed(case, deed, abroad, declared=False, key="us_condo")
        case.accounts["escrow_us"] = self.background.pick(rng, "us", Role.ESCROW, 1)[0]
        case.helpers = self.background.pick(rng, "cn", Role.PERSON, int(rng.integers(5, 10)))

    def _plant_gambler(self, case: Case, shift: int) -> None:
        o = case.official
        rng = self.rng
        y = 2009 + shift
        spouse = o.spouse
        assert spouse is not None
        student = o.children[0]
        self._emigrate_child(case, student, "sg", [("work", _date(y, 7))])
        company = self._shell("hk", _date(y + 1, 5), [(spouse, True, 100.0), (student, True, None)])
        case.accounts["company"] = str(company.account)
        self._hold_company(case, company, spouse, 1_000_000)
        self._patron(o.person, _date(y, 3))
        self._patron(spouse, _date(y + 1, 9))
        case.helpers = self.background.pick(rng, "hk", Role.PERSON, int(rng.integers(8, 15)))

    def _plant_cycler(self, case: Case, shift: int) -> None:
        o = case.official
        rng = self.rng
        y = 2008 + shift
        spouse = o.spouse
        assert spouse is not None
        self._emigrate(spouse, "us", [("permanent_resident", _date(y, 5))])
        for child in o.children:
            steps = [("study", _date(y - 2, 8, 20)), ("permanent_resident", _date(y + 2, 1))]
            self._emigrate_child(case, child, "us", steps)
        family = [spouse, *o.children]
        for k in range(int(rng.integers(4, 7))):
            owner = family[k % len(family)]
            shell = self._shell(
                "hk" if k % 2 == 0 else "vg", _date(y + 1, 1 + k), [(owner, True, 100.0)]
            )
            case.accounts[f"shell{k}"] = str(shell.account)
            self._hold_company(case, shell, owner, 10_000)
        price = int(rng.integers(5, 10)) * 100_000
        deed = self._deed("us", self._jitter(_date(y + 6, 2), 60), price, owner_person=spouse)
        self._hold_deed(case, deed, spouse, declared=False, key="us_house")
        case.accounts["escrow_us"] = self.background.pick(rng, "us", Role.ESCROW, 1)[0]
        case.helpers = self.background.pick(rng, "cn", Role.PERSON, int(rng.integers(8, 13)))

    def _plant_clean(self, case: Case, shift: int) -> None:
        """Nothing abroad: the control group."""

    def _plant_clean_student_abroad(self, case: Case, shift: int) -> None:
        """A child studies abroad, declared; the spouse stays, so not a naked official."""
        child = case.official.children[0]
        country = str(self.rng.choice(("us", "ca", "sg")))
        self._emigrate(child, country, [("study", _date(2010 + shift, 8, 25))])

    def _plant_clean_declared_property(self, case: Case, shift: int) -> None:
        """A declared house abroad in the spouse's name, of modest value."""
        o = case.official
        owner = o.spouse or o.person
        country = str(self.rng.choice(("us", "ca")))
        price = int(self.rng.integers(4, 9)) * 100_000
        deed = self._deed(country, _date(2011 + shift, 6, 10), price, owner_person=owner)
        self._hold_deed(case, deed, owner, declared=True, key="declared_house")
