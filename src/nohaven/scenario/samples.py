"""Which background people appear in which dataset, decided before anything is written.

Datasets sample their person records from one population, with
replacement, so an innocent person can hold two deeds, a visa and a bank
account, and appear under different spellings in each: cross-dataset matches
are not evidence of wrongdoing. Record ids are minted here, up front, because
the ledger needs account holders' ids before the datasets are written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nohaven.scenario.ids import Mints
from nohaven.scenario.people import (
    Origin,
    PersonView,
    Population,
    draw_households,
    draw_people,
    namesakes,
)
from nohaven.scenario.sizes import SizeProfile

# Population groups datasets draw from.
HOUSEHOLD, MAINLAND, HONG_KONG, SINGAPORE, TAIWAN = range(5)
GroupWeights = tuple[float, float, float, float, float]

# Group mix per dataset: (registry household, other mainland, HK, SG-MY, Taiwan).
DATASET_MIX: dict[str, GroupWeights] = {
    "hk_officers": (0.05, 0.25, 0.6, 0.05, 0.05),
    "sg_holders": (0.05, 0.2, 0.1, 0.6, 0.05),
    "us_deeds": (0.1, 0.45, 0.2, 0.1, 0.15),
    "ca_titles": (0.1, 0.45, 0.3, 0.05, 0.1),
    "ca_visas": (0.2, 0.6, 0.1, 0.05, 0.05),
    "us_visas": (0.2, 0.6, 0.05, 0.05, 0.1),
    "us_parties": (0.05, 0.4, 0.2, 0.15, 0.2),
    "mo_patrons": (0.2, 0.5, 0.3, 0.0, 0.0),
    "ledger_hk": (0.0, 0.2, 0.8, 0.0, 0.0),
    "ledger_us": (0.05, 0.45, 0.2, 0.1, 0.2),
    "ledger_ca": (0.05, 0.45, 0.4, 0.0, 0.1),
    "ledger_mo": (0.05, 0.45, 0.5, 0.0, 0.0),
}

# Where namesakes are forced to appear, so a name-only match is always ambiguous.
NAMESAKE_DATASETS = (
    "registry",
    "hk_officers",
    "sg_holders",
    "us_deeds",
    "ca_titles",
    "ca_visas",
    "us_visas",
    "mo_patrons",
)

# Share of ledger-only people per country.
LEDGER_COUNTRIES = (("hk", 0.35), ("us", 0.3), ("ca", 0.2), ("mo", 0.15))

# Id prefix of each dataset's person records.
PERSON_PREFIX: dict[str, str] = {
    "registry": "cn-reg-p",
    "hk_officers": "hk-co-p",
    "sg_holders": "sg-acc-p",
    "us_deeds": "us-deed-p",
    "ca_titles": "ca-title-p",
    "ca_visas": "ca-visa-p",
    "us_visas": "us-visa-p",
    "us_parties": "us-crt-p",
    "mo_patrons": "mo-pat-p",
    "ledger_hk": "ledger-p",
    "ledger_us": "ledger-p",
    "ledger_ca": "ledger-p",
    "ledger_mo": "ledger-p",
}


@dataclass
class Sample:
    """Background person records of one dataset: population rows and record ids."""

    rows: NDArray[np.int64]
    ids: NDArray[np.str_]

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Samples:
    """The population and every dataset's background sample."""

    population: Population
    groups: list[NDArray[np.int64]]
    by_dataset: dict[str, Sample]

    def __getitem__(self, dataset: str) -> Sample:
        return self.by_dataset[dataset]


def build_population(
    rng: np.random.Generator, size: SizeProfile, planted: list[PersonView]
) -> tuple[Population, list[NDArray[np.int64]], NDArray[np.int64]]:
    """The background population, its sampling groups and the namesake rows."""
    households = draw_households(rng, size.households)
    mainland = draw_people(rng, size.mainland_others, (1.0, 0.0, 0.0, 0.0))
    overseas = draw_people(rng, size.overseas_people, (0.0, 0.5, 0.35, 0.15))
    twins = namesakes(rng, planted, size.namesakes)
    population = Population.concat([households, mainland, overseas, twins])
    start_mainland = len(households)
    start_overseas = start_mainland + len(mainland)
    start_twins = start_overseas + len(overseas)
    overseas_rows = np.arange(start_overseas, start_twins)
    overseas_origin = population.origin[overseas_rows]
    groups = [
        np.arange(0, start_mainland),
        np.arange(start_mainland, start_overseas),
        overseas_rows[overseas_origin == Origin.HONG_KONG],
        overseas_rows[overseas_origin == Origin.SINGAPORE_MALAYSIA],
        overseas_rows[overseas_origin == Origin.TAIWAN],
    ]
    return population, groups, np.arange(start_twins, len(population))


def _draw(
    rng: np.random.Generator, groups: list[NDArray[np.int64]], weights: GroupWeights, n: int
) -> NDArray[np.int64]:
    usable = np.asarray([w if len(g) else 0.0 for w, g in zip(weights, groups, strict=True)])
    group = rng.choice(len(groups), size=n, p=usable / usable.sum())
    rows = np.empty(n, np.int64)
    for g, members in enumerate(groups):
        picked = group == g
        rows[picked] = members[rng.integers(0, len(members), int(picked.sum()))]
    return rows


def _counts(size: SizeProfile) -> dict[str, int]:
    counts = {
        "hk_officers": size.hk_officers,
        "sg_holders": size.sg_holders,
        "us_deeds": int(size.us_deeds * 0.6),  # the rest are companies and Western names
        "ca_titles": int(size.ca_titles * 0.7),
        "ca_visas": size.ca_visas,
        "us_visas": size.us_visas,
        "us_parties": int(size.us_cases * 1.2),
        "mo_patrons": size.mo_patrons,
    }
    for country, share in LEDGER_COUNTRIES:
        counts[f"ledger_{country}"] = round(size.ledger_people * share)
    return counts


def sample_datasets(
    rng: np.random.Generator, size: SizeProfile, mints: Mints, planted: list[PersonView]
) -> Samples:
    """Build the population and decide every dataset's background person records."""
    population, groups, twins = build_population(rng, size, planted)
    forced: dict[str, list[int]] = {name: [] for name in NAMESAKE_DATASETS}
    for row in twins:
        k = 1 + int(rng.random() < 0.5)
        for dataset in rng.choice(NAMESAKE_DATASETS, size=k, replace=False):
            forced[str(dataset)].append(int(row))
    by_dataset: dict[str, Sample] = {}
    registry_rows = np.concatenate([groups[HOUSEHOLD], np.asarray(forced["registry"], np.int64)])
    by_dataset["registry"] = Sample(registry_rows, mints("cn-reg-p").take(len(registry_rows)))
    for dataset, n in _counts(size).items():
        extra = np.asarray(forced.get(dataset, []), np.int64)
        rows = np.concatenate([_draw(rng, groups, DATASET_MIX[dataset], n), extra])
        rows = rows[rng.permutation(len(rows))]
        by_dataset[dataset] = Sample(rows, mints(PERSON_PREFIX[dataset]).take(len(rows)))
    return Samples(population, groups, by_dataset)
