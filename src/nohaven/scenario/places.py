"""Street addresses for foreign property and registered offices."""

from __future__ import annotations

import numpy as np

from nohaven.scenario.vocab import CITIES_CA, CITIES_US, STREETS_CA, STREETS_HK, STREETS_US


def street_address(rng: np.random.Generator, country: str) -> tuple[str, str]:
    """A (full address, city) pair in the US (``us``) or Canada (``ca``)."""
    if country == "us":
        city, state, postcode = CITIES_US[int(rng.integers(0, len(CITIES_US)))]
        street = str(rng.choice(STREETS_US))
        return f"{rng.integers(100, 9999)} {street}, {city}, {state} {postcode}", city
    city, province, prefix = CITIES_CA[int(rng.integers(0, len(CITIES_CA)))]
    street = str(rng.choice(STREETS_CA))
    postcode = f"{prefix} {rng.integers(1, 9)}{rng.choice(list('ABCEGHJK'))}{rng.integers(1, 9)}"
    return f"{rng.integers(100, 9999)} {street}, {city}, {province} {postcode}", city


def hk_address(rng: np.random.Generator) -> str:
    """A Hong Kong office address, as registered offices are written."""
    street = str(rng.choice(STREETS_HK))
    room = f"{rng.integers(1, 30)}{rng.choice(list('ABCD'))}"
    return f"Room {room}, {rng.integers(2, 40)}/F, {rng.integers(1, 300)} {street}, Hong Kong"
