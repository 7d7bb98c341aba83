"""Clustering scored pairs into canonical entities, under investigators' judgements.

Pairs are merged strongest first (single linkage, like connected components at a
threshold), except that two groups are never merged when an investigator has judged
any record of one *different* from any record of the other, or when the merged group
would hold two different Han names or birth years; pairs judged *same* are merged
whatever the model says. Canonical ids are carried over from the previous run, so
an id cited in a case keeps meaning the same person after a re-run.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from nohaven.arrays import distinct

if TYPE_CHECKING:
    from nohaven.store import Store

Attributes = Mapping[str, frozenset[str]]
# Attributes whose several values on one record are alternatives, one of them true (a
# sanctions list's "DOB 1960; alt. DOB 1961"); several Han names are all the person's.
ALTERNATIVES = frozenset({"birth_year"})


CARD = "card "  # attributes named "card <kind>": a person's identity card numbers


def _one_slip_apart(left: set[str], right: set[str]) -> bool:
    """Whether some number of one side and some of the other differ in one character
    only: a keying error, not two cards."""
    return any(
        len(x) == len(y) and sum(c != d for c, d in zip(x, y, strict=True)) == 1
        for x in left
        for y in right
    )


class _Groups:
    """Union-find over record ids with cannot-link constraints and, per group, the values
    of attributes a person has only one of (Han name, birth year)."""

    def __init__(self, attributes: Mapping[str, Attributes]) -> None:
        self.parent: dict[str, str] = {}
        self.forbidden: dict[str, set[str]] = {}
        self.attributes = attributes
        # A group's values, made from its records' attributes when it first merges: most
        # of a million records never do.
        self.values: dict[str, dict[str, set[str]]] = {}

    def _values(self, root: str) -> dict[str, set[str]]:
        values = self.values.get(root)
        if values is None:
            attrs = self.attributes.get(root, {})
            values = self.values[root] = {name: set(v) for name, v in attrs.items() if v}
        return values

    def consistent(self, a: str, b: str) -> bool:
        """No single-valued attribute known on both sides with nothing in common (two
        identity card numbers one keyed character apart are one card)."""
        left, right = self._values(a), self._values(b)
        return all(
            not left[name].isdisjoint(right[name])
            or (name.startswith(CARD) and _one_slip_apart(left[name], right[name]))
            for name in left.keys() & right.keys()
        )

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while self.parent[root] != root:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def forbid(self, left: str, right: str) -> None:
        self.forbidden.setdefault(self.find(left), set()).add(right)
        self.forbidden.setdefault(self.find(right), set()).add(left)

    def may_merge(self, a: str, b: str) -> bool:
        return not any(self.find(x) == b for x in self.forbidden.get(a, ())) and not any(
            self.find(x) == a for x in self.forbidden.get(b, ())
        )

    def merge(self, left: str, right: str, *, force: bool = False) -> bool:
        a, b = self.find(left), self.find(right)
        if a == b:
            return True
        if not force and not (self.may_merge(a, b) and self.consistent(a, b)):
            return False
        self.parent[b] = a
        moved = self.forbidden.pop(b, set())
        if moved:
            self.forbidden.setdefault(a, set()).update(moved)
        merged = self._values(a)
        for name, values in self._values(b).items():
            if name in merged and name in ALTERNATIVES and not force:
                merged[name] &= values  # the years both allow: no chain 1960, 1960-61, 1961
            else:
                merged.setdefault(name, set()).update(values)
        del self.values[b]
        return True


def cluster_pairs(
    ids: Iterable[str],
    pairs: Sequence[tuple[str, str, float]],
    threshold: float,
    same: Iterable[tuple[str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
    attributes: Mapping[str, Attributes] | None = None,
) -> dict[str, str]:
    """Map every id to a representative member of its cluster.

    `pairs` are (left, right, probability); those at or above `threshold` merge, in
    descending probability, unless a `different` judgement separates the two groups or
    the merge would give one person two Han names or two birth years (`attributes`:
    per record, attribute → values). This is what stops single linkage from chaining
    namesakes into one giant cluster.
    """
    groups = _Groups(attributes or {})
    for left, right in different:
        groups.forbid(left, right)
    for left, right in same:
        groups.merge(left, right, force=True)
    strong = [p for p in pairs if p[2] >= threshold]
    for left, right, _ in sorted(strong, key=lambda p: (-p[2], p[0], p[1])):
        groups.merge(left, right)
    # Most records of a million never merge: they are their own representative, and
    # only the records a merge or judgement touched are looked up.
    parent, find = groups.parent, groups.find
    out = {item: item for item in ids}
    out.update((item, find(item)) for item in list(parent))
    return out


def mint_canonical_id(members: Iterable[str]) -> str:
    """A new canonical id, derived from the cluster's smallest member id."""
    digest = hashlib.sha1(min(members).encode("utf-8")).hexdigest()[:16]
    return f"nh-{digest}"


def stable_canonical_ids(
    representative: Mapping[str, str], previous: Mapping[str, str]
) -> dict[str, str]:
    """Canonical id per record: each cluster keeps the previous id most of its members
    had (largest clusters choose first); clusters with none get a new one."""
    members: dict[str, list[str]] = {}
    for item, root in representative.items():
        if item != root:
            members.setdefault(root, []).append(item)
    # Most records of a million are alone: they choose last, in the order of their ids,
    # sorted as strings rather than as one-record groups.
    alone: list[str] = []
    for item, root in representative.items():
        if item == root:
            group = members.get(item)
            if group is None:
                alone.append(item)
            else:
                group.append(item)
    groups = []
    for group in members.values():
        if len(group) == 1:
            alone.extend(group)
        else:
            groups.append(group)
    taken: set[str] = set()
    out: dict[str, str] = {}
    for group in sorted(groups, key=lambda group: (-len(group), min(group))):
        votes = Counter(previous[m] for m in group if m in previous)
        ranked = sorted(votes.items(), key=lambda v: (-v[1], v[0]))
        chosen = next((cid for cid, _ in ranked if cid not in taken), None)
        if chosen is None:
            chosen = _new_id(group, taken)
        taken.add(chosen)
        for item in group:
            out[item] = chosen
    for item in sorted(alone):
        chosen = previous.get(item)
        if chosen is None or chosen in taken:
            chosen = _new_id((item,), taken)
        taken.add(chosen)
        out[item] = chosen
    return out


def _new_id(members: Iterable[str], taken: set[str]) -> str:
    """A canonical id for a cluster no previous id fits, different from every id taken."""
    chosen = mint_canonical_id(members)
    while chosen in taken:
        chosen = mint_canonical_id([chosen])
    return chosen


def attach_by_unique_name(
    representative: Mapping[str, str],
    name_links: Iterable[tuple[str, str]],
    undated: Iterable[str],
) -> list[tuple[str, str]]:
    """Links that attach a lone record to the one cluster its name points to.

    A record with no birth date (a deed, a land title) can only be placed by its name.
    When every record sharing its exact name reading lies in one cluster, no namesake is
    known and the record joins that cluster; when two clusters share the name, it stays
    alone for review. This is term frequency counted over clusters, not records.
    """
    # Records and clusters as integers: a million links are then a few array operations.
    code = dict(zip(representative, range(len(representative)), strict=True))
    for root in set(representative.values()) - code.keys():
        code[root] = len(code)
    names = list(code)
    root_of = np.arange(len(code))
    root_of[: len(representative)] = np.fromiter(
        map(code.__getitem__, representative.values()), np.int64, len(representative)
    )
    sizes = np.bincount(root_of[: len(representative)], minlength=len(code))
    # Only a record alone in its cluster and without a birth date can be attached.
    movable = np.zeros(len(code), bool)
    movable[[code[r] for r in undated if r in code]] = True
    movable &= sizes[root_of] == 1
    links = list(name_links)
    left = np.fromiter(map(code.__getitem__, (x for x, _ in links)), np.int64, len(links))
    right = np.fromiter(map(code.__getitem__, (y for _, y in links)), np.int64, len(links))
    left_root, right_root = root_of[left], root_of[right]
    apart = left_root != right_root
    from_left, from_right = apart & movable[left], apart & movable[right]
    record = np.concatenate([left[from_left], right[from_right]])
    cluster = np.concatenate([right_root[from_left], left_root[from_right]])
    pair = distinct(record * len(names) + cluster)  # each (record, cluster) once
    record, cluster = np.divmod(pair, len(names))
    found, count = np.unique(record, return_counts=True)
    single = set(found[count == 1].tolist())
    return sorted(
        (names[r], names[c])
        for r, c in zip(record.tolist(), cluster.tolist(), strict=True)
        if r in single
    )


def cluster_and_attach(
    ids: Iterable[str],
    pairs: Sequence[tuple[str, str, float]],
    threshold: float,
    name_links: Iterable[tuple[str, str]],
    undated: Iterable[str],
    same: Iterable[tuple[str, str]] = (),
    different: Iterable[tuple[str, str]] = (),
    attributes: Mapping[str, Attributes] | None = None,
) -> tuple[dict[str, str], int]:
    """`cluster_pairs`, then lone undated records attached to the one cluster their name
    points to (`attach_by_unique_name`); the representatives and how many attached.

    The attachments join at the threshold, after every pair that merged before them, so
    one whose Han name, birth year or identity card the cluster contradicts is refused
    rather than joining first and keeping the cluster's own records out."""
    ids, same, different = list(ids), list(same), list(different)
    options = {"same": same, "different": different, "attributes": attributes}
    representative = cluster_pairs(ids, pairs, threshold, **options)
    attached = attach_by_unique_name(representative, name_links, undated)
    if attached:
        links = [(record, root, threshold) for record, root in attached]
        representative = cluster_pairs(ids, [*pairs, *links], threshold, **options)
    return representative, len(attached)


def members_of(store: Store, entity_id: str) -> tuple[str, list[str]]:
    """The resolved entity a record or canonical id belongs to, and its records (the
    id alone when it was never clustered)."""
    row = store.fetchone(
        "SELECT canonical_id FROM clusters WHERE entity_id = ? OR canonical_id = ? LIMIT 1",
        [entity_id, entity_id],
    )
    canonical = row[0] if row else entity_id
    members = [
        m
        for (m,) in store.fetchall(
            "SELECT entity_id FROM clusters WHERE canonical_id = ? ORDER BY entity_id",
            [canonical],
        )
    ]
    return canonical, members or [entity_id]
