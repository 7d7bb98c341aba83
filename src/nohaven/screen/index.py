"""The in-process candidate index that screening searches: no search server needed.

Every person's names are turned into the cross-script name keys of `nohaven.names.keys`
(one per romanisation, read-back and loose spelling), companies into their normalised
name and its words, and both are kept, with identifiers, as sorted 64-bit key hashes,
each with the rows of the entities holding it. A query's keys are looked up together
through a directory on the hashes' top bits; the rarest keys are taken first, so Wang
Wei cannot flood the candidates. Entity fields stay in Arrow arrays and are decoded
only for the few results.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache, cached_property, lru_cache
from itertools import groupby
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from followthemoney import model
from followthemoney.types import registry
from rigour.names import pick_name

from nohaven.access.sharing import visible_sets
from nohaven.arrays import distinct
from nohaven.names.analysis import analyze_name
from nohaven.names.company import company_key, romanised_company_key
from nohaven.names.keys import bulk_analysis, keys_of, name_keys
from nohaven.parallel import map_chunks
from nohaven.resolve.records import (
    COMPANY_SCHEMATA,
    PERSON_SCHEMATA,
    birth_year_sql,
    identifier_kind_sql,
    identifier_props,
    identity_card_sql,
)
from nohaven.store.store import Store

T = TypeVar("T")
_NON_WORD = re.compile(r"[\W_]+")
INDEXED_SCHEMATA = PERSON_SCHEMATA + COMPANY_SCHEMATA
_EXPAND_SLICE = 200_000  # (entity, name) rows expanded into postings at a time
_SLICE = 1 << 22  # postings converted at a time
_OVERFLOW_BIT = 62
# The system a country's papers romanise Chinese names in: a Chinese passport in pinyin,
# Hong Kong's and Macau's in Cantonese spelling, Taiwan's mostly in Wade-Giles (system
# families as `names.compare` reads a whole name in). A clerk abroad copies the papers.
HOME_SYSTEMS = {"cn": "pinyin", "hk": "cantonese", "mo": "cantonese", "tw": "wade_giles"}
HOME_SYSTEM_BIT = {system: 1 << k for k, system in enumerate(sorted(set(HOME_SYSTEMS.values())))}
PAPERS_PROPS = ("nationality", "citizenship", "country")  # a person's papers' countries
NAME_PROPS = ("name", "alias", "previousName")


def key_hash(key: str) -> int:
    """The 64-bit hash a key is stored under (this process's string hash: the index is
    built and queried in one process and its forked workers, which share the seed)."""
    return hash(key)


def person_key_hashes(name: str) -> list[int]:
    return [key_hash(key) for key in name_keys(name)]


def company_key_hashes(name: str) -> list[int]:
    """The whole normalised company name, each of its words of three letters or more, and
    its reading across scripts (`romanised_company_key`)."""
    normalised = company_key(name)
    if not normalised:
        return []
    keys = {"co:" + normalised} | {"cw:" + w for w in normalised.split() if len(w) >= 3}
    reading = romanised_company_key(name)
    if reading:
        keys.add("cr:" + reading)  # its Chinese name as its English name reads
    return [key_hash(key) for key in keys]


def normal_identifier(value: str) -> str:
    """Identifiers meet whatever their punctuation or case ("H908882(9)" = "h9088829")."""
    return "".join(c for c in value.upper() if c.isalnum())


_CARD_TAG = "card "


def card_tag(kind: str) -> str:
    """An identity card's kind as the index's identifier sets hold it (`identifier_kind`)."""
    return sys.intern(_CARD_TAG + kind)


def is_card_tag(value: str) -> bool:
    """Whether a value of an identifier set is a `card_tag`, not an identifier."""
    return value.startswith(_CARD_TAG)


def identifier_hash(value: str) -> int:
    return key_hash("id:" + normal_identifier(value))


def word_key_hashes(tokens: Iterable[str]) -> list[int]:
    """A person name's words one by one (its Latin form, as the name engine reads it),
    so /search finds "Aleksandr Zakharov" by "Zakharov": a name's other keys need a
    family and a given name. /match does not use them."""
    return [key_hash("sw:" + token) for token in dict.fromkeys(tokens) if len(token) >= 2]


def fold_words(text: str) -> list[str]:
    """A name's words as typed prefixes are compared with them: case and accents set
    aside, punctuation a break, a Han name one word; none longer than 40 letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()
    return [word for word in _NON_WORD.split(plain) if 0 < len(word) <= 40]


def search_word_hashes(name: str) -> list[int]:
    """`word_key_hashes` of a query's name."""
    return word_key_hashes(analyze_name(name).tokens)


def _hash_chunk(names: list[tuple[str, bool]]) -> tuple[np.ndarray, np.ndarray]:
    """For a chunk of (name, is_person): how many keys each name has, and their hashes
    in name order (a count per name, not a position per key: half the bytes sent back)."""
    counts: list[int] = []
    hashes: list[int] = []
    for name, is_person in names:
        if is_person:
            analysis = bulk_analysis(name)
            keys = [key_hash(key) for key in keys_of(analysis)]
            if not analysis.problem:
                keys += word_key_hashes(analysis.tokens)
        else:
            keys = company_key_hashes(name)
        counts.append(len(keys))
        hashes.extend(keys)
    return np.asarray(counts, dtype=np.int32), np.asarray(hashes, dtype=np.int64)


# The shares of entities that get rows of their own (`_views`), as a table.
_VIEWS_CTE = "views AS (SELECT unnest(?) AS entity_id, unnest(?) AS view, unnest(?) AS dataset)"


def _entities_sql(per_view: bool = False) -> str:
    """Each indexed entity's fields (`build_index`); ``per_view``: a row per (entity,
    view), of the statements of the view's datasets alone, for views given as three
    parallel `?` lists (entity id, view number, dataset)."""
    schemata = ", ".join(f"'{s}'" for s in INDEXED_SCHEMATA)
    names = ", ".join(f"'{p}'" for p in NAME_PROPS)
    identifiers = ", ".join(f"'{p}'" for p in identifier_props())
    people = ", ".join(f"'{s}'" for s in PERSON_SCHEMATA)  # only people are held to a card
    papers = ", ".join(f"'{p}'" for p in PAPERS_PROPS)
    home_bit_sql = (
        "CASE lower(p.value) "
        + " ".join(f"WHEN '{c}' THEN {HOME_SYSTEM_BIT[s]}" for c, s in HOME_SYSTEMS.items())
        + " ELSE 0 END"
    )
    if per_view:
        key = "entity_id, view"
        picked = f"""
            {_VIEWS_CTE},
            picked AS (
                SELECT entity_id, view, schema, prop, value, dataset, source_id
                FROM statements JOIN views USING (entity_id, dataset)
                WHERE schema IN ({schemata})
            ),"""
    else:
        key = "entity_id"
        picked = f"""
            picked AS (
                SELECT entity_id, schema, prop, value, dataset, source_id FROM statements
                WHERE schema IN ({schemata})
            ),"""
    return f"""
        WITH {picked}
        per_prop AS (
            SELECT {key}, prop, list(DISTINCT value ORDER BY value) AS vals
            FROM picked GROUP BY {key}, prop
        ),
        props AS (
            SELECT {key}, CAST(json_group_object(prop, vals) AS VARCHAR) AS properties
            FROM per_prop WHERE prop <> 'id' GROUP BY {key}
        )
        SELECT p.entity_id AS id,
               max(p.schema) AS schema,
               list_sort(list(DISTINCT p.dataset)) AS datasets,
               list_sort(list(DISTINCT p.value) FILTER (p.prop IN ({names}))) AS names,
               min({birth_year_sql("p.value")}) FILTER (p.prop = 'birthDate') AS birth_year,
               max({birth_year_sql("p.value")}) FILTER (p.prop = 'birthDate') AS birth_year_max,
               min(p.value) FILTER (p.prop = 'birthDate') AS birth_date,
               CASE WHEN count(DISTINCT p.value) FILTER (p.prop = 'birthDate') > 1
                    THEN list_sort(list(DISTINCT p.value) FILTER (p.prop = 'birthDate'))
               END AS birth_date_list,
               min(p.value) FILTER (p.prop = 'gender') AS gender,
               coalesce(bit_or({home_bit_sql}) FILTER (
                   p.schema IN ({people}) AND p.prop IN ({papers})), 0) AS home_systems,
               list_distinct(list(p.value) FILTER (p.prop IN ({identifiers}))) AS identifiers,
               list_distinct(list({identifier_kind_sql("p.prop", "p.value")}) FILTER (
                   p.schema IN ({people}) AND {identity_card_sql("p.prop", "p.value")}
               )) AS cards,
               bool_or(p.prop IN ('position', 'topics')) AS target,
               list_distinct(list(p.value) FILTER (p.prop = 'topics')) AS topics,
               min(p.source_id) AS first_source,
               max(p.source_id) AS last_source,
               any_value(pr.properties) AS properties
        FROM picked p JOIN props pr USING ({key})
        GROUP BY {", ".join("p." + k for k in key.split(", "))}
        ORDER BY {", ".join("p." + k for k in key.split(", "))}
        """


def _relations_sql() -> str:
    """Family and associate edges as each dataset records them: (edge id, dataset,
    schema, person, relative, relationship)."""
    return """
        SELECT entity_id AS edge_id, dataset, any_value(schema) AS schema,
               max(value) FILTER (prop = 'person') AS person,
               max(value) FILTER (prop IN ('relative', 'associate')) AS relative,
               max(value) FILTER (prop = 'relationship') AS relationship
        FROM statements
        WHERE schema IN ('Family', 'Associate')
        GROUP BY entity_id, dataset
        ORDER BY edge_id, dataset
    """


def _shares(whole: frozenset[str], agencies: frozenset[frozenset[str]]) -> list[frozenset[str]]:
    """What each agency may see of these datasets, when some but not all of them, in a
    stable order: the shares the index keeps a row (or a tie's version) of."""
    shares = {whole & seen for seen in agencies if 0 < len(whole & seen) < len(whole)}
    return sorted(shares, key=sorted)


def _edge_versions(
    rows: list[tuple[str, str, str, str | None, str | None, str | None]],
    agencies: frozenset[frozenset[str]],
) -> list[tuple[str, str, str | None, str | None, str | None, frozenset[str], frozenset[str]]]:
    """Each edge as all its datasets record it (each field's greatest value), and for an
    edge several datasets record, as what each agency may see of them records it: (edge
    id, schema, person, relative, relationship, the datasets of this version, all the
    edge's datasets)."""
    versions = []
    for edge_id, group in groupby(rows, key=lambda row: row[0]):
        told = list(group)
        whole = frozenset(row[1] for row in told)
        shares = _shares(whole, agencies)
        for share in [whole, *shares]:
            fields = [
                max((r[k] for r in told if r[1] in share and r[k] is not None), default=None)
                for k in (3, 4, 5)
            ]
            versions.append((edge_id, told[0][2], *fields, share, whole))
    return versions


@dataclass(frozen=True)
class Relation:
    """One family or associate edge seen from one of its ends."""

    other: int  # row of the other person
    other_is: str  # what the other person is to this one: "spouse", "child", ...
    this_is: str  # what this one is to the other: "spouse", "parent", ...
    edge_id: str
    edge_schema: str
    this_end: str  # the edge property naming this one: "person", "relative", "associate"
    other_end: str
    datasets: frozenset[str] = frozenset()  # the datasets this version is of
    # All the datasets that record the edge: a version of some of them is shown only to
    # users who may not see all (`ScreeningIndex.related_in`).
    whole: frozenset[str] = frozenset()


# What the relative is to the person, seen the other way round.
_INVERSE = {
    "spouse": "spouse",
    "husband": "wife",
    "wife": "husband",
    "child": "parent",
    "son": "parent",
    "daughter": "parent",
    "parent": "child",
    "father": "child",
    "mother": "child",
    "sibling": "sibling",
    "brother": "sibling",
    "sister": "sibling",
    "son-in-law": "parent-in-law",
    "daughter-in-law": "parent-in-law",
    "parent-in-law": "child-in-law",
    "associate": "associate",
}


@lru_cache(maxsize=100_000)
def _caption(names: tuple[str, ...]) -> str | None:
    """The name an entity goes by, as FtM picks it (rigour's `pick_name`: the one nearest
    all the others, Latin preferred), not the first in alphabetical order: a company
    listed in twenty languages is "Inter Tobacco LLC", not its Irish name."""
    if len(names) <= 1:
        return names[0] if names else None
    return pick_name(list(names)) or names[0]


def _relationship_label(text: str | None) -> str:
    """An edge's relationship as a path names it: "Family member of" and "Spouse of" (the
    way some lists write it) are "family member" and "spouse", since the path adds "of"."""
    words = " ".join((text or "").split()).lower()
    return words.removesuffix(" of").strip()


@dataclass(frozen=True)
class Postings:
    """Which entity rows hold each name key or identifier: the distinct key hashes
    sorted, each with its run of rows, and a directory on the hashes' top bits.

    Hashes are uniform, so the directory's bucket for a key holds about two hashes and
    a lookup reads three short runs of memory; a binary search over tens of millions
    of postings missed the cache at every step (a fifth of a query on a large index).
    Hashes keep their low bits only, so a rare collision only adds a candidate.
    """

    hashes: np.ndarray  # distinct key hashes, sorted (int64)
    starts: np.ndarray  # rows[starts[i]:starts[i + 1]] hold hashes[i] (one more than hashes)
    rows: np.ndarray  # entity rows (int32)
    directory: np.ndarray  # hashes[directory[b]:directory[b + 1]] have top bits b
    hash_bits: int
    shift: int  # hash >> shift is its directory bucket
    widest: int  # the most hashes in one bucket

    @classmethod
    def from_packed(cls, packed: np.ndarray, row_bits: int) -> Postings:
        """From distinct sorted (hash << row_bits | row) values; `packed` is consumed."""
        hash_bits = 63 - row_bits
        offset = np.int32 if packed.size < 2**31 else np.int64  # a few hundred MB less
        # A slice at a time, so no temporary as large as `packed` is ever made.
        rows = np.empty(packed.size, dtype=np.int32)
        for a in range(0, packed.size, _SLICE):
            rows[a : a + _SLICE] = packed[a : a + _SLICE] & ((1 << row_bits) - 1)
        packed >>= row_bits  # now each posting's hash, in place
        new_hash = np.ones(packed.size, dtype=bool)
        np.not_equal(packed[1:], packed[:-1], out=new_hash[1:])
        first = np.flatnonzero(new_hash)
        del new_hash
        hashes = packed[first]
        starts = np.empty(first.size + 1, dtype=offset)
        starts[:-1], starts[-1] = first, packed.size
        del first
        directory_bits = min(hash_bits, max(1, int(hashes.size).bit_length() - 1))
        shift = hash_bits - directory_bits
        directory = np.empty((1 << directory_bits) + 1, dtype=offset)
        for a in range(0, directory.size, _SLICE):
            top = np.arange(a, min(a + _SLICE, directory.size), dtype=np.int64)
            directory[a : a + _SLICE] = np.searchsorted(hashes, top << shift)
        widest = int(np.diff(directory).max()) if hashes.size else 0
        return cls(hashes, starts, rows, directory, hash_bits, shift, widest)

    def lookup(self, hashes: Iterable[int]) -> list[np.ndarray]:
        """The rows holding each hash, one array per hash (empty when none)."""
        wanted = np.fromiter(hashes, dtype=np.int64)
        if wanted.size == 0:
            return []
        if self.widest == 0:
            return [self.rows[:0]] * wanted.size
        wanted &= (1 << self.hash_bits) - 1
        bucket = wanted >> self.shift
        first, end = self.directory[bucket], self.directory[bucket + 1]
        # Every hash of each bucket at once (buckets are a few hashes wide).
        at = first[:, None] + np.arange(self.widest)
        inside = at < end[:, None]
        np.minimum(at, self.hashes.size - 1, out=at)
        hit = inside & (self.hashes[at] == wanted[:, None])
        found = at[np.arange(wanted.size), hit.argmax(axis=1)]
        present = hit.any(axis=1)
        lo = np.where(present, self.starts[found], 0)
        hi = np.where(present, self.starts[found + 1], 0)
        return [self.rows[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]


@dataclass
class ScreeningIndex:
    """Searchable persons and companies of a store, built by `build_index`."""

    entities: pa.Table
    birth_years: np.ndarray  # first birth year of each entity, 0 when unknown
    postings_table: Postings
    relations: dict[int, list[Relation]]
    generation: tuple[Any, ...]
    built_seconds: float
    row_of: dict[str, int] = field(repr=False)
    # The fields every candidate needs, as Python values: reading Arrow scalars one by
    # one cost a fifth of a query.
    ids: list[str] = field(repr=False, default_factory=list)
    schemata: list[str] = field(repr=False, default_factory=list)
    datasets: list[frozenset[str]] = field(repr=False, default_factory=list)
    names: list[tuple[str, ...]] = field(repr=False, default_factory=list)
    identifiers: list[frozenset[str]] = field(repr=False, default_factory=list)
    targets: list[bool] = field(repr=False, default_factory=list)
    topics: list[frozenset[str]] = field(repr=False, default_factory=list)  # FtM topics
    # When each entity's first and newest sources were loaded (epoch seconds), or what
    # its publisher gave instead (`_apply_publisher_meta`): yente's first_seen,
    # last_seen and last_change; `changed_since` filters on the last.
    first_seen_at: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.float64))
    changed_at: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.float64))
    last_seen_at: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.float64))
    # The datasets a publisher lists an entity in (OpenSanctions' "us_ofac_sdn"), beside
    # the loaded datasets it is in (`datasets`, which alone decide who may see it), and
    # every such name. Only an entity's row of all its datasets carries them: a user
    # shown it may see every load, any of which could be the one that said them.
    origins: list[frozenset[str]] = field(repr=False, default_factory=list)
    origin_names: frozenset[str] = frozenset()
    # An entity several datasets load (two agencies loading one OpenSanctions id) is one
    # row of all they say, for users who may see every one of them, and after the
    # `entity_count` rows of entities, a row of each share of them an agency may see
    # (`_views`). A user is shown the row of just the datasets they may see (`seen_in`):
    # scores, filters and results never rest on what a user may not see. `split_parent`
    # holds each such row's entity row.
    entity_count: int = 0
    split_parent: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    _masks: dict[frozenset[str], np.ndarray] = field(
        repr=False, compare=False, default_factory=dict
    )
    # Each entity's datasets as bits (the 63rd bit shared by any datasets beyond 62), so
    # a dataset filter drops most candidates in NumPy before any is looked at.
    dataset_bits: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    dataset_bit: dict[str, int] = field(repr=False, default_factory=dict)
    birth_dates: list[str | None] = field(repr=False, default_factory=list)
    # Every birth date of the few entities that give several (a sanctions list's
    # "alt. DOB"); the others' one is in `birth_dates`.
    several_birth_dates: dict[int, tuple[str, ...]] = field(repr=False, default_factory=dict)
    genders: list[str | None] = field(repr=False, default_factory=list)
    # The systems (`HOME_SYSTEM_BIT`) a person's papers write names in, by the countries
    # of their nationality, citizenship and residence.
    home_systems: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int8))
    # The resolved person each entity belongs to (a code per canonical id of the last
    # `nohaven resolve`), -1 for entities resolution has not seen.
    people: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int32))
    # Each entity's last birth year: its first but for an entity giving several (a
    # sanctions list's "alt. DOB"), 0 when unknown.
    last_birth_years: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int32))
    # The ids entities were merged from (OpenSanctions' referents), each with the
    # dataset that says so: per row, and per referent the rows that claim it.
    referents: dict[int, tuple[tuple[str, str], ...]] = field(repr=False, default_factory=dict)
    referent_rows: dict[str, tuple[tuple[int, str], ...]] = field(repr=False, default_factory=dict)

    @property
    def size(self) -> int:
        """How many entities the index holds (not counting the rows of agencies' shares)."""
        return self.entity_count

    @cached_property
    def split_rows(self) -> dict[int, tuple[int, ...]]:
        """Each entity row's rows of agencies' shares (only entities several datasets
        load)."""
        out: dict[int, tuple[int, ...]] = {}
        for offset, parent in enumerate(self.split_parent.tolist()):
            out[parent] = (*out.get(parent, ()), self.entity_count + offset)
        return out

    @cached_property
    def entity_bits(self) -> np.ndarray:
        """`dataset_bits` of each row's whole entity (for a share's row: all its datasets)."""
        if not self.split_parent.size:
            return self.dataset_bits
        bits = self.dataset_bits.copy()
        bits[self.entity_count :] = self.dataset_bits[self.split_parent]
        return bits

    @cached_property
    def name_words(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every word of the entities' names (`fold_words`, in Arrow), sorted, how many
        entities' names hold each, and the datasets (as bits) that name someone with it:
        what a typed prefix is completed from (OpenRefine's suggest), as far as a user
        may see. Built on first use."""
        # A shared entity's words by the share of its datasets that names it so.
        kept_rows = np.ones(len(self.names), dtype=bool)
        kept_rows[self.split_parent] = False
        rows = np.flatnonzero(kept_rows)
        names = pa.array([self.names[r] for r in rows.tolist()], type=pa.list_(pa.string()))
        text = pc.list_flatten(names)
        text = pc.utf8_lower(
            pc.replace_substring_regex(pc.utf8_normalize(text, "NFKD"), r"\p{Mn}", "")
        )
        split = pc.split_pattern_regex(text, r"[^\p{L}\p{N}]+")
        words = pc.list_flatten(split)
        owner = rows[
            pc.list_parent_indices(names).to_numpy()[pc.list_parent_indices(split).to_numpy()]
        ]
        length = pc.utf8_length(words).to_numpy(zero_copy_only=False)
        kept = (length > 0) & (length <= 40)
        encoded = pc.dictionary_encode(words.filter(pa.array(kept)))
        codes = encoded.indices.to_numpy().astype(np.int64)
        # Each (word, entity row) once, in word order: counts and dataset bits per word.
        pairs = np.unique(codes * (len(self.names) + 1) + owner[kept])
        word_of, row_of = pairs // (len(self.names) + 1), pairs % (len(self.names) + 1)
        vocabulary = encoded.dictionary
        holders = np.bincount(word_of, minlength=len(vocabulary)).astype(np.int32)
        starts = np.searchsorted(word_of, np.arange(len(vocabulary)))
        bits = np.bitwise_or.reduceat(self.dataset_bits[row_of], starts) if pairs.size else pairs
        order = pc.sort_indices(vocabulary).to_numpy()
        return (
            np.array(vocabulary.to_pylist(), dtype=object)[order],
            holders[order],
            bits[order].astype(np.int64),
        )

    def entity_rows(self, rows: np.ndarray) -> np.ndarray:
        """`entity_row` of each of `rows`: what orders rows, so that a shared entity's
        row of some datasets takes its entity's place, not the place of rows built last."""
        if not self.split_parent.size:
            return rows
        later = rows >= self.entity_count
        return np.where(
            later, self.split_parent[np.where(later, rows - self.entity_count, 0)], rows
        )

    def entity_row(self, row: int) -> int:
        """The row of all an entity's datasets say, for any of its rows."""
        if row < self.entity_count:
            return row
        return int(self.split_parent[row - self.entity_count])

    def visible_rows(self, rows: np.ndarray, visible: frozenset[str] | None) -> np.ndarray:
        """The `rows` a user who may see ``visible`` datasets (None: all) searches
        (`seen_in`)."""
        if visible is None:
            return rows[rows < self.entity_count] if self.split_parent.size else rows
        return rows[self.visible_mask(visible)[rows]] if rows.size else rows

    def visible_mask(self, visible: frozenset[str]) -> np.ndarray:
        """For every row, whether a user who may see ``visible`` datasets is shown it:
        an entity's row when they may see all its datasets; else the row of just those
        of its datasets they may see, or, should the index hold no such row (an agency's
        sharing changed since it was built), the rows of some of them. Computed once per
        set of datasets, in NumPy but for rows whose datasets share the bit past 62."""
        found = self._masks.get(visible)
        if found is not None:
            return found
        mask = self.dataset_mask(visible)
        bits, whole, count = self.dataset_bits, self.entity_bits, self.entity_count
        shown = np.zeros(bits.size, dtype=bool)
        shown[:count] = ((bits[:count] & ~mask) == 0) & (bits[:count] != 0)
        if self.split_parent.size:
            own, inside = bits[count:], whole[count:] & mask
            partly = (inside != 0) & (inside != whole[count:])
            exact = partly & (own == inside)
            covered = np.zeros(count, dtype=bool)
            covered[self.split_parent[exact]] = True
            within = partly & (own != 0) & ((own & ~mask) == 0)
            shown[count:] = exact | (within & ~covered[self.split_parent])
        if len(self.dataset_bit) > _OVERFLOW_BIT:
            for row in np.flatnonzero((whole & (1 << _OVERFLOW_BIT)) != 0).tolist():
                shown[row] = self._shown_exactly(row, visible)
        if len(self._masks) >= 64:
            self._masks.clear()
        self._masks[visible] = shown
        return shown

    def _shown_exactly(self, row: int, visible: frozenset[str]) -> bool:
        """`visible_mask`'s rule for one row, on sets (exact where the bits are not)."""
        entity = self.entity_row(row)
        wanted = self.datasets[entity] & visible
        if row == entity:
            return wanted == self.datasets[entity]
        if not wanted or wanted == self.datasets[entity]:
            return False
        if self.datasets[row] == wanted:
            return True
        exact = any(self.datasets[r] == wanted for r in self.split_rows[entity])
        return not exact and self.datasets[row] <= visible

    @cached_property
    def schema_code(self) -> dict[str, int]:
        """A small number for each schema the index holds (`schema_codes`)."""
        return {schema: code for code, schema in enumerate(sorted(set(self.schemata)))}

    @cached_property
    def schema_codes(self) -> np.ndarray:
        """Each entity's schema as its `schema_code`, for filtering every row at once."""
        return np.array([self.schema_code[s] for s in self.schemata], dtype=np.int16)

    @cached_property
    def target_flags(self) -> np.ndarray:
        """`targets` as a NumPy array."""
        return np.array(self.targets, dtype=bool)

    @property
    def posting_count(self) -> int:
        return int(self.postings_table.rows.size)

    def postings(self, hashes: Iterable[int]) -> list[np.ndarray]:
        """The entity rows holding each key, one array per key (empty when none)."""
        return self.postings_table.lookup(hashes)

    def born_in(self, rows: np.ndarray, year: int) -> np.ndarray:
        """Which of `rows` give `year` as a birth year (between their first and last)."""
        return (self.birth_years[rows] <= year) & (year <= self.last_birth_years[rows])

    def birth_dates_of(self, row: int) -> tuple[str | None, ...]:
        """Every birth date the entity at `row` gives (one None when it gives none)."""
        return self.several_birth_dates.get(row) or (self.birth_dates[row],)

    def column(self, name: str, row: int) -> Any:
        return self.entities.column(name)[row].as_py()

    def properties(self, row: int, visible: frozenset[str] | None = None) -> dict[str, list[str]]:
        """The row's FtM properties, parsed from the stored JSON when asked; for a user
        who may see ``visible`` datasets, those of the rows shown to them (`shown_rows`),
        so that one agency never reads what another's file said of it."""
        shown = self.shown_rows(row, visible)
        if len(shown) == 1:
            return json.loads(self.column("properties", row) or "{}")
        merged: dict[str, set[str]] = {}
        for other in shown:
            for prop, values in json.loads(self.column("properties", other)).items():
                merged.setdefault(prop, set()).update(values)
        return {prop: sorted(values) for prop, values in merged.items()}

    def shown_rows(self, row: int, visible: frozenset[str] | None) -> tuple[int, ...]:
        """The rows whose data a result of `row` shows: itself, but for a row of some of
        the entity's datasets shown for want of one of all those ``visible`` holds
        (`visible_mask`): then each such row."""
        if visible is None or row < self.entity_count:
            return (row,)
        entity = self.entity_row(row)
        if self.datasets[row] == self.datasets[entity] & visible:
            return (row,)
        rows = self.split_rows[entity]
        return tuple(r for r in rows if self.seen_in(r, visible)) or (row,)

    def addresses(self, row: int) -> list[str]:
        """The entity's addresses (read when a query gives one)."""
        return list(self.properties(row).get("address", ()))

    def home_system_of(self, row: int, read_in: frozenset[str]) -> str | None:
        """Which of the systems a name reads in the entity's papers write names in, if any."""
        bits = int(self.home_systems[row]) if self.home_systems.size else 0
        return next((s for s in sorted(read_in) if bits & HOME_SYSTEM_BIT.get(s, 0)), None)

    def papers_countries(self, row: int, system: str) -> list[str]:
        """The countries of the entity's papers (`PAPERS_PROPS`) that write names in
        `system`: what a `name_system` explanation cites."""
        properties = self.properties(row)
        return sorted(
            {
                code.lower()
                for prop in PAPERS_PROPS
                for code in properties.get(prop, ())
                if HOME_SYSTEMS.get(code.lower()) == system
            }
        )

    def countries(self, row: int, visible: frozenset[str] | None = None) -> frozenset[str]:
        """The country codes the entity's country-typed properties name (country,
        nationality, jurisdiction, ...): only /search's filter and facets ask, for a few
        dozen rows."""
        properties = self.properties(row, visible)
        return frozenset(
            str(code).lower()
            for prop in _country_props(self.schemata[row])
            for code in properties.get(prop, ())
        )

    def row_for(self, entity_id: str, visible: frozenset[str] | None = None) -> int | None:
        """The row of an entity a user who may see ``visible`` datasets (None: all) may
        see, by its id or else by an id a visible dataset says it was merged from."""
        row = self.row_of.get(entity_id)
        if row is not None and (seen := self.view_row(row, visible)) is not None:
            return seen
        return next(iter(self._claimants(entity_id, visible)), None)

    def one_per_entity(self, items: list[T], row_of: Callable[[T], int]) -> list[T]:
        """`items` keeping only the first of each entity's rows (`row_of` an item's row)."""
        if not self.split_parent.size:
            return items
        seen: set[int] = set()
        kept = []
        for item in items:
            entity = self.entity_row(row_of(item))
            if entity not in seen:
                seen.add(entity)
                kept.append(item)
        return kept

    def view_row(self, row: int, visible: frozenset[str] | None) -> int | None:
        """The row of the entity at `row` that a user who may see ``visible`` datasets
        (None: all) is shown, if any (`seen_in`)."""
        row = self.entity_row(row)
        if self.seen_in(row, visible):
            return row
        return next((r for r in self.split_rows.get(row, ()) if self.seen_in(r, visible)), None)

    def rows_named(
        self, entity_ids: Iterable[str], visible: frozenset[str] | None = None
    ) -> set[int]:
        """The rows of entities with these ids or merged from them (as far as the
        datasets in ``visible`` say), yente's rule for ``exclude_entity_ids``."""
        rows: set[int] = set()
        for entity_id in entity_ids:
            row = self.row_of.get(entity_id)
            if row is not None:
                rows.add(row)
            rows.update(self.entity_row(r) for r in self._claimants(entity_id, visible))
        return rows.union(*(self.split_rows.get(row, ()) for row in list(rows)))

    def _claimants(self, referent: str, visible: frozenset[str] | None) -> list[int]:
        """The rows that visible datasets say were merged from ``referent``."""
        found = (
            self.view_row(row, visible)
            for row, dataset in self.referent_rows.get(referent, ())
            if visible is None or dataset in visible
        )
        return [row for row in found if row is not None]

    def referents_of(self, row: int, visible: frozenset[str] | None = None) -> list[str]:
        """The ids the entity was merged from, as the visible datasets give them."""
        return sorted(
            {
                referent
                for referent, dataset in self.referents.get(self.entity_row(row), ())
                if visible is None or dataset in visible
            }
        )

    def dataset_mask(self, datasets: Iterable[str]) -> int:
        """The bits standing for these datasets (0 when none is indexed)."""
        mask = 0
        for name in datasets:
            mask |= self.dataset_bit.get(name, 0)
        return mask

    def seen_in(self, row: int, visible: frozenset[str] | None) -> bool:
        """Whether a user who may see ``visible`` datasets (None: all) searches and is
        shown the row (`visible_mask`)."""
        if visible is None:
            return row < self.entity_count
        return bool(self.visible_mask(visible)[row])

    def related_in(self, row: int, visible: frozenset[str] | None) -> list[Relation]:
        """The row's relations a user who may see ``visible`` datasets (None: all) may see:
        the edge recorded in one of them, and the person at its other end too (the row of
        them this user is shown)."""
        chosen: dict[str, Relation] = {}
        for relation in self.relations.get(self.entity_row(row), []):
            # The version of just the edge's datasets the user may see (another agency's
            # version of an edge they share is not this user's); failing one (sharing
            # changed since the index was built), the first of some of them.
            wanted = relation.whole if visible is None else relation.whole & visible
            if relation.datasets == wanted or (
                visible is not None
                and relation.edge_id not in chosen
                and relation.datasets != relation.whole
                and relation.datasets <= visible
            ):
                chosen[relation.edge_id] = relation
        found = []
        for relation in chosen.values():
            other = self.view_row(relation.other, visible)
            if other is not None:
                found.append(
                    replace(relation, other=other) if other != relation.other else relation
                )
        return found

    def caption(self, row: int, visible: frozenset[str] | None = None) -> str:
        """The name the entity goes by (`_caption`, cached per list of names), of the
        names a user who may see ``visible`` datasets is shown (`shown_rows`)."""
        shown = self.shown_rows(row, visible)
        names = (
            self.names[row]
            if len(shown) == 1
            else tuple(sorted({name for r in shown for name in self.names[r]}))
        )
        return _caption(names) or self.ids[row]

    def is_target(self, row: int, visible: frozenset[str] | None = None) -> bool:
        """Whether the entity is listed (a sanction's or a position's topic, or its
        publisher says so), as far as the datasets shown to the user say."""
        return any(self.targets[r] for r in self.shown_rows(row, visible))

    def has_relatives(self, row: int, visible: frozenset[str] | None = None) -> bool:
        """Whether the user is shown any family or associate of the entity."""
        if visible is None:
            return self.entity_row(row) in self.relations
        return bool(self.related_in(row, visible))

    def entity(self, row: int, visible: frozenset[str] | None = None) -> dict[str, Any]:
        """The entity at `row` as yente's entity shape (without nesting), its referents
        those the datasets in ``visible`` give."""
        # In name order: the store's aggregation writes them in whatever order its
        # threads finish, and an exhibit of the same answer must read the same.
        properties = dict(sorted(self.properties(row, visible).items()))
        shown = list(self.shown_rows(row, visible))
        first, last_seen, last_change = (
            self.first_seen_at[shown].min(),
            self.last_seen_at[shown].max(),
            self.changed_at[shown].max(),
        )
        return {
            "id": self.ids[row],
            "caption": self.caption(row, visible),
            "schema": self.schemata[row],
            "properties": properties,
            "datasets": sorted(self.dataset_names(row, visible)),
            "referents": self.referents_of(row, visible),
            "target": self.is_target(row, visible),
            "first_seen": _iso(float(first)),
            "last_seen": _iso(float(last_seen)),
            "last_change": _iso(float(last_change)),
        }

    def _loaded_in(self, row: int, visible: frozenset[str] | None) -> frozenset[str]:
        """The loaded datasets of the row's entity that a user may know of."""
        datasets = self.datasets[self.entity_row(row)]
        return datasets if visible is None else datasets & visible

    def _origins(self, row: int) -> frozenset[str]:
        return self.origins[row] if self.origins else frozenset()

    def dataset_names(self, row: int, visible: frozenset[str] | None = None) -> frozenset[str]:
        """The loaded datasets the entity is in and those its publisher lists it in, as
        far as a user who may see ``visible`` (None: all) may know them."""
        datasets = self._loaded_in(row, visible)
        origins = self._origins(row)
        return datasets | origins if origins else datasets

    def in_datasets(
        self,
        row: int,
        named: frozenset[str] | None,
        excluded: frozenset[str],
        visible: frozenset[str] | None = None,
    ) -> bool:
        """yente's `include_dataset` and `exclude_dataset` for the entity: some name of
        its (loaded or listed by its publisher) is included; and not every loaded one,
        nor every listed one, is excluded (names as `dataset_names` gives them)."""
        if named is not None and self.dataset_names(row, visible).isdisjoint(named):
            return False
        if not excluded:
            return True
        origins = self._origins(row)
        datasets = self._loaded_in(row, visible)
        return not ((datasets and datasets <= excluded) or (origins and origins <= excluded))

    def dataset_filter(
        self, scope: frozenset[str] | None, named: frozenset[str]
    ) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        """yente's `include_dataset` within a path's scope: (loaded datasets to keep,
        checked by their bits at once; names to check entity by entity with
        `in_datasets`, when some name is one a publisher lists entities in)."""
        if not named:
            return scope, None
        if named <= frozenset(self.dataset_bit) and named.isdisjoint(self.origin_names):
            return (named if scope is None else scope & named), None
        return scope, named


@cache
def _country_props(schema: str) -> tuple[str, ...]:
    """The country-typed properties of an FtM schema."""
    found = model.get(schema)
    if found is None:
        return ()
    return tuple(sorted(p.name for p in found.properties.values() if p.type == registry.country))


@lru_cache(maxsize=1 << 16)  # a value per source load, and per publisher timestamp
def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _resolved_people(ids: pa.ChunkedArray, clusters: pa.Table) -> np.ndarray:
    """For each entity id, a code for its resolved person (-1 when unresolved)."""
    if clusters.num_rows == 0:
        return np.full(len(ids), -1, dtype=np.int32)
    people = pc.dictionary_encode(clusters.column("canonical_id")).combine_chunks().indices
    position = pc.index_in(ids, value_set=clusters.column("entity_id"))  # null: unresolved
    codes = pc.fill_null(pc.take(people, position), -1)
    return codes.to_numpy(zero_copy_only=False).astype(np.int32)


def _referents(
    table: pa.Table, ids: pa.ChunkedArray, row_of: dict[str, int]
) -> tuple[dict[int, tuple[tuple[str, str], ...]], dict[str, tuple[tuple[int, str], ...]]]:
    """Each indexed row's (referent, dataset) pairs, and each referent's (row, dataset)
    claims (`ScreeningIndex`); referents of entities not indexed (a sanction, an
    address) are dropped in Arrow before any becomes a Python object."""
    table = table.filter(pc.is_in(table["entity_id"], value_set=ids.combine_chunks()))
    per_row: dict[int, list[tuple[str, str]]] = {}
    claims: dict[str, list[tuple[int, str]]] = {}
    for referent, entity_id, dataset in zip(
        *(table.column(c).to_pylist() for c in ("referent", "entity_id", "dataset")),
        strict=True,
    ):
        row = row_of[entity_id]
        per_row.setdefault(row, []).append((referent, dataset))
        claims.setdefault(referent, []).append((row, dataset))
    return (
        {row: tuple(found) for row, found in per_row.items()},
        {referent: tuple(found) for referent, found in claims.items()},
    )


def _load_times(store: Store) -> np.ndarray:
    """When each source was loaded (epoch seconds), indexed by source id: an entity's
    first and last source numbers are looked up here rather than joined to every
    statement."""
    with store.reader() as reader:
        loads = reader.fetchall("SELECT source_id, epoch(loaded_at) FROM sources")
    loaded = np.zeros(max((source for source, _ in loads), default=0) + 1, dtype=np.float64)
    for source, moment in loads:
        loaded[source] = moment
    return loaded


def _publisher_meta_sql(per_view: bool = False) -> str:
    """What publishers said of each entity (`_apply_publisher_meta`), from the sources
    that load it as a person or company; ``per_view``: of each view's datasets' sources,
    for views given as `_entities_sql` takes them."""
    schemata = ", ".join(f"'{s}'" for s in INDEXED_SCHEMATA)
    if per_view:
        views, key = f"{_VIEWS_CTE},", "view"
        held = "statements JOIN views USING (entity_id, dataset)"
    else:
        views, key, held = "", "entity_id", "statements"
    return f"""
        WITH {views}
        given AS (
            SELECT entity_id, source_id,
                   list_distinct(flatten(list(datasets))) AS origins,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen,
                   max(last_change) AS last_change, bool_or(target) AS target
            FROM entity_meta GROUP BY entity_id, source_id
        ),
        held AS (
            SELECT DISTINCT {key}, entity_id, source_id FROM {held}
            WHERE entity_id IN (SELECT entity_id FROM given) AND schema IN ({schemata})
        )
        SELECT h.{key},
               list_sort(list_distinct(flatten(list(g.origins) FILTER (g.origins IS NOT NULL))))
                   AS origins,
               min(epoch(coalesce(g.first_seen, s.loaded_at))) AS first_seen,
               max(epoch(coalesce(g.last_seen, s.loaded_at))) AS last_seen,
               max(epoch(coalesce(g.last_change, s.loaded_at))) AS last_change,
               coalesce(bool_or(g.target), false) AS target
        FROM held h JOIN sources s USING (source_id)
        LEFT JOIN given g USING (entity_id, source_id)
        GROUP BY h.{key}
    """


def _apply_publisher_meta(
    store: Store,
    row_of: dict[str, int],
    fields: dict[str, Any],
    views: tuple[list[str], list[int], list[str]],
) -> None:
    """Where a publisher gave an entity's datasets, timestamps or target (OpenSanctions'
    exports), use them: per source, the publisher's value, else the load time; an
    entity's first_seen is its earliest, last_seen and last_change its latest. A row of
    some of an entity's datasets (`views`) takes what the sources of those said. Stores
    without such data skip the query's join over statements altogether."""
    with store.reader() as reader:
        if not reader.fetchone("SELECT count(*) FROM entity_meta")[0]:
            return
        said = [
            (row_of.get(entity_id), meta)
            for entity_id, *meta in reader.fetchall(_publisher_meta_sql())
        ]
        if views[0]:
            count = fields["entity_count"]
            said += [
                (count + view, meta)
                for view, *meta in reader.fetchall(_publisher_meta_sql(per_view=True), list(views))
            ]
    shared: dict[frozenset[str], frozenset[str]] = {}
    for row, (names, first, last_seen, last_change, target) in said:
        if row is None:
            continue
        if names:
            found = frozenset(names)
            fields["origins"][row] = shared.setdefault(found, found)
        fields["first_seen_at"][row] = first
        fields["last_seen_at"][row] = last_seen
        fields["changed_at"][row] = last_change
        fields["targets"][row] = fields["targets"][row] or bool(target)
    fields["origin_names"] = frozenset().union(*shared)


def _topics(column: pa.ChunkedArray) -> list[frozenset[str]]:
    """Each entity's FtM topics, one shared set per combination; only the few entities
    that have any are turned into Python values."""
    empty: frozenset[str] = frozenset()
    topics = [empty] * len(column)
    combined = column.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(combined), 0).to_numpy(zero_copy_only=False)
    shared: dict[frozenset[str], frozenset[str]] = {}
    for row in np.flatnonzero(lengths).tolist():
        values = frozenset(combined[row].as_py())
        topics[row] = shared.setdefault(values, values)
    return topics


def store_generation(store: Store) -> tuple[Any, ...]:
    """Changes whenever a load adds a source, a resolution run ends or the datasets some
    kind of user may see change (what the index is built from)."""
    with store.reader() as reader:
        row = reader.fetchone(
            "SELECT count(*), max(source_id), max(loaded_at), "
            "(SELECT max(run_id) FROM resolution_runs) FROM sources"
        )
        views = sorted(tuple(sorted(view)) for view in visible_sets(reader))
    return (*(row or ()), tuple(views))


def _views(
    ids: list[str], datasets: list[list[str]], agencies: frozenset[frozenset[str]]
) -> tuple[list[str], list[int], list[str]]:
    """The shares of each entity several datasets load that get a row: what each agency
    may see of them, when not all (none without users: a single user sees everything);
    as parallel lists of (entity id, view number, dataset) for `_entities_sql`. Views are
    numbered in the entities' order, so view n is row `entity_count + n`."""
    entity_ids, numbers, names = [], [], []
    number = 0
    for entity_id, loaded in zip(ids, datasets, strict=True):
        whole = frozenset(loaded)
        shares = _shares(whole, agencies)
        for share in shares:
            for name in sorted(share):
                entity_ids.append(entity_id)
                numbers.append(number)
                names.append(name)
            number += 1
    return entity_ids, numbers, names


def build_index(store: Store, workers: int | None = None) -> ScreeningIndex:
    """Index every person and company entity in the store, with their relations."""
    started = time.perf_counter()
    generation = store_generation(store)
    with store.reader() as reader:
        entities = reader.arrow(_entities_sql()).combine_chunks()
        edges = reader.arrow(_relations_sql())
        entity_count = entities.num_rows
        # An entity several datasets load (two agencies loading one OpenSanctions id) is
        # also a row of each share of them some user may see, after all the others:
        # what such a user searches and is shown (`ScreeningIndex.seen_in`).
        agencies = visible_sets(reader)  # what each kind of user may see
        several = pc.greater(pc.list_value_length(entities.column("datasets")), 1)
        shared = entities.filter(several)
        views = _views(
            shared.column("id").to_pylist(), shared.column("datasets").to_pylist(), agencies
        )
        if views[0]:
            per_view = reader.arrow(_entities_sql(per_view=True), list(views))
            entities = pa.concat_tables([entities, per_view]).combine_chunks()
    ids = entities.column("id").to_pylist()
    schemata = entities.column("schema").to_pylist()
    person_schemata = set(PERSON_SCHEMATA)
    is_person = [s in person_schemata for s in schemata]
    identifier_lists = entities.column("identifiers").to_pylist()
    # Distinct (name, is_person) → its keys, once each, on every core.
    name_lists = entities.column("names").to_pylist()
    name_id_of: dict[tuple[str, bool], int] = {}
    name_rows: list[int] = []
    name_ids: list[int] = []
    for row, names in enumerate(name_lists):
        for name in names or ():
            name_rows.append(row)
            name_ids.append(name_id_of.setdefault((name, is_person[row]), len(name_id_of)))
    keyed = list(name_id_of)
    # Workers return keys in name order and chunks are consecutive: no sort needed.
    count_parts, hash_parts = [], []
    for _, (name_counts, hashes) in map_chunks(_hash_chunk, keyed, workers):
        count_parts.append(name_counts)
        hash_parts.append(hashes)
    counts = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int32)
    key_value = np.concatenate(hash_parts) if hash_parts else np.zeros(0, np.int64)
    del count_parts, hash_parts
    row_bits = max(1, len(ids).bit_length())
    key_value &= (1 << (63 - row_bits)) - 1

    # Each entity holds the keys of each of its names: (entity, name) rows expanded by
    # the name's keys, packed as hash << row_bits | row, a slice of rows at a time.
    starts = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)[:-1]))
    entity_name = np.asarray(name_ids, dtype=np.int64)
    entity_row = np.asarray(name_rows, dtype=np.int64)
    del name_ids, name_rows, name_id_of, keyed
    id_packed = np.asarray(
        [
            ((identifier_hash(value) & ((1 << (63 - row_bits)) - 1)) << row_bits) | row
            for row, values in enumerate(identifier_lists)
            for value in values or ()
        ],
        dtype=np.int64,
    )
    # Written into one array as they are made: slices and then their concatenation
    # would hold every posting twice at the build's peak.
    packed = np.empty(int(counts[entity_name].sum(dtype=np.int64)) + id_packed.size, np.int64)
    at = 0
    for a in range(0, entity_name.size, _EXPAND_SLICE):
        names_here = entity_name[a : a + _EXPAND_SLICE]
        per = counts[names_here]
        rows = np.repeat(entity_row[a : a + _EXPAND_SLICE], per)
        first = np.repeat(starts[names_here], per)
        within = np.arange(rows.size) - np.repeat(np.cumsum(per) - per, per)
        np.bitwise_or(key_value[first + within] << row_bits, rows, out=packed[at : at + rows.size])
        at += rows.size
    del key_value, counts, starts
    packed[at:] = id_packed
    del id_packed
    packed = distinct(packed, in_place=True)
    postings = Postings.from_packed(packed, row_bits)
    del packed

    shared: dict[frozenset[str], frozenset[str]] = {}  # one set object per combination
    nothing: frozenset[str] = frozenset()
    years = entities.column("birth_year").to_numpy(zero_copy_only=False)
    loaded = _load_times(store)
    fields = {
        "ids": ids,
        "schemata": schemata,
        "datasets": [
            shared.setdefault(frozenset(d or ()), frozenset(d or ()))
            for d in entities.column("datasets").to_pylist()
        ],
        # With a tag per identity card's kind ("card idNumber:8A9", interned: a few kinds
        # for a million entities), which no normalised number can equal.
        "identifiers": [
            frozenset([normal_identifier(v) for v in values] + [card_tag(k) for k in kinds or ()])
            if values
            else nothing
            for values, kinds in zip(
                identifier_lists, entities.column("cards").to_pylist(), strict=True
            )
        ],
        "targets": [bool(t) for t in entities.column("target").to_pylist()],
        "topics": _topics(entities.column("topics")),
        "first_seen_at": loaded[entities.column("first_source").to_numpy().astype(np.int64)],
        "changed_at": loaded[entities.column("last_source").to_numpy().astype(np.int64)],
        "birth_dates": entities.column("birth_date").to_pylist(),
        "several_birth_dates": {
            row: tuple(dates)
            for row, dates in enumerate(entities.column("birth_date_list").to_pylist())
            if dates
        },
        "genders": entities.column("gender").to_pylist(),
        "home_systems": entities.column("home_systems").to_numpy().astype(np.int8),
    }
    birth_years = np.nan_to_num(years.astype(np.float64), nan=0).astype(np.int32)
    last_years = entities.column("birth_year_max").to_numpy(zero_copy_only=False)
    fields["last_birth_years"] = np.nan_to_num(last_years.astype(np.float64), nan=0).astype(
        np.int32
    )
    # Read after the key workers are done, so that they do not carry it.
    with store.reader() as reader:
        clusters = reader.arrow("SELECT entity_id, canonical_id FROM clusters")
    fields["people"] = _resolved_people(entities.column("id"), clusters)
    del clusters
    dataset_bit: dict[str, int] = {}
    for combination in shared:
        for name in sorted(combination):
            dataset_bit.setdefault(name, 1 << min(len(dataset_bit), _OVERFLOW_BIT))
    bits_of = {}
    for combination in shared:
        bits = 0
        for name in combination:
            bits |= dataset_bit[name]
        bits_of[combination] = bits
    fields["dataset_bits"] = np.fromiter(
        (bits_of[c] for c in fields["datasets"]), dtype=np.int64, count=len(ids)
    )
    fields["dataset_bit"] = dataset_bit

    id_column = entities.column("id")
    entities = entities.select(["properties"])  # the rest is held as Python values now
    row_of = {entity_id: row for row, entity_id in enumerate(ids[:entity_count])}
    fields["origins"] = [nothing] * len(ids)
    fields["last_seen_at"] = fields["changed_at"].copy()
    fields["entity_count"] = entity_count
    fields["split_parent"] = np.array(
        [row_of[entity_id] for entity_id in ids[entity_count:]], dtype=np.int64
    )
    _apply_publisher_meta(store, row_of, fields, views)
    with store.reader() as reader:
        fields["referents"], fields["referent_rows"] = _referents(
            reader.arrow(
                "SELECT DISTINCT referent, entity_id, dataset FROM referents ORDER BY ALL"
            ),
            id_column,
            row_of,
        )

    relations: dict[int, list[Relation]] = {}
    edge_sets: dict[frozenset[str], frozenset[str]] = {}  # one set object per combination
    told = list(zip(*(edges.column(c).to_pylist() for c in edges.column_names), strict=True))
    versions = _edge_versions(told, agencies)
    for edge_id, schema, person, relative, relationship, version, whole in versions:
        recorded = edge_sets.setdefault(version, version)
        whole = edge_sets.setdefault(whole, whole)
        a, b = row_of.get(person or ""), row_of.get(relative or "")
        if a is None or b is None or a == b:
            continue
        # The edge says the relative is the person's `relationship` (their spouse, child).
        label = _relationship_label(relationship) or (
            "associate" if schema == "Associate" else "relative"
        )
        inverse = _INVERSE.get(label, "relative" if schema == "Family" else "associate")
        far = "associate" if schema == "Associate" else "relative"
        relations.setdefault(a, []).append(
            Relation(b, label, inverse, edge_id, schema, "person", far, recorded, whole)
        )
        relations.setdefault(b, []).append(
            Relation(a, inverse, label, edge_id, schema, far, "person", recorded, whole)
        )

    return ScreeningIndex(
        entities=entities,
        birth_years=birth_years,
        postings_table=postings,
        relations=relations,
        generation=generation,
        built_seconds=time.perf_counter() - started,
        row_of=row_of,
        names=[tuple(n) if n else () for n in name_lists],
        **fields,
    )


def matchable_schemata(schema_name: str) -> frozenset[str]:
    """The indexed schemata a query of this schema can match (yente's rule: either is
    a kind of the other, and both can be matched)."""
    schema = model.get(schema_name)
    if schema is None:
        return frozenset()
    return frozenset(
        s
        for s in INDEXED_SCHEMATA
        if (other := model.get(s)) is not None and (other.is_a(schema) or schema.is_a(other))
    )
