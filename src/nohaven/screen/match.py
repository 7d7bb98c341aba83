"""Score a screening query against the index: candidates by key, then the name engine.

Candidates come from the query's rarest name keys and its identifiers; each is scored
by the cross-script comparator (best pair of names, qualified by birth date and
gender), and each result says why: the aligned syllables and their systems, the
qualifiers, a shared identifier, and how the entity is related to the listed people
around it ("spouse of 许超凡"), so a relative of an official is recognised as one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process

from nohaven.names.analysis import analyze_name
from nohaven.names.company import (
    company_key,
    company_text,
    romanised_company_key,
    written_in_han,
)
from nohaven.names.compare import (
    NameMatch,
    PersonRecord,
    birth_year_of,
    compare_names,
    qualify,
)
from nohaven.resolve.addresses import same_address
from nohaven.resolve.features import normalised_form
from nohaven.screen.index import (
    ScreeningIndex,
    company_key_hashes,
    identifier_hash,
    person_key_hashes,
    search_word_hashes,
)
from nohaven.screen.query import ScreeningQuery

ALGORITHM = "nohaven-names"
# The same matcher without the name-frequency weight: a name alone matches every
# namesake, for reviewers who would rather see all of them flagged.
ALGORITHM_UNWEIGHTED = "nohaven-names-unweighted"
DEFAULT_LIMIT = 5
DEFAULT_THRESHOLD = 0.7
# A company's Chinese name read as its English name is written (深圳富华实业 and
# "Shenzhen Fuhua Industrial"): a match to look at, below the same characters, since
# pinyin has no tones. A short name (华新科技: 华信 and 化新 read alike) is shown, below
# the threshold: too many names read as it does.
ACROSS_SCRIPTS_SCORE = 0.8
ACROSS_SCRIPTS_SHORT_SCORE = 0.65
ACROSS_SCRIPTS_MIN_HAN = 6  # characters, legal form aside: place, trade name and trade
MAX_CANDIDATES = 50  # entities scored per query, the most key hits first
MAX_POSTINGS = 500  # a key held by more entities is used only with the birth year
MAX_NAMES = 6  # names compared per side
# A listed company may have dozens of names in as many languages; comparing two company
# names costs a microsecond, so all of these are compared.
MAX_COMPANY_NAMES = 100
MAX_NAMES_CONSIDERED = 500  # of an entity's names, when choosing which to compare
MAX_BYSTANDERS = 5  # entities outside the scope scored to count namesakes
# A query with a birth year: people recorded as born in another year score at most
# BIRTH_YEAR_DIFFERS (0.6, below the threshold) and only fill the results after those
# born that year, so only the first of them (by key hits) are scored, not all 50.
OTHER_YEAR_CANDIDATES = 10  # or the limit, when larger
IDENTIFIER_SCORE = 0.95  # a shared passport or id number with a name that is not far off
CARD_DIFFERS = 0.5  # both give an identity card of one kind, with different numbers
RELATION_LIMIT = 5
# People whose names score at least a result's score less this are counted as its
# namesakes (a lower score never gets fewer, so weighing keeps the order).
SAME_NAME_MARGIN = 0.02

FEATURES: dict[str, dict[str, Any]] = {
    "name_cross_script": {
        "description": "The best name pair by nohaven's cross-script comparator: Han, "
        "pinyin, Wade-Giles, Cantonese, Macau, Hokkien and Hakka forms aligned syllable "
        "by syllable (nohaven.names).",
        "coefficient": 1.0,
        "url": "https://github.com/nohaven/nohaven/blob/main/docs/NAMES.md",
    },
    "qualifiers": {
        "description": "Adjustment for birth date and gender when both sides have them "
        "(different birth year or date x0.6, one of day or month different x0.65, "
        "different gender x0.5, same date +0.05) and for identity cards: both give one "
        f"of the same kind (property and shape) with different numbers x{CARD_DIFFERS}.",
        "coefficient": 1.0,
        "url": "https://github.com/nohaven/nohaven/blob/main/docs/NAMES.md",
    },
    "identifier_match": {
        "description": f"A shared identifier (passport, national id, registration "
        f"number) raises the score to at least {IDENTIFIER_SCORE} when the names are "
        "not far apart, or when the query gives no name (a search by number).",
        "coefficient": IDENTIFIER_SCORE,
        "url": "https://github.com/nohaven/nohaven/blob/main/docs/SCREENING.md",
    },
    "address_match": {
        "description": "The query's address and the entity's are one address (rigour's "
        "fingerprint or address comparison, 0.8 or more: spelling, abbreviations and a "
        "district added or dropped set aside; an address with no number, such as a city, "
        "never matches). A name with the address is not a name alone: the "
        "result is weighed only against namesakes at that address, and goes before "
        "equal scores.",
        "coefficient": 1.0,
        "url": "https://github.com/nohaven/nohaven/blob/main/docs/SCREENING.md",
    },
    "name_frequency": {
        "description": "For a query with a name and nothing else (no birth date, no "
        "identifier): 1/n, where n is how many different people in the loaded data are "
        "known to match the name as well or better (distinct resolved people; before "
        "resolution, the most records of one dataset; distinct birth years). A name "
        "alone cannot tell them apart, so each is that likely to be the person asked "
        "about.",
        "coefficient": 1.0,
        "url": "https://github.com/nohaven/nohaven/blob/main/docs/SCREENING.md",
    },
}


@dataclass
class ScoredResult:
    """One candidate's score and the evidence behind it."""

    row: int
    score: float
    features: dict[str, float]
    explanations: dict[str, str] = field(default_factory=dict)
    name_match: NameMatch | None = None  # explained only if it is among the results
    names_compared: tuple[str, str] | None = None  # the query's name and the entity's

    def explain(self) -> dict[str, str]:
        if self.name_match is not None and "name" not in self.explanations:
            steps = self.name_match.steps
            self.explanations["name"] = (
                _compact(self.name_match.explain()) if steps else "no name aligned"
            )
        return self.explanations


def _candidate_rows(
    index: ScreeningIndex,
    query: ScreeningQuery,
    words: bool,
    visible: frozenset[str] | None,
) -> np.ndarray:
    """Entity rows worth scoring that a user who may see ``visible`` datasets may see:
    identifier holders, then the most key hits (`words`: each word of a person's name is
    a key too, for /search). A key's rows are counted against `MAX_POSTINGS` as the user
    sees them: rows they may not see neither crowd out nor count."""

    def postings(hashes: Iterable[int]) -> list[np.ndarray]:
        return [index.visible_rows(rows, visible) for rows in index.postings(hashes)]

    hashes: list[int] = []
    word_hashes: list[int] = []
    for name in query.names[:MAX_NAMES]:
        if query.is_person:
            hashes += person_key_hashes(name)
            if words:
                word_hashes += search_word_hashes(name)
        if query.schemata - {"Person"}:
            hashes += company_key_hashes(name)
    year = query.birth_year
    used: list[np.ndarray] = []
    for rows in sorted(postings(dict.fromkeys(hashes)), key=len):
        if rows.size == 0:
            continue
        if rows.size > MAX_POSTINGS:
            if year is None:
                continue
            rows = rows[index.born_in(rows, year)]
        used.append(rows)
    if word_hashes:
        # A word many people's names share (a common surname) still lists some of them.
        used += [rows[:MAX_POSTINGS] for rows in postings(dict.fromkeys(word_hashes)) if rows.size]
    by_identifier = [
        rows for rows in postings(identifier_hash(v) for v in query.identifiers) if rows.size
    ]
    if not used and not by_identifier:
        return np.zeros(0, dtype=np.int32)
    hits, counts = (
        np.unique(np.concatenate(used), return_counts=True)
        if used
        else (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64))
    )
    # Ties in entity order, whichever of an entity's rows the user is shown.
    place = index.entity_rows(hits)
    if year is not None and hits.size:
        # Born the same year first, then by key hits: with a million records a common
        # name's namesakes outnumber the person, and the birth year is what tells them.
        same_year = index.born_in(hits, year)
        order = np.lexsort((place, -counts, ~same_year))
    else:
        order = np.lexsort((place, -counts))
    ranked = hits[order]
    first = np.concatenate(by_identifier) if by_identifier else np.zeros(0, dtype=np.int32)
    return np.concatenate((first, ranked))


@lru_cache(maxsize=200_000)
def _latin_form(name: str) -> str:
    """A name in lower-case Latin letters (`company_text`'s one form, any name's as
    much as a company's, with Han read in pinyin): only to choose which of an entity's
    names to compare, not to compare them."""
    text = company_text(name)
    return " ".join(lazy_pinyin(text, style=Style.NORMAL)) if written_in_han(text) else text


def names_to_compare(
    query_names: Iterable[str], names: tuple[str, ...], limit: int
) -> tuple[str, ...]:
    """At most `limit` of an entity's names: all when they are that few, else those
    nearest any query name as letters go (of its first `MAX_NAMES_CONSIDERED`).
    OpenSanctions gives a person or company dozens of names in many scripts; the first
    few in alphabetical order need not include the one the query gives."""
    if len(names) <= limit:
        return names
    names = names[:MAX_NAMES_CONSIDERED]
    forms = [_latin_form(name) for name in names]
    nearness: dict[int, float] = {}
    for asked in query_names:
        for _, score, i in process.extract(
            _latin_form(asked), forms, scorer=fuzz.token_sort_ratio, limit=limit
        ):
            nearness[i] = max(nearness.get(i, 0.0), score)
    return tuple(names[i] for i in sorted(nearness, key=lambda i: (-nearness[i], i))[:limit])


@lru_cache(maxsize=50_000)
def _company_forms(names: tuple[str, ...]) -> tuple[tuple[str, str, bool, str], ...]:
    """(company_key, romanised_company_key, written in Han, name) of an entity's names,
    one per distinct key: a company listed in twenty languages has far fewer keys."""
    forms: dict[str, tuple[str, str, bool, str]] = {}
    for name in names:
        key = company_key(name)
        forms.setdefault(key, (key, romanised_company_key(name), written_in_han(name), name))
    return tuple(forms.values())


def _compact(explanation: str) -> str:
    return "; ".join(line.strip() for line in explanation.splitlines())


def _card_kind_text(tag: str) -> str:
    """A card tag ("card idNumber:8A9") as a reader would say it."""
    prop, _, shape = tag.removeprefix("card ").partition(":")
    first, last = ("a letter" if c == "A" else "a digit" for c in shape[-2:])
    return f"{prop} of {shape[:-2]} characters, {first} first, {last} last"


def score_row(
    index: ScreeningIndex,
    query: ScreeningQuery,
    row: int,
    compared: dict[tuple[str, ...], tuple[NameMatch, tuple[str, str]]] | None = None,
) -> ScoredResult:
    """Score one indexed entity against the query (``compared``: the best name pair of
    every candidate name list scored for this query so far; namesakes repeat them)."""
    person = index.schemata[row] == "Person" and query.is_person
    names = names_to_compare(
        query.names[:MAX_NAMES], index.names[row], MAX_NAMES if person else MAX_COMPANY_NAMES
    ) or (index.ids[row],)
    explanations: dict[str, str] = {}
    qualified = None
    if not query.names:
        # Asked by identifier alone (yente takes such queries): the number is the evidence.
        score = name_score = 0.0
        pair = None
    elif person:
        found = compared.get(names) if compared is not None else None
        if found is None:
            for left in query.names[:MAX_NAMES]:
                for right in names:
                    result = compare_names(left, right)
                    if found is None or result.score > found[0].score:
                        found = (result, (left, right))
            assert found is not None
            if compared is not None:
                compared[names] = found
        best, pair = found
        name_score = best.score
        asked = PersonRecord(
            "",
            query.birth_dates[0] if query.birth_dates else None,
            query.genders[0] if query.genders else None,
        )
        # An entity that gives several birth dates is the person born on any of them.
        qualified = max(
            (
                qualify(best, asked, PersonRecord("", born, index.genders[row]))
                for born in index.birth_dates_of(row)
            ),
            key=lambda result: result.score,
        )
        score = qualified.score
    else:
        score, across, pair = 0.0, False, None
        forms = _company_forms(names)
        keys = [key for key, _, _, _ in forms]
        for left in query.names[:MAX_NAMES]:
            a = company_key(left)
            best = (
                process.extractOne(a, keys, scorer=fuzz.token_sort_ratio, score_cutoff=1)
                if a
                else None
            )
            if best is not None and keys[best[2]] and best[1] / 100.0 > score:
                score, across, pair = best[1] / 100.0, False, (left, forms[best[2]][3])
            reading_key, left_han = romanised_company_key(left), written_in_han(left)
            if not reading_key:
                continue
            for b, romanised, right_han, right in forms:
                if left_han != right_han and romanised == reading_key:
                    han = a if left_han else b
                    reading = (
                        ACROSS_SCRIPTS_SCORE
                        if len(han.replace(" ", "")) >= ACROSS_SCRIPTS_MIN_HAN
                        else ACROSS_SCRIPTS_SHORT_SCORE
                    )
                    if reading > score:
                        score, across, pair = reading, True, (left, right)
        name_score = score
        explanations["name"] = (
            "company names agree read across scripts (pinyin, trade words translated)"
            if across
            else f"normalised company names agree {score:.0%}"
        )
    features = {
        "name_cross_script": round(name_score, 4),
        "qualifiers": round(score - name_score, 4),
        "identifier_match": 0.0,
        "address_match": 0.0,
        "name_frequency": 1.0,
    }
    held = index.identifiers[row]
    shared = query.identifier_set & held
    if shared:
        features["identifier_match"] = 1.0
        if name_score >= 0.5 or not query.names:
            score = max(score, IDENTIFIER_SCORE)
            explanations["identifier"] = "shared identifier: " + ", ".join(sorted(shared))
    elif person and (kinds := query.card_tags & held):
        # An identity card is a person's for life: another number of the same kind is
        # another person (or a keying error, which is why it halves and does not bar).
        score = round(score * CARD_DIFFERS, 4)
        features["qualifiers"] = round(score - name_score, 4)
        explanations["identity_card"] = "another identity card of the same kind: " + ", ".join(
            sorted(_card_kind_text(k) for k in kinds)
        )
    return ScoredResult(
        row, round(score, 4), features, explanations, qualified if person else None, pair
    )


def people_carrying(
    index: ScreeningIndex, rows: Iterable[int], visible: frozenset[str] | None = None
) -> int:
    """How many different people these entities are known to be, at least: distinct
    resolved people, the most unresolved records of any one dataset (a dataset seldom
    holds one person twice), and distinct birth years, whichever is largest. A user who
    may see only some datasets (``visible``) is not shown resolution's clusters, which
    may join records through ones hidden from them, nor the names of hidden datasets."""
    use_clusters = index.people.size > 0 and (
        visible is None or visible >= index.dataset_bit.keys()
    )
    resolved: set[int] = set()
    per_dataset: Counter[str] = Counter()
    years: set[int] = set()
    for row in index.one_per_entity(list(rows), int):
        person = int(index.people[row]) if use_clusters else -1
        if person >= 0:
            resolved.add(person)
        else:
            datasets = index.datasets[row]
            per_dataset.update(datasets if visible is None else datasets & visible)
        if index.birth_years[row]:
            years.add(int(index.birth_years[row]))
    return max(len(resolved), max(per_dataset.values(), default=0), len(years), 1)


def _weigh_by_namesakes(
    index: ScreeningIndex,
    results: list[ScoredResult],
    population: list[ScoredResult],
    visible: frozenset[str] | None,
) -> None:
    """Divide each result's score by how many people match the name at least as well:
    with nothing but a name, each of them is as likely to be the one asked about (a
    lower score never gets a smaller count, so the order stays)."""
    people = [
        (other.score, other.row) for other in population if index.schemata[other.row] == "Person"
    ]
    by_floor: dict[float, int] = {}  # results of one score share their namesakes
    for result in [r for r in results if index.schemata[r.row] == "Person"]:
        floor = result.score - SAME_NAME_MARGIN
        if floor not in by_floor:
            by_floor[floor] = people_carrying(
                index, {row for score, row in people if score >= floor}, visible
            )
        namesakes = by_floor[floor]
        result.features["name_frequency"] = round(1 / namesakes, 4)
        if namesakes > 1:
            result.score = round(result.score / namesakes, 4)
            result.explanations["name_frequency"] = (
                f"at least {namesakes} different people in the data match this name as well "
                "or better, and the query has no birth date or identifier to tell them apart"
            )


# The feature whose score each explanation explains.
_EXPLAINED = {
    "name": "name_cross_script",
    "identifier": "identifier_match",
    "address": "address_match",
    "name_frequency": "name_frequency",
    "identity_card": "qualifiers",
}


def _feature_results(item: ScoredResult, relations: list[dict[str, Any]]) -> dict[str, Any]:
    """A result's explanations as yente gives them (nomenklatura's FeatureResult: the
    detail, the score it explains, and the query's and the entity's values it rests on);
    `relation` is the first relation path, its score 1.0: the tie is on record."""
    out: dict[str, Any] = {}
    for key, detail in item.explain().items():
        feature = _EXPLAINED.get(key)
        pair = item.names_compared if key == "name" else None
        out[key] = {
            "detail": detail,
            "score": item.features.get(feature, item.score) if feature else item.score,
            "query": pair[0] if pair else None,
            "candidate": pair[1] if pair else None,
        }
    if relations:
        out["relation"] = {
            "detail": relations[0]["path"],
            "score": 1.0,
            "query": None,
            "candidate": relations[0]["entity_id"],
        }
    return out


def relation_paths(
    index: ScreeningIndex, row: int, visible: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """How an entity is related to the people around it: every direct relative, and
    two-step chains that end at a listed official ("spouse of 许明, child of 许超凡");
    with ``visible``, only through people of those datasets."""
    out: list[dict[str, Any]] = []
    # Entities, not rows: a user may be shown another row of the same entity.
    seen = {index.entity_row(row)}
    direct = index.related_in(row, visible)
    for relation in direct:
        seen.add(index.entity_row(relation.other))
    for relation in direct:
        other, other_caption = relation.other, index.caption(relation.other, visible)
        out.append(
            {
                "relation": relation.this_is,
                "path": f"{relation.this_is} of {other_caption}",
                "entity_id": index.ids[other],
                "caption": other_caption,
                "target": index.is_target(other, visible),
                "via": [relation.edge_id],
            }
        )
        for second in index.related_in(other, visible):
            end = second.other
            if index.entity_row(end) in seen or not index.is_target(end, visible):
                continue
            seen.add(index.entity_row(end))
            out.append(
                {
                    "relation": f"{relation.this_is} of {second.this_is}",
                    "path": f"{relation.this_is} of {other_caption}, "
                    f"{second.this_is} of {index.caption(end, visible)}",
                    "entity_id": index.ids[end],
                    "caption": index.caption(end, visible),
                    "target": True,
                    "via": [relation.edge_id, second.edge_id],
                }
            )
    out.sort(key=lambda r: (not r["target"], len(r["via"]), r["path"]))
    return out[:RELATION_LIMIT]


@lru_cache(maxsize=100_000)
def _as_written(name: str) -> str:
    """A name as Han characters or its sorted, folded Latin words: literally one name."""
    return normalised_form(analyze_name(name))


def _mark_known_as_written(
    index: ScreeningIndex,
    query: ScreeningQuery,
    rows: np.ndarray,
    visible: frozenset[str] | None,
    scored: list[ScoredResult],
) -> None:
    """Explain ("known_as") each result resolved with another record that bears one of
    the query's names exactly as the query writes it (a deed's "CHEUNG, Kwan Pang"
    resolved with a registry's 张群鹏): among namesakes a name alone cannot tell apart,
    the one known under this very spelling is the likelier. Not for a user who may see
    only some datasets: clusters may join records through hidden ones."""
    if not index.people.size or (visible is not None and not visible >= index.dataset_bit.keys()):
        return
    asked = {form for form in map(_as_written, query.names[:MAX_NAMES]) if form}
    people = {int(index.people[s.row]) for s in scored} - {-1}
    # Only the candidates resolved with a result can say anything: most are not.
    rows = rows[np.isin(index.people[rows], list(people))] if people else rows[:0]
    known: dict[int, list[int]] = {}
    for row in rows.tolist():
        if index.schemata[row] == "Person" and any(
            _as_written(name) in asked for name in index.names[row][:MAX_NAMES]
        ):
            known.setdefault(int(index.people[row]), []).append(row)
    for result in scored:
        spelt = [r for r in known.get(int(index.people[result.row]), ()) if r != result.row]
        if spelt:
            result.explanations["known_as"] = (
                f"resolved with {index.ids[spelt[0]]}, which bears the name as the query writes it"
            )


def _mark_read_as_at_home(index: ScreeningIndex, scored: list[ScoredResult]) -> None:
    """Explain ("name_system") each result tied at the top score whose name the query
    writes as its papers would (`index.HOME_SYSTEMS`), when some other result tied with
    it does not: a clerk abroad copies the papers."""
    top = max((s.score for s in scored), default=None)
    tied = [s for s in scored if s.score == top]
    if len(tied) < 2:
        return
    homes = [
        (r, index.home_system_of(r.row, r.name_match.read_in) if r.name_match else None)
        for r in tied
    ]
    if all(home is not None for _, home in homes):
        return
    for result, home in homes:
        if home is not None:
            result.explanations["name_system"] = (
                f"the name reads as a whole in {home}, as papers of "
                f"{', '.join(index.papers_countries(result.row, home))} write names"
            )


def match_query(
    index: ScreeningIndex,
    query: ScreeningQuery,
    *,
    limit: int = DEFAULT_LIMIT,
    threshold: float = DEFAULT_THRESHOLD,
    visible: frozenset[str] | None = None,
    **filters: Any,
) -> tuple[list[dict[str, Any]], int]:
    """The best `limit` results in yente's shape, and how many of the candidates are
    matches (score at least ``threshold``), as yente counts its ``total``; ``filters``
    are `scored_results`'."""
    kept = scored_results(
        index, query, limit=limit, threshold=threshold, visible=visible, **filters
    )
    return result_dicts(index, kept[:limit], threshold, visible), sum(
        s.score >= threshold for s in kept
    )


def result_dicts(
    index: ScreeningIndex,
    scored: list[ScoredResult],
    threshold: float,
    visible: frozenset[str] | None,
) -> list[dict[str, Any]]:
    """Scored entities in yente's result shape, with their relation paths."""
    results = []
    for item in scored:
        entity = index.entity(item.row, visible)
        relations = relation_paths(index, item.row, visible)
        results.append(
            {
                **entity,
                "score": item.score,
                "match": item.score >= threshold,
                "features": item.features,
                "explanations": _feature_results(item, relations),
                "relations": relations,
            }
        )
    return results


def scored_results(
    index: ScreeningIndex,
    query: ScreeningQuery,
    *,
    limit: int = DEFAULT_LIMIT,
    threshold: float = DEFAULT_THRESHOLD,
    include_datasets: frozenset[str] | None = None,
    named_datasets: frozenset[str] | None = None,
    exclude_datasets: frozenset[str] = frozenset(),
    exclude_ids: frozenset[str] = frozenset(),
    exclude_schemata: frozenset[str] = frozenset(),
    topics: frozenset[str] = frozenset(),
    countries: frozenset[str] = frozenset(),
    changed_since: float | None = None,
    cutoff: float = 0.0,
    visible: frozenset[str] | None = None,
    weigh_namesakes: bool = True,
    words: bool = False,
    candidates: int = MAX_CANDIDATES,
) -> list[ScoredResult]:
    """Every candidate kept, best first: scored, filtered and ordered as yente's results.

    ``visible``: the datasets the asking user may see, which bound the relations shown as
    well as the results and the namesakes counted. ``include_datasets``: the loaded
    datasets in scope; ``named_datasets`` and ``exclude_datasets``: yente's
    `include_dataset` and `exclude_dataset`, which may name the datasets a publisher
    lists an entity in (`ScreeningIndex.in_datasets`). yente's other filters: entities of
    ``exclude_schemata`` are not candidates; results carry one of ``topics`` and name one
    of ``countries`` (when given), changed after ``changed_since`` (epoch seconds) and
    score above ``cutoff`` (at most the threshold; matches are kept). ``words``: a
    name's single words find entities too ("Zakharov", for /search); ``candidates``:
    how many entities are scored at most; ``limit``: how many results are wanted.
    ``weigh_namesakes``: a query with a name and nothing else scores 1/n of the name's
    score when n people carry the name, so namesakes of a listed person are not called
    matches. With a birth year, people recorded as born in another year are scored only
    as far as the results need them (`OTHER_YEAR_CANDIDATES`, or `limit`): they score at
    most 0.6."""
    scored: list[ScoredResult] = []
    considered = 0
    schemata = query.schemata - exclude_schemata
    rows = _candidate_rows(index, query, words, visible)
    if visible is not None:
        include_datasets = visible if include_datasets is None else include_datasets & visible
    # A name alone is weighed against everyone visible who carries it, in any dataset.
    weigh = weigh_namesakes and query.is_person and not query.birth_dates and not query.identifiers
    outside = np.zeros(0, dtype=np.int32)
    if include_datasets is not None and rows.size:
        in_scope = (index.dataset_bits[rows] & index.dataset_mask(include_datasets)) != 0
        if weigh:
            outside = rows[~in_scope]
        rows = rows[in_scope]
    by_name = named_datasets is not None or bool(exclude_datasets)
    # yente's rule: an id given to exclude excludes the entity merged from it too.
    excluded = index.rows_named(exclude_ids, visible)
    seen: set[int] = set()
    set_aside: list[int] = []  # candidates the dataset and id filters keep out
    filtered: list[ScoredResult] = []  # namesakes the topic and change filters keep out
    compared: dict[tuple[str, ...], tuple[NameMatch, tuple[str, str]]] = {}
    # The year `score_row` compares (its first birth date), when it reads one.
    year = birth_year_of(query.birth_dates[0]) if query.birth_dates else None
    other_years = max(limit, OTHER_YEAR_CANDIDATES)
    for row in rows.tolist():
        if considered >= candidates:
            break
        if row in seen or index.schemata[row] not in schemata:
            continue
        seen.add(row)
        if (
            (include_datasets is not None and index.datasets[row].isdisjoint(include_datasets))
            or (by_name and not index.in_datasets(row, named_datasets, exclude_datasets, visible))
            or row in excluded
        ):
            set_aside.append(row)
            continue
        if (
            (topics and topics.isdisjoint(index.topics[row]))
            or (changed_since is not None and index.changed_at[row] <= changed_since)
            or (countries and countries.isdisjoint(index.countries(row, visible)))
        ):
            # Filters on the results, as yente's are: a name alone is weighed against
            # the same namesakes with or without them, so these are scored all the same.
            if weigh:
                considered += 1
                filtered.append(score_row(index, query, row, compared))
            continue
        if (
            year is not None
            and index.birth_years[row]
            and all(birth_year_of(born) not in (None, year) for born in index.birth_dates_of(row))
            and not query.identifier_set & index.identifiers[row]
        ):
            if other_years == 0:
                continue
            other_years -= 1
        considered += 1
        result = score_row(index, query, row, compared)
        if result.score > 0:
            scored.append(result)
    at_address = []
    if query.specific_addresses:
        for result in scored:
            if any(
                same_address(asked, known)
                for asked in query.specific_addresses
                for known in index.addresses(result.row)
            ):
                result.features["address_match"] = 1.0
                result.explanations["address"] = "the query's address is the entity's"
                at_address.append(result)
    if weigh:
        # Namesakes outside the results: those set aside, then other datasets' people,
        # the most key hits first (rows are distinct: a name-only query has no
        # identifier rows to repeat them).
        bystanders: list[ScoredResult] = []
        for row in chain(set_aside, map(int, outside)):
            if len(bystanders) >= MAX_BYSTANDERS:
                break
            if index.schemata[row] == "Person":
                bystanders.append(score_row(index, query, row, compared))
        # A name with the entity's address is not a name alone: it is weighed only
        # against the namesakes at that address.
        alone = [s for s in scored if not s.features["address_match"]]
        _weigh_by_namesakes(index, alone, scored + filtered + bystanders, visible)
        _weigh_by_namesakes(index, at_address, at_address, visible)
    # Equal scores: the one at the query's address, the one some record calls by the
    # query's name as written (looked for only when a name alone leaves a tie at the
    # top), a listed official, the one whose name reads as its papers write it (at the
    # top too), then someone with known relatives.
    top = max((s.score for s in scored), default=None)
    if weigh and sum(s.score == top for s in scored) > 1:
        everyone = np.concatenate([rows, outside]) if outside.size else rows
        if excluded:
            everyone = everyone[~np.isin(everyone, list(excluded))]
        _mark_known_as_written(index, query, everyone, visible, scored)
    _mark_read_as_at_home(index, scored)
    scored.sort(
        key=lambda s: (
            -s.score,
            -s.features["address_match"],
            "known_as" not in s.explanations,
            not index.targets[s.row],
            "name_system" not in s.explanations,
            not index.has_relatives(s.row, visible),
            index.ids[s.row],
        )
    )
    kept = [s for s in scored if s.score > min(cutoff, threshold) or s.score >= threshold]
    # While the index lags a change in sharing, a user may be shown rows of several
    # shares of one entity (`ScreeningIndex.visible_mask`): the entity is one result.
    return index.one_per_entity(kept, lambda s: s.row)


@dataclass(frozen=True)
class MatchOptions:
    """`match_query`'s keyword arguments, shared by every query of a batch."""

    limit: int = DEFAULT_LIMIT
    threshold: float = DEFAULT_THRESHOLD
    include_datasets: frozenset[str] | None = None
    named_datasets: frozenset[str] | None = None
    exclude_datasets: frozenset[str] = frozenset()
    exclude_ids: frozenset[str] = frozenset()
    exclude_schemata: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    changed_since: float | None = None
    cutoff: float = 0.0
    visible: frozenset[str] | None = None
    weigh_namesakes: bool = True


Matched = dict[str, tuple[list[dict[str, Any]], int]]


def match_batch(
    index: ScreeningIndex, queries: dict[str, ScreeningQuery], options: MatchOptions
) -> Matched:
    """Each query's results and match count, keyed as the client keyed the queries."""
    arguments = {name: getattr(options, name) for name in options.__dataclass_fields__}
    return {key: match_query(index, query, **arguments) for key, query in queries.items()}
