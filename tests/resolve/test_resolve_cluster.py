"""Clustering under judgements, and canonical ids that survive re-runs (pure functions)."""

from __future__ import annotations

from nohaven.resolve.cluster import (
    attach_by_unique_name,
    cluster_and_attach,
    cluster_pairs,
    mint_canonical_id,
    stable_canonical_ids,
)


def _groups(representative: dict[str, str]) -> set[frozenset[str]]:
    out: dict[str, set[str]] = {}
    for item, root in representative.items():
        out.setdefault(root, set()).add(item)
    return {frozenset(g) for g in out.values()}


def test_pairs_at_or_above_the_threshold_merge_transitively() -> None:
    pairs = [("a", "b", 0.9), ("b", "c", 0.7), ("c", "d", 0.69)]
    assert _groups(cluster_pairs("abcde", pairs, 0.7)) == {
        frozenset("abc"),
        frozenset("d"),
        frozenset("e"),
    }


def test_a_different_judgement_stops_a_chain_through_a_third_record() -> None:
    # a-b and b-c are both strong, but a and c were judged different: the weaker link
    # (b-c) is the one refused, so b stays with a.
    pairs = [("a", "b", 0.99), ("b", "c", 0.95)]
    groups = _groups(cluster_pairs("abc", pairs, 0.5, different=[("a", "c")]))
    assert groups == {frozenset("ab"), frozenset("c")}


def test_a_same_judgement_merges_below_the_threshold_and_beats_a_different_chain() -> None:
    groups = _groups(cluster_pairs("abcd", [("c", "d", 0.1)], 0.5, same=[("a", "b")]))
    assert groups == {frozenset("ab"), frozenset("c"), frozenset("d")}


def test_canonical_ids_are_kept_and_the_larger_part_of_a_split_keeps_the_id() -> None:
    previous = {"a": "nh-1", "b": "nh-1", "c": "nh-1", "x": "nh-2"}
    representative = {"a": "a", "b": "a", "c": "c", "x": "x", "new": "new"}
    ids = stable_canonical_ids(representative, previous)
    assert ids["a"] == ids["b"] == "nh-1"
    assert ids["c"] not in {"nh-1", "nh-2"} and ids["c"].startswith("nh-")
    assert ids["x"] == "nh-2"
    assert ids["new"] == mint_canonical_id(["new"])


def test_minted_ids_depend_only_on_the_members() -> None:
    assert mint_canonical_id(["b", "a"]) == mint_canonical_id(["a", "b"])
    assert mint_canonical_id(["a"]) != mint_canonical_id(["b"])


def test_two_han_names_or_birth_years_never_end_up_in_one_cluster() -> None:
    attributes = {
        "a": {"han": frozenset({"王伟"}), "birth_year": frozenset({"1960"})},
        "b": {"han": frozenset(), "birth_year": frozenset()},
        "c": {"han": frozenset({"王为"}), "birth_year": frozenset()},
        "d": {"han": frozenset(), "birth_year": frozenset({"1971"})},
    }
    pairs = [("a", "b", 0.99), ("b", "c", 0.98), ("b", "d", 0.97)]
    groups = _groups(cluster_pairs("abcd", pairs, 0.5, attributes=attributes))
    assert groups == {frozenset("ab"), frozenset("c"), frozenset("d")}


def test_alternative_birth_years_do_not_chain_two_years_into_one_person() -> None:
    # b gives "1960; alt. 1961": it may join a (1960) or c (1961), not both.
    attributes = {
        "a": {"birth_year": frozenset({"1960"})},
        "b": {"birth_year": frozenset({"1960", "1961"})},
        "c": {"birth_year": frozenset({"1961"})},
    }
    pairs = [("a", "b", 0.99), ("b", "c", 0.98)]
    groups = _groups(cluster_pairs("abc", pairs, 0.5, attributes=attributes))
    assert groups == {frozenset("ab"), frozenset("c")}


def test_an_undated_record_joins_the_only_cluster_its_name_points_to() -> None:
    representative = {"han": "han", "visa": "han", "deed": "deed", "deed2": "deed2", "x": "x"}
    links = [("deed", "han"), ("deed", "visa"), ("deed2", "han"), ("deed2", "x")]
    attached = attach_by_unique_name(representative, links, undated={"deed", "deed2"})
    # deed2's name also points at x, a namesake: it stays alone for review.
    assert attached == [("deed", "han")]


def test_a_lone_record_the_cluster_contradicts_does_not_push_a_member_out() -> None:
    """R and M are one person (M's HKID X); lone, undated U shares R's exact name but
    shows another HKID. U's name points only to their cluster, so it is attached, after
    R and M have merged, and refused: R and M stay together and U stays alone."""
    cards = {"M": {"card idNumber:8A": frozenset({"X1234567"})}}
    cards["U"] = {"card idNumber:8A": frozenset({"Y7654321"})}
    clusters, attached = cluster_and_attach(
        ["R", "M", "U"], [("R", "M", 0.99)], 0.8, [("U", "R")], ["R", "U"], attributes=cards
    )
    assert attached == 1
    assert clusters["R"] == clusters["M"] != clusters["U"]
    alone, attached = cluster_and_attach(
        ["R", "M", "U"], [("R", "M", 0.99)], 0.8, [("U", "R")], ["R", "U"]
    )
    assert attached == 1 and alone["U"] == alone["R"] == alone["M"]


def test_two_card_numbers_one_keyed_character_apart_are_one_card() -> None:
    def card(number: str) -> dict[str, frozenset[str]]:
        return {"card idNumber:8A": frozenset({number})}

    pairs = [("a", "b", 0.95), ("a", "c", 0.9)]
    attributes = {"a": card("H9088829"), "b": card("H9088820"), "c": card("K1234567")}
    clusters = cluster_pairs(["a", "b", "c"], pairs, 0.8, attributes=attributes)
    assert clusters["a"] == clusters["b"] != clusters["c"]
