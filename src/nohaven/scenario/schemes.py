"""Planted money flows: each corrupt official's laundering schemes, transaction by transaction.

Each scheme follows one typology and is labelled with it in the truth; a
case usually combines several (the embezzler's money is embezzled, then
washed through casinos). Flows conserve money: an account only passes on
what reached it, less fees, so that the tracing rules in DOMAIN.md (LIBR,
FIFO, pro rata) have a well-defined answer. Amounts move between currencies
at the fixed rates in :data:`~nohaven.scenario.vocab.CNY_PER_UNIT`.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from nohaven.scenario.accounts import BackgroundAccounts, Role
from nohaven.scenario.ledger import LEDGER_END, LEDGER_START
from nohaven.scenario.vocab import BANKS, CASINOS, CNY_PER_UNIT, CURRENCY
from nohaven.scenario.world import Case, DeedSpec, Holding, PlantedTx, Scheme, World

_BANK_COUNTRY = {bank.code: bank.country for bank in BANKS}
FX_QUOTA_USD = 50_000  # China's yearly personal foreign-exchange quota
CTR_THRESHOLD_USD = 10_000  # US currency transaction report threshold
CN_CASH_THRESHOLD_CNY = 50_000  # mainland large-cash report threshold


def account_currency(account: str) -> str:
    """Currency of an account, read from its id (``CN-BOC-…``, ``CASH-BOC``)."""
    if account.startswith("CASH-"):
        return CURRENCY[_BANK_COUNTRY[account[5:]]]
    return CURRENCY[account[:2].lower()]


def convert(cents: int, source: str, target: str) -> int:
    """Convert cents between currencies at the fixed rates."""
    return round(cents * CNY_PER_UNIT[source] / CNY_PER_UNIT[target])


class SchemePlanter:
    """Writes the transactions of every corrupt case into the world."""

    def __init__(
        self,
        rng: np.random.Generator,
        world: World,
        background: BackgroundAccounts,
        casino_accounts: dict[str, str],
        cash_accounts: dict[str, str],
        layering_rng: np.random.Generator | None = None,
    ) -> None:
        self.rng = rng
        # Layering schemes draw from their own stream, so adding them left every other
        # planted transaction of a seed as it was.
        self.layering_rng = layering_rng if layering_rng is not None else rng
        self.world = world
        self.background = background
        self.casino_accounts = casino_accounts  # casino code → account
        self.cash_accounts = cash_accounts  # bank code → CASH-<bank> account
        self._count = 0

    # -- helpers -----------------------------------------------------------

    def _scheme(self, case: Case, typology: str) -> Scheme:
        self._count += 1
        scheme = Scheme(f"sch-{self._count:05d}", typology, case.official)
        case.schemes.append(scheme)
        return scheme

    def _derived(self, case: Case, base: Scheme, typology: str, suffix: str) -> Scheme:
        """A larger pattern a scheme's transactions also form, labelled in the truth
        beside it (ids derive from the base, so the numbering of schemes is unchanged)."""
        scheme = Scheme(f"{base.scheme_id}-{suffix}", typology, case.official)
        case.schemes.append(scheme)
        return scheme

    def _relays(self, case: Case, base: Scheme, accounts: list[str]) -> dict[str, Scheme]:
        """A pass-through pattern for each account that relays the scheme's money."""
        return {
            account: self._derived(case, base, "pass_through", f"pt{k}")
            for k, account in enumerate(accounts)
        }

    def _time(self, date: dt.date, first_hour: int = 9, last_hour: int = 17) -> dt.datetime:
        hour = int(self.rng.integers(first_hour, last_hour))
        minute, second = int(self.rng.integers(0, 60)), int(self.rng.integers(0, 60))
        return dt.datetime(date.year, date.month, date.day, hour, minute, second)

    def _later(self, when: dt.datetime, min_days: int, max_days: int) -> dt.datetime:
        days = int(self.rng.integers(min_days, max_days + 1))
        return self._time((when + dt.timedelta(days=days)).date())

    def _pay(
        self,
        when: dt.datetime,
        source: str,
        target: str,
        cents: int,
        channel: str,
        memo: str,
        scheme: Scheme | None,
        currency: str | None = None,
        also: tuple[Scheme | None, ...] = (),
    ) -> PlantedTx:
        """One transaction; the currency defaults to the paying account's; ``also``
        lists the larger patterns it is part of."""
        if not LEDGER_START <= when.date() < LEDGER_END:
            raise AssertionError(f"planted transaction outside the ledger period: {when}")
        tx = PlantedTx(
            timestamp=when,
            source=source,
            target=target,
            cents=int(cents),
            currency=currency or account_currency(source),
            channel=channel,
            memo=memo,
            scheme_id=scheme.scheme_id if scheme else None,
            also=[s.scheme_id for s in also if s is not None],
        )
        self.world.transactions.append(tx)
        return tx

    def _units(self, low: float, high: float, step: int = 1) -> int:
        """A random amount in whole currency units, in cents, rounded to ``step``."""
        value = self.rng.uniform(low, high)
        return int(round(value / step) * step) * 100

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        span = max((end - start).days, 1)
        return start + dt.timedelta(days=int(self.rng.integers(0, span)))

    def plant(self, case: Case) -> None:
        """Plant the schemes of a corrupt case (clean cases have none)."""
        planter = getattr(self, f"_plant_{case.official.profile}", None)
        if planter is not None:
            planter(case)
        layering = _LAYERING.get(case.official.profile)
        if layering is not None:
            main, self.rng = self.rng, self.layering_rng
            try:
                getattr(self, layering)(case)
            finally:
                self.rng = main

    # -- embezzler: Bank of China Kaiping-style -------------------------------

    def _plant_embezzler(self, case: Case) -> None:
        o = case.official
        rng = self.rng
        embezzle = self._scheme(case, "embezzlement")
        casino = self._scheme(case, "casino_cashout")
        assert o.spouse is not None
        branch = case.accounts["employer"]
        fronts = [a for k, a in case.accounts.items() if k.startswith("front")]
        conduit, bvi = case.accounts["conduit"], case.accounts["bvi"]
        spouse_ca = o.spouse.accounts["ca"]
        child_ca = o.children[-1].accounts["ca"]
        us_deed, ca_deed = case.deeds["us_house"], case.deeds["ca_house"]
        start = min(us_deed.recorded, ca_deed.recorded) - dt.timedelta(days=3 * 365)
        end = max(us_deed.recorded, ca_deed.recorded) + dt.timedelta(days=2 * 365)
        cycles = int((end - start).days // 40)
        # Size the monthly take so the shell and the spouse can pay for the houses in time.
        bvi_since = next(s for s in case.shells.values() if s.jurisdiction == "vg").incorporated
        n_us = max(1, (us_deed.recorded - max(start, bvi_since)).days // 40 - 1)
        n_ca = max(1, (ca_deed.recorded - start).days // 40 - 1)
        need_us = us_deed.price_cents * CNY_PER_UNIT["USD"] / (0.2 * n_us)
        need_ca = ca_deed.price_cents * CNY_PER_UNIT["CAD"] / (0.25 * n_ca)
        base = max(need_us, need_ca, 3e8) * 1.2  # cents of CNY per cycle
        # Money reaching the family's accounts, in their own currencies, with its arrival time.
        inflows: dict[str, list[tuple[dt.datetime, int]]] = {bvi: [], spouse_ca: [], child_ca: []}
        purchases = {
            bvi: (us_deed, case.accounts["escrow_us"]),
            spouse_ca: (ca_deed, case.accounts["escrow_ca"]),
        }
        macau = [c.code for c in CASINOS if c.country == "mo"]
        vegas = [c.code for c in CASINOS if c.country == "us"]
        shell = self._derived(case, embezzle, "shell_conduit", "shell")
        # The fronts pass each take straight on; the conduit keeps a quarter for the
        # purchases (a shell conduit, not a pass-through account).
        relay = self._relays(case, embezzle, fronts)
        for c in range(cycles):
            t0 = self._time(start + dt.timedelta(days=40 * c + int(rng.integers(0, 10))))
            take = int(round(base * rng.uniform(0.7, 1.3) / 1e6) * 1e6)
            front = fronts[c % len(fronts)]
            self._pay(
                t0, branch, front, take, "wire", "loan disbursement", embezzle, also=(relay[front],)
            )
            t1 = self._later(t0, 1, 3)
            self._pay(
                t1,
                front,
                conduit,
                take * 98 // 100,
                "wire",
                "trade payment",
                embezzle,
                also=(shell, relay[front]),
            )
            in_hkd = convert(take * 98 // 100, "CNY", "HKD")
            t2 = self._later(t1, 2, 6)
            if t2.date() > bvi_since:  # the shell only takes money once it exists
                to_bvi = in_hkd * 20 // 100
                self._pay(t2, conduit, bvi, to_bvi, "wire", "investment", embezzle, also=(shell,))
                inflows[bvi].append((t2, convert(to_bvi, "HKD", "USD")))
            to_spouse = in_hkd * 25 // 100
            when = self._later(t2, 0, 3)
            self._pay(
                when,
                conduit,
                spouse_ca,
                to_spouse,
                "wire",
                "family support",
                embezzle,
                also=(shell,),
            )
            inflows[spouse_ca].append((when, convert(to_spouse, "HKD", "CAD")))
            if c % 2 == 0:
                tuition = in_hkd * 5 // 100
                when = self._later(t2, 0, 5)
                self._pay(
                    when, conduit, child_ca, tuition, "wire", "tuition", embezzle, also=(shell,)
                )
                inflows[child_ca].append((when, convert(tuition, "HKD", "CAD")))
            # Casino: front money in Macau (or Las Vegas), "winnings" paid out to the family.
            code = str(rng.choice(vegas if c % 3 == 2 else macau))
            chips = in_hkd * (10 if c % 3 == 2 else 25) // 100
            t3 = self._later(t2, 1, 4)
            self._pay(
                t3, conduit, self.casino_accounts[code], chips, "casino", "front money", casino
            )
            payout_to = spouse_ca if c % 3 == 2 else child_ca
            payout = convert(chips, "HKD", account_currency(self.casino_accounts[code]))
            payout = payout * int(rng.integers(88, 97)) // 100
            when = self._later(t3, 1, 4)
            source = self.casino_accounts[code]
            self._pay(when, source, payout_to, payout, "casino", "cash-out cheque", casino)
            inflows[payout_to].append((when, convert(payout, account_currency(source), "CAD")))
        # Each house is paid from what had reached the buyer's account by then; the
        # conduit tops the account up when that falls short.
        for account, (deed, escrow) in purchases.items():
            pay_day = self._time(deed.recorded - dt.timedelta(days=int(rng.integers(5, 20))))
            cutoff = pay_day - dt.timedelta(days=3)
            ready = sum(cents for when, cents in inflows[account] if when < cutoff)
            self._purchase(case, account, escrow, deed, ready, embezzle, conduit, pay_day)
        # What is left in the family's Canadian accounts is undeclared foreign wealth too.
        total = {account: sum(cents for _, cents in inflows[account]) for account in inflows}
        left = {spouse_ca: total[spouse_ca] - ca_deed.price_cents, child_ca: total[child_ca]}
        for account, holder in ((spouse_ca, o.spouse), (child_ca, o.children[-1])):
            case.holdings.append(
                Holding(
                    kind="bank_account",
                    country="ca",
                    description=f"Deposits at {_bank_of(account)}, Canada",
                    value_cents=max(left[account], 0),
                    currency="CAD",
                    acquired=start,
                    holder=holder,
                    declared=False,
                )
            )
        bvi_id = next(s.hk_id for s in case.shells.values() if s.jurisdiction == "vg")
        for holding in case.holdings:
            if holding.asset_id in (us_deed.parcel_id, ca_deed.parcel_id, bvi_id):
                holding.scheme_id = embezzle.scheme_id

    def _purchase(
        self,
        case: Case,
        account: str,
        escrow: str,
        deed: DeedSpec,
        balance: int,
        scheme: Scheme,
        topup_from: str | None,
        pay_day: dt.datetime | None = None,
    ) -> None:
        """Pay for a house from ``account`` (holding ``balance`` by ``pay_day``), topping
        it up from ``topup_from`` if short."""
        if pay_day is None:
            pay_day = self._time(deed.recorded - dt.timedelta(days=int(self.rng.integers(5, 20))))
        currency = account_currency(account)
        price = convert(deed.price_cents, deed.currency, currency)
        if balance < price and topup_from is not None:
            short = convert(price - balance, currency, account_currency(topup_from)) * 105 // 100
            self._pay(
                pay_day - dt.timedelta(days=3),
                topup_from,
                account,
                short,
                "wire",
                "investment",
                scheme,
            )
        memo = (
            f"escrow deposit {deed.address}"
            if deed.dataset == "us_deeds"
            else f"purchase {deed.address}"
        )
        self._pay(pay_day, account, escrow, price, "wire", memo, scheme)

    # -- quota splitter: ants moving house, structuring ------------------------

    def _plant_quota_splitter(self, case: Case) -> None:
        o = case.official
        rng = self.rng
        ants = self._scheme(case, "quota_splitting")
        structure = self._scheme(case, "structuring")
        abroad = case.omitted[0]
        target = abroad.accounts["us"]
        deed = case.deeds["us_condo"]
        home = [p for p in o.family if p.residence_country == "cn"]
        participants = [p.accounts["cn"] for p in home] + case.helpers
        per_round = len(participants) * 44_000 * 100
        rounds = min(4, math.ceil(deed.price_cents * 1.05 / per_round))
        funds = 0  # USD cents that reach the child's account
        first_year = deed.recorded.year - rounds
        # Bribe cash arrives in amounts just under the mainland reporting threshold.
        payers = [o.person.accounts["cn"]] + ([o.spouse.accounts["cn"]] if o.spouse else [])
        for k in range(int(rng.integers(60, 100))):
            day = self._date_between(
                dt.date(first_year - 1, 1, 1), dt.date(first_year + rounds - 1, 12, 1)
            )
            account = payers[k % len(payers)]
            cash = self.cash_accounts[_bank_of(account)]
            amount = self._units(CN_CASH_THRESHOLD_CNY * 0.9, CN_CASH_THRESHOLD_CNY - 100, 100)
            self._pay(
                self._time(day), cash, account, amount, "cash_deposit", "cash deposit", structure
            )
        for r in range(rounds):
            day = dt.date(first_year + r, int(rng.integers(2, 11)), int(rng.integers(1, 28)))
            for helper in case.helpers:
                fund = self._units(300_000, 330_000, 1_000)
                when = self._time(day - dt.timedelta(days=int(rng.integers(3, 15))))
                self._pay(when, o.person.accounts["cn"], helper, fund, "wire", "loan", ants)
            for account in participants:
                when = self._time(day + dt.timedelta(days=int(rng.integers(0, 4))))
                usd = self._units(FX_QUOTA_USD * 0.8, FX_QUOTA_USD - 10, 10)
                memo = str(rng.choice(("tuition", "living expenses", "family support")))
                self._pay(when, account, target, usd, "fx_purchase", memo, ants, currency="USD")
                funds += usd
        # Cash in the US, kept under the currency-transaction-report threshold.
        cash_us = self.cash_accounts[_bank_of(target)]
        last = deed.recorded - dt.timedelta(days=60)
        for _ in range(int(rng.integers(8, 16))):
            day = self._date_between(last - dt.timedelta(days=400), last)
            n_same_day = 2 if rng.random() < 0.25 else 1
            for _ in range(n_same_day):
                amount = self._units(CTR_THRESHOLD_USD * 0.55, CTR_THRESHOLD_USD - 50, 10)
                if n_same_day == 1:
                    amount = self._units(CTR_THRESHOLD_USD * 0.8, CTR_THRESHOLD_USD - 50, 10)
                self._pay(
                    self._time(day),
                    cash_us,
                    target,
                    amount,
                    "cash_deposit",
                    "cash deposit",
                    structure,
                )
                funds += amount
        if funds < deed.price_cents:  # the last round fell short: buy a cheaper condo
            deed.price_cents = funds * 95 // 100
            for holding in case.holdings:
                if holding.asset_id == deed.parcel_id:
                    holding.value_cents = deed.price_cents
        self._purchase(case, target, case.accounts["escrow_us"], deed, funds, ants, None)
        for holding in case.holdings:
            if holding.asset_id == deed.parcel_id:
                holding.scheme_id = ants.scheme_id

    # -- gambler: casino cash-out, fan-out to mules, fan-in abroad ---------------

    def _plant_gambler(self, case: Case) -> None:
        o = case.official
        rng = self.rng
        assert o.spouse is not None
        casino = self._scheme(case, "casino_cashout")
        fan_out = self._scheme(case, "fan_out")
        fan_in = self._scheme(case, "fan_in")
        spouse_cn = o.spouse.accounts["cn"]
        company = case.accounts["company"]
        student = o.children[0]
        student_sg = student.accounts["sg"]
        company_shell = case.shells[next(iter(case.shells))]
        opened = company_shell.incorporated
        y = opened.year - 1  # the case's first year: bribes start before the company exists
        bribers = self.background.pick(rng, "cn", Role.SUPPLIER, 6)
        received = 0
        for _ in range(int(rng.integers(20, 30))):
            day = self._date_between(dt.date(y, 1, 1), dt.date(y + 4, 6, 1))
            fee = self._units(2_000_000, 5_000_000, 10_000)
            self._pay(
                self._time(day),
                str(rng.choice(bribers)),
                spouse_cn,
                fee,
                "wire",
                "consulting fee",
                casino,
            )
            received += fee
        macau = [c.code for c in CASINOS if c.country == "mo"]
        # The company pays part of the casino's "winnings" through mules to the student:
        # a scatter-gather, each mule passing the money straight on. (The company keeps
        # most of it: a holding vehicle, not a conduit.)
        gather = self._derived(case, fan_out, "scatter_gather", "sg")
        relay = self._relays(case, fan_out, case.helpers)
        spent = 0
        company_hkd = 0
        trips = int(rng.integers(25, 35))
        for _ in range(trips):
            day = self._date_between(opened + dt.timedelta(days=10), dt.date(y + 5, 6, 1))
            stake = min(self._units(2_000_000, 5_000_000, 10_000), max(received - spent, 0))
            if stake <= 0:
                break
            spent += stake
            account = self.casino_accounts[str(rng.choice(macau))]
            t0 = self._time(day, 0, 24)
            self._pay(t0, spouse_cn, account, stake, "casino", "junket deposit", casino)
            payout = (
                convert(stake, "CNY", account_currency(account)) * int(rng.integers(90, 98)) // 100
            )
            self._pay(
                self._later(t0, 1, 4),
                account,
                company,
                payout,
                "casino",
                "cash-out cheque",
                casino,
            )
            company_hkd += convert(payout, account_currency(account), "HKD")
        sg_total = 0
        out_total = 0
        rounds = int(rng.integers(3, 6))
        for r in range(rounds):
            day = dt.date(y + 2 + r // 2, 2 + 5 * (r % 2), int(rng.integers(1, 28)))
            t0 = self._time(day)
            for helper in case.helpers:
                amount = self._units(80_000, 99_000, 100)
                if out_total + amount > company_hkd * 0.9:
                    break
                out_total += amount
                self._pay(
                    self._later(t0, 0, 1),
                    company,
                    helper,
                    amount,
                    "wire",
                    "consulting",
                    fan_out,
                    also=(gather, relay[helper]),
                )
                forward = amount * int(rng.integers(97, 100)) // 100
                self._pay(
                    self._later(t0, 2, 7),
                    helper,
                    student_sg,
                    forward,
                    "wire",
                    "gift",
                    fan_in,
                    also=(gather, relay[helper]),
                )
                sg_total += convert(forward, "HKD", "SGD")
        for holding in case.holdings:
            if holding.asset_id == company_shell.hk_id:
                holding.value_cents = max(company_hkd - out_total, 0) + holding.value_cents
                holding.scheme_id = casino.scheme_id
        case.holdings.append(
            Holding(
                kind="bank_account",
                country="sg",
                description=f"Deposits at {student_sg.split('-')[1]}, Singapore",
                value_cents=sg_total,
                currency="SGD",
                acquired=dt.date(y + 2, 2, 1),
                holder=student,
                declared=False,
            )
        )

    # -- cycler: round-tripping through family shells, fan-in abroad -----------

    def _plant_cycler(self, case: Case) -> None:
        o = case.official
        rng = self.rng
        assert o.spouse is not None
        cycle = self._scheme(case, "cycle")
        fan_in = self._scheme(case, "fan_in")
        shells = [a for k, a in case.accounts.items() if k.startswith("shell")]
        deed = case.deeds["us_house"]
        spouse_us = o.spouse.accounts["us"]
        y = deed.recorded.year - 5
        # Mules deposit cash and wire it on to the spouse in the US.
        helpers = self.background.pick(rng, "hk", Role.PERSON, len(case.helpers))
        fan_in_usd = 0
        day = deed.recorded - dt.timedelta(days=int(rng.integers(120, 300)))
        for helper in helpers:
            t0 = self._time(day + dt.timedelta(days=int(rng.integers(0, 3))))
            cash = self._units(60_000, 95_000, 1_000)
            self._pay(
                t0,
                self.cash_accounts[_bank_of(helper)],
                helper,
                cash,
                "cash_deposit",
                "cash deposit",
                fan_in,
            )
            forward = cash * int(rng.integers(97, 100)) // 100
            self._pay(
                self._later(t0, 1, 4), helper, spouse_us, forward, "wire", "family support", fan_in
            )
            fan_in_usd += convert(forward, "HKD", "USD")
        # Bribes in, round trips through the shells, the rest to the US.
        need_usd = max(deed.price_cents * 105 // 100 - fan_in_usd, deed.price_cents // 3)
        # Every hop keeps a fee; draw them first so the entry covers what the exit must pay.
        loops = int(rng.integers(3, 6))
        kept = rng.integers(985, 999, loops * len(shells)) / 1000
        entry_cny = int(convert(need_usd, "USD", "CNY") * 1.05 / (float(np.prod(kept)) * 0.98))
        official_cn = o.person.accounts["cn"]
        bribers = self.background.pick(rng, "cn", Role.SUPPLIER, 5)
        n_bribes = int(rng.integers(6, 12))
        shares = rng.dirichlet(np.full(n_bribes, 4.0))
        for k in range(n_bribes):
            day = self._date_between(dt.date(y, 1, 1), dt.date(y + 2, 6, 1))
            fee = (int(entry_cny * 1.1 * shares[k]) // 1_000_000 + 1) * 1_000_000  # 10,000s
            self._pay(
                self._time(day),
                bribers[k % len(bribers)],
                official_cn,
                fee,
                "wire",
                "consulting fee",
                cycle,
            )
        shell = self._derived(case, cycle, "shell_conduit", "shell")
        relay = self._relays(case, cycle, shells)
        in_shell = 0
        start = dt.date(y + 2, 9, 1)
        n_entries = int(rng.integers(3, 6))
        for k in range(n_entries):
            t0 = self._time(start + dt.timedelta(days=30 * k))
            self._pay(
                t0,
                official_cn,
                shells[0],
                entry_cny // n_entries,
                "wire",
                "investment",
                cycle,
                also=(shell, relay[shells[0]]),
            )
            in_shell += convert(entry_cny // n_entries, "CNY", "HKD")
        when = self._time(start + dt.timedelta(days=30 * n_entries + 5))
        amount = in_shell
        for loop in range(loops):
            for hop in range(len(shells)):
                source, target = shells[hop], shells[(hop + 1) % len(shells)]
                amount = int(amount * kept[loop * len(shells) + hop])
                self._pay(
                    when,
                    source,
                    target,
                    amount,
                    "wire",
                    str(rng.choice(("service fee", "loan", "trade payment"))),
                    cycle,
                    also=(shell, relay[source], relay[target]),
                )
                when = self._later(when, 1, 3)
        exit_amount = amount * 98 // 100
        self._pay(
            when,
            shells[0],
            spouse_us,
            exit_amount,
            "wire",
            "investment return",
            cycle,
            also=(shell, relay[shells[0]]),
        )
        balance = fan_in_usd + convert(exit_amount, "HKD", "USD")
        self._purchase(case, spouse_us, case.accounts["escrow_us"], deed, balance, cycle, None)
        for holding in case.holdings:
            if holding.asset_id == deed.parcel_id:
                holding.scheme_id = cycle.scheme_id

    # -- layering: a broker gathering and scattering, and layers of mules --------

    def _family_abroad(self, case: Case) -> list[str]:
        """The family's accounts outside the mainland."""
        o = case.official
        people = [p for p in (o.spouse, *o.children) if p is not None]
        return [a for p in people for c, a in sorted(p.accounts.items()) if c != "cn"]

    def _plant_gather_scatter(self, case: Case) -> None:
        """A Hong Kong broker takes bribes from several payers in a few days and, days
        later, scatters nearly all of it over the family's accounts abroad and others."""
        rng = self.rng
        base = case.schemes[0]
        scheme = self._derived(case, base, "gather_scatter", "gs")
        broker = self.background.pick(rng, "hk", Role.PERSON, 1)[0]
        payers = self.background.pick(rng, "hk", Role.SUPPLIER, int(rng.integers(4, 7)))
        targets = self._family_abroad(case)[:3]
        targets += self.background.pick(rng, "hk", Role.PERSON, int(rng.integers(4, 7)) - 1)
        targets = [t for t in dict.fromkeys(targets) if t != broker]
        day = self._date_between(
            LEDGER_START + dt.timedelta(days=400), LEDGER_END - dt.timedelta(days=60)
        )
        gathered = 0
        for payer in payers:
            amount = self._units(200_000, 400_000, 1_000)
            when = self._time(day + dt.timedelta(days=int(rng.integers(0, 3))))
            self._pay(when, payer, broker, amount, "wire", "consulting fee", scheme)
            gathered += amount
        shares = rng.dirichlet(np.full(len(targets), 3.0))
        passed = gathered * int(rng.integers(96, 100)) // 100
        for target, share in zip(targets, shares, strict=True):
            when = self._time(day + dt.timedelta(days=int(rng.integers(4, 8))))
            self._pay(when, broker, target, int(passed * share), "wire", "loan", scheme)

    def _plant_stack(self, case: Case) -> None:
        """Layers: a few payers each fund every mule of a middle layer, and each mule
        passes what it got on to every account of the last layer within days."""
        rng = self.rng
        base = case.schemes[0]
        scheme = self._derived(case, base, "stack", "stack")
        payers = self.background.pick(rng, "hk", Role.SUPPLIER, int(rng.integers(2, 4)))
        mules = self.background.pick(rng, "hk", Role.PERSON, int(rng.integers(3, 5)))
        ends = self._family_abroad(case)[:1]
        ends += self.background.pick(rng, "sg", Role.PERSON, int(rng.integers(2, 4)) - len(ends))
        day = self._date_between(
            LEDGER_START + dt.timedelta(days=400), LEDGER_END - dt.timedelta(days=60)
        )
        for mule in mules:
            got = 0
            for payer in payers:
                amount = self._units(100_000, 200_000, 1_000)
                when = self._time(day + dt.timedelta(days=int(rng.integers(0, 3))))
                self._pay(when, payer, mule, amount, "wire", "service fee", scheme)
                got += amount
            passed = got * int(rng.integers(97, 100)) // 100
            for end in ends:
                when = self._time(day + dt.timedelta(days=int(rng.integers(3, 7))))
                self._pay(when, mule, end, passed // len(ends), "wire", "gift", scheme)


# Profiles that also layer money, and how.
_LAYERING = {"cycler": "_plant_gather_scatter", "gambler": "_plant_stack"}


def _bank_of(account: str) -> str:
    """Bank code of an account id such as ``CN-BOC-0012345678``."""
    return account.split("-")[1]
