"""A store too small to estimate a model from takes the prior model's parameters: its
birth dates still count, and a name alone neither merges everything nor nothing."""

from __future__ import annotations

import json

import pytest

from nohaven.resolve import engines
from nohaven.resolve.engines import PRIOR_PATH
from nohaven.resolve.features import same_day_pairs
from nohaven.resolve.model import person_settings
from nohaven.resolve.pipeline import PUBLISHER_MERGE
from nohaven.store import Store


@pytest.fixture
def small(tmp_path, resolve_entities, person) -> Store:
    # No two records born the same day: EM has no pairs to learn from.
    return resolve_entities(
        tmp_path,
        {
            "registry": [
                person("official", "许超凡", birthDate="1963-05-02"),
                person("wang", "王伟", birthDate="1970-01-01"),
            ],
            "foreign": [
                person("other-day", "HUI, Chiu Fan", birthDate="1963-11-30"),
                person("year-only", "Wong Wai", birthDate="1970"),
            ],
        },
    )


def test_birth_dates_count_when_no_two_records_share_one(small: Store, scored_pair) -> None:
    _, evidence = scored_pair(small, "official", "other-day")
    assert "birth_date: same year" in evidence
    _, evidence = scored_pair(small, "wang", "year-only")
    assert "birth_date: same year, no day on one side" in evidence


def test_a_namesake_born_on_another_day_stays_apart(small: Store, canonical_ids) -> None:
    clusters = canonical_ids(small)
    assert clusters["official"] != clusters["other-day"]
    assert clusters["wang"] == clusters["year-only"]


def test_the_prior_model_has_every_name_level_and_a_share_of_matches() -> None:
    prior = json.loads(PRIOR_PATH.read_text(encoding="utf-8"))
    assert 0 < prior["probability_two_random_records_match"] < 0.01
    name = prior["comparisons"]["name"]
    assert all(level["u"] and level["m"] for label, level in name.items() if label != "different")
    assert name["same name, unique"]["m"] / name["same name, unique"]["u"] > 1000


def test_a_store_whose_dates_all_lack_the_day_resolves(
    tmp_path, resolve_entities, person, canonical_ids
) -> None:
    store = resolve_entities(
        tmp_path,
        {
            "peps": [
                person("a", "许超凡", birthDate="1963"),
                person("b", "王伟", birthDate="1970"),
            ],
            "bank": [person("c", "Hui Chiu Fan", birthDate="1963-05")],
        },
    )
    clusters = canonical_ids(store)
    assert clusters["a"] == clusters["c"] != clusters["b"]


def test_a_publishers_merge_joins_the_ids_it_names(
    tmp_path, resolve_entities, person, canonical_ids, scored_pair
) -> None:
    # OpenSanctions' entity names the OFAC record it was merged from; the names alone
    # share one word and would never merge.
    merged = {**person("NK-abc", "Aleksandr Zakharov"), "referents": ["ofac-1234", "eu-77"]}
    store = resolve_entities(
        tmp_path,
        {
            "ofac": [person("ofac-1234", "Sasha Zakharov"), person("ofac-9", "Ivan Petrov")],
            "opensanctions": [merged],
        },
    )
    clusters = canonical_ids(store)
    assert clusters["NK-abc"] == clusters["ofac-1234"] != clusters["ofac-9"]
    probability, evidence = scored_pair(store, "NK-abc", "ofac-1234")
    assert probability == 1.0 and evidence == PUBLISHER_MERGE
    summary = json.loads(store.fetchone("SELECT summary FROM resolution_runs")[0])
    assert summary["publisher_merges"] == 1  # "eu-77" is not loaded


def test_a_publishers_merge_keeps_what_else_the_records_share(
    tmp_path, resolve_entities, person, scored_pair
) -> None:
    # The declaration rules and the review read the model's evidence: the merge adds
    # to it rather than replacing it.
    merged = {**person("NK-1", "许超凡", birthDate="1963-05-02"), "referents": ["reg-1"]}
    store = resolve_entities(
        tmp_path,
        {
            "registry": [person("reg-1", "许超凡", birthDate="1963-05-02")],
            "opensanctions": [merged],
        },
    )
    probability, evidence = scored_pair(store, "NK-1", "reg-1")
    assert probability == 1.0
    assert evidence.startswith("name: ") and evidence.endswith("; " + PUBLISHER_MERGE)
    assert "birth_date: same date" in evidence


def test_two_wikidata_items_are_two_people_whatever_their_names(
    tmp_path, resolve_entities, person, canonical_ids
) -> None:
    # Kenneth Roth and Wilbur Ross are both 罗斯 in Chinese lists.
    store = resolve_entities(
        tmp_path,
        {
            "cn_sanctions": [
                person("roth", "罗斯", birthDate="1955-09-23", wikidataId="Q6390934"),
                person("xu", "许超凡", birthDate="1963-05-02"),
            ],
            "peps": [
                person("ross", "罗斯", birthDate="1955-09-23", wikidataId="Q1394920"),
                person("xu-2", "许超凡", birthDate="1963-05-02"),
            ],
        },
    )
    clusters = canonical_ids(store)
    assert clusters["roth"] != clusters["ross"]
    assert clusters["xu"] == clusters["xu-2"]  # the same evidence without the items merges


@pytest.mark.parametrize("too_few", [True, False])
def test_em_with_too_few_pairs_born_the_same_day_gives_way_to_the_prior(
    blocked_world, monkeypatch, too_few: bool
) -> None:
    # On the EU's sanctions lists, EM over 202 such pairs learnt that two records
    # sharing two words of a name are one person whatever their genders.
    con, _ = blocked_world
    pairs = same_day_pairs(con, "person_model_features")
    assert pairs > 0
    monkeypatch.setattr(engines, "MIN_EM_PAIRS", pairs + 1 if too_few else pairs)
    records = con.execute("SELECT count(*) FROM person_features").fetchall()[0][0]
    _, linker = engines.train(con, person_settings("duckdb", records))
    prior = json.loads(PRIOR_PATH.read_text(encoding="utf-8"))["comparisons"]["name"]
    name = next(c for c in linker._settings_obj.comparisons if c.output_column_name == "name")
    level = next(
        lv for lv in name._comparison_levels_excluding_null if lv.label_for_charts == "same sound"
    )
    assert (level.m_probability == pytest.approx(prior["same sound"]["m"])) is too_few
