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

if TYPE_CHECKING:
    from nohaven.store import Store

Attributes = Mapping[str, frozenset[str]]
# Attributes whose several values on one record are alternatives, one of them true (a
# sanctions list's "DOB 1960; alt. DOB 1961"); several Han names are all the person's.
ALTERNATIVES = frozenset({"birth_year"})


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
        """No single-valued attribute known on both sides with nothing in common."""
        left, right = self._values(a), self._values(b)
        return all(
            left[name].isdisjoint(right[name]) is False for name in left.keys() & right.keys()
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
    for item in ids:
        groups.find(item)
    for left, right in different:
        groups.forbid(left, right)
    for left, right in same:
        groups.merge(left, right, force=True)
    strong = [p for p in pairs if p[2] >= threshold]
    for left, right, _ in sorted(strong, key=lambda p: (-p[2], p[0], p[1])):
        groups.merge(left, right)
    return {item: groups.find(item) for item in list(groups.parent)}


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
        members.setdefault(root, []).append(item)
    taken: set[str] = set()
    out: dict[str, str] = {}
    groups = sorted(members.values(), key=lambda group: (-len(group), min(group)))
    for group in groups:
        chosen: str | None
        if len(group) == 1:  # most records of a million: no vote to count
            chosen = previous.get(group[0])
            chosen = None if chosen in taken else chosen
        else:
            votes = Counter(previous[m] for m in group if m in previous)
            chosen = next(
                (
                    cid
                    for cid, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0]))
                    if cid not in taken
                ),
                None,
            )
        if chosen is None:
            chosen = mint_canonical_id(group)
            while chosen in taken:
                chosen = mint_canonical_id([chosen])
        taken.add(chosen)
        for item in group:
            out[item] = chosen
    return out


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
    sizes = Counter(representative.values())
    undated = set(undated)
    targets: dict[str, set[str]] = {}
    for left, right in name_links:
        a, b = representative[left], representative[right]
        if a == b:
            continue
        targets.setdefault(left, set()).add(b)
        targets.setdefault(right, set()).add(a)
    return [
        (record, next(iter(clusters)))
        for record, clusters in sorted(targets.items())
        if len(clusters) == 1 and sizes[representative[record]] == 1 and record in undated
    ]


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
