"""How big each scenario size is.

A size fixes record counts per dataset and the number of ledger transactions;
everything else (which officials are corrupt, how many schemes) follows from
the seed. Counts of background records are targets: planted records and
namesakes come on top.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SizeProfile:
    """Record counts for one scenario size."""

    name: str
    officials: int  # officials with families in the registry and declarations
    households: int  # background households in the mainland registry
    mainland_others: int  # mainland people outside the registry sample (seen abroad)
    overseas_people: int  # Hong Kong, Singapore-Malaysia and Taiwan-born people
    hk_officers: int  # officer/shareholder records in the Hong Kong companies registry
    hk_companies: int
    sg_holders: int  # customers in the Singapore bank extract
    us_deeds: int
    ca_titles: int
    ca_visas: int
    us_visas: int
    us_cases: int  # court cases; each names one to three parties
    mo_patrons: int
    ledger_people: int  # background people known only as ledger account holders
    ledger_companies: int  # employers, shops and suppliers in the ledger
    transactions: int  # background transactions; planted ones come on top
    namesakes: int  # population people sharing each planted person's Han name
    chunk_rows: int  # rows generated and written per chunk


SIZES: dict[str, SizeProfile] = {
    "small": SizeProfile(
        name="small",
        officials=5,
        households=40,
        mainland_others=150,
        overseas_people=150,
        hk_officers=60,
        hk_companies=40,
        sg_holders=40,
        us_deeds=50,
        ca_titles=30,
        ca_visas=40,
        us_visas=30,
        us_cases=12,
        mo_patrons=25,
        ledger_people=60,
        ledger_companies=30,
        transactions=10_000,
        namesakes=2,
        chunk_rows=50_000,
    ),
    "medium": SizeProfile(
        name="medium",
        officials=200,
        households=10_000,
        mainland_others=30_000,
        overseas_people=30_000,
        hk_officers=12_000,
        hk_companies=8_000,
        sg_holders=10_000,
        us_deeds=12_000,
        ca_titles=8_000,
        ca_visas=8_000,
        us_visas=6_000,
        us_cases=2_000,
        mo_patrons=4_000,
        ledger_people=12_000,
        ledger_companies=3_000,
        transactions=1_000_000,
        namesakes=3,
        chunk_rows=250_000,
    ),
    "large": SizeProfile(
        name="large",
        officials=2_000,
        households=100_000,
        mainland_others=300_000,
        overseas_people=300_000,
        hk_officers=120_000,
        hk_companies=80_000,
        sg_holders=100_000,
        us_deeds=120_000,
        ca_titles=80_000,
        ca_visas=80_000,
        us_visas=60_000,
        us_cases=20_000,
        mo_patrons=40_000,
        ledger_people=120_000,
        ledger_companies=30_000,
        transactions=10_000_000,
        namesakes=3,
        chunk_rows=500_000,
    ),
}


def size_profile(size: str) -> SizeProfile:
    """Return the profile for a size name, or raise ValueError listing the known ones."""
    try:
        return SIZES[size]
    except KeyError:
        known = ", ".join(SIZES)
        raise ValueError(f"unknown scenario size {size!r}; choose one of: {known}") from None
