"""Building blocks of the generator, checked on their own."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from nohaven.scenario.datasets.common import interleave
from nohaven.scenario.declarations import file_declarations
from nohaven.scenario.generate import _plan
from nohaven.scenario.ids import IdMint
from nohaven.scenario.naming import (
    RECORD_SYSTEMS,
    NameProfile,
    PlantedSystems,
    add_typo,
    layouts,
    render_name,
    spellings_by_system,
)
from nohaven.scenario.people import IdNumberIssuer, Origin, PersonView, id_check_digit
from nohaven.scenario.sizes import size_profile
from nohaven.scenario.truth import UNEXPLAINED_WEALTH_RATIO, wealth_ratio


def test_identity_check_digit() -> None:
    # The worked example of GB 11643-1999.
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44078319630502001") in "0123456789X"


def test_identity_numbers_are_unique_and_encode_sex() -> None:
    issuer = IdNumberIssuer()
    birth = dt.date(1963, 5, 2)
    men = [issuer.issue("440783", birth, female=False) for _ in range(50)]
    women = [issuer.issue("440783", birth, female=True) for _ in range(50)]
    assert len(set(men + women)) == 100
    assert all(int(n[16]) % 2 == 1 for n in men)
    assert all(int(n[16]) % 2 == 0 for n in women)
    assert all(n[:14] == "44078319630502" and id_check_digit(n[:17]) == n[17] for n in men)


def test_id_mint_is_unique_and_unordered() -> None:
    mint = IdMint("x-p", offset=12345)
    ids = [mint.next() for _ in range(1000)] + mint.take(5000).tolist()
    assert len(set(ids)) == len(ids)
    assert all(len(i) == len("x-p-") + 8 for i in ids)
    assert ids[:10] != sorted(ids[:10])


def test_interleave_keeps_everything_once() -> None:
    rng = np.random.default_rng(1)
    out = list(interleave(rng, 100, ["a", "b", "c"]))
    assert [i for i, _ in out if i is not None] == list(range(100))
    assert sorted(item for i, item in out if i is None) == ["a", "b", "c"]


def test_typos_change_one_letter_inside_a_word() -> None:
    for u in np.linspace(0, 0.999, 50):
        typo = add_typo("Chaofan Xu", float(u))
        assert typo != "Chaofan Xu"
        assert typo[0] == "C" and abs(len(typo) - len("Chaofan Xu")) <= 1


def test_planted_people_cycle_through_systems() -> None:
    systems = PlantedSystems()
    person = PersonView("许", "超凡", False, dt.date(1963, 5, 2), Origin.MAINLAND, None)
    profile = NameProfile(layouts(("family_first", "system", "title", 1.0)))
    seen = {
        render_name(person, profile, (0.0, 0.0, 0.9, 0.9, 0.0), systems.next("tp-1")).name
        for _ in range(5)
    }
    assert {"Xu Chaofan", "Hui Chiu Fan", "Hsu Chao-fan"} <= seen


@pytest.mark.parametrize("origin", list(Origin))
@pytest.mark.parametrize(("family", "given"), [("许", "超凡"), ("欧阳", "伟"), ("张", "学群")])
def test_spellings_by_system_are_what_records_write(
    family: str, given: str, origin: Origin
) -> None:
    """bench/screen/ceiling.py counts namesakes by these spellings: they must be the
    generator's own, whatever the layout or regional surname form drawn."""
    person = PersonView(family, given, False, dt.date(1963, 5, 2), origin, None)
    spellings = spellings_by_system(family, given, origin)
    for system in RECORD_SYSTEMS:
        for order in ("family_first", "family_last", "comma"):
            for variant in np.linspace(0, 0.99, 4):
                profile = NameProfile(layouts((order, "system", "upper", 1.0)))
                u = (0.0, 0.0, 0.9, 0.9, float(variant))
                name = render_name(person, profile, u, system).name
                family_written = name.split(",")[0] if order == "comma" else None
                letters = "".join(c for c in name.lower() if c.isalpha())
                assert any(sorted(letters) == sorted(s) for s in spellings[system]), name
                assert family_written is None or any(
                    s.startswith(family_written.lower().replace(" ", "").replace("-", ""))
                    for s in spellings[system]
                )
    if family == "许":
        assert spellings["pinyin"] == {"xuchaofan"}
        assert any(s.startswith("koh") for s in spellings["regional"])


def test_no_official_sits_near_the_wealth_threshold() -> None:
    """Truth must not hinge on rounding: every official is far below or far above."""
    plan = _plan(7, size_profile("small"))
    _, summaries = file_declarations(plan.world.cases, 7)
    for case, summary in zip(plan.world.cases, summaries, strict=True):
        ratio = wealth_ratio(case, summary)
        assert not UNEXPLAINED_WEALTH_RATIO * 0.7 < ratio < UNEXPLAINED_WEALTH_RATIO * 1.5, (
            case.official.profile,
            ratio,
        )


def test_size_profiles() -> None:
    assert size_profile("large").transactions == 10 * size_profile("medium").transactions
    with pytest.raises(ValueError, match="choose one of: small, medium, large"):
        size_profile("tiny")
