"""Synthetic worlds for nohaven: officials, relatives abroad, hidden assets, laundered money.

``generate(out, seed, size)`` writes, deterministically for a seed and size::

    registry/cn_registry.ftm.json     mainland people in Han script, Family links, posts
    foreign/hk_companies.ftm.json     Hong Kong (and BVI) companies, directors, shareholders
    foreign/sg_accounts.ftm.json      Singapore bank customers and accounts
    foreign/us_courts.ftm.json        US court cases and parties
    foreign/mo_patrons.ftm.json       Macau junkets and VIP patrons
    foreign/us_deeds.csv (+ .mapping.yml)    US property deeds
    foreign/ca_titles.csv (+ .mapping.yml)   Canadian land titles
    foreign/ca_visas.csv (+ .mapping.yml)    Canadian immigration records
    foreign/us_visas.csv (+ .mapping.yml)    US immigration records
    declarations/declarations.jsonl   officials' annual, passport and change-of-post reports
    ledger/accounts.csv, ledger/transactions.csv, ledger/holders.ftm.json
    truth/identities.csv, schemes.csv, findings.csv, assets.csv   (never loaded)
    scenario.json                     seed, size, counts, generator version, FX rates

The module docstrings of :mod:`.cases` and :mod:`.schemes` tell the planted
stories; :mod:`.truth` defines the findings.
"""

from nohaven.scenario.generate import (
    GENERATOR_VERSION,
    ScenarioSummary,
    ensure_world,
    generate,
)
from nohaven.scenario.sizes import SIZES

__all__ = ["GENERATOR_VERSION", "SIZES", "ScenarioSummary", "ensure_world", "generate"]
