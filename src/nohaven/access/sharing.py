"""Datasets belong to an agency and are shared with others; a signed-in user sees the
datasets of their agency and those shared with it. Datasets loaded with no agency
(before sharing was set up) are seen by admins only."""

from __future__ import annotations

from nohaven.access.users import User
from nohaven.errors import NohavenError
from nohaven.store import Store


def record_ownership(store: Store, datasets: list[str], agency: str, share_with: list[str]) -> None:
    """The agency owns the datasets and shares them with the others; a dataset owned by
    another agency is refused (sharing is the owner's to change)."""
    with store.transaction():
        for dataset in sorted(set(datasets)):
            owner = store.fetchone(
                "SELECT agency FROM dataset_access WHERE dataset = ? AND owner", [dataset]
            )
            if owner is not None and owner[0] != agency:
                raise NohavenError(f"dataset {dataset!r} belongs to agency {owner[0]!r}")
            store.execute(
                "INSERT OR REPLACE INTO dataset_access VALUES (?, ?, true)", [dataset, agency]
            )
            for other in sorted(set(share_with) - {agency}):
                store.execute(
                    "INSERT OR IGNORE INTO dataset_access VALUES (?, ?, false)", [dataset, other]
                )


# The rule, for each seat (agency, whether an admin): the loaded datasets the agency owns
# or is shared, and for an admin those no agency owns.
_VISIBLE_SQL = """
    WITH seats AS ({seats}), loaded AS (SELECT DISTINCT dataset FROM sources)
    SELECT s.agency, s.admin, l.dataset FROM seats s, loaded l
    WHERE l.dataset IN (SELECT dataset FROM dataset_access a WHERE a.agency = s.agency)
       OR (s.admin AND l.dataset NOT IN (SELECT dataset FROM dataset_access))
"""


def visible_datasets(store: Store, user: User | None) -> frozenset[str] | None:
    """The datasets a user may see: None (all) in local single-user mode."""
    if user is None:
        return None
    seat = "SELECT ?::VARCHAR AS agency, ?::BOOLEAN AS admin"
    rows = store.fetchall(_VISIBLE_SQL.format(seats=seat), [user.agency, user.role == "admin"])
    return frozenset(dataset for _, _, dataset in rows)


def visible_sets(store: Store) -> frozenset[frozenset[str]]:
    """The datasets each kind of user (agency, and whether an admin) may see, in one
    query; none without users."""
    seats = "SELECT DISTINCT agency, role = 'admin' AS admin FROM users"
    found: dict[tuple[str, bool], set[str]] = {}
    for agency, admin, dataset in store.fetchall(_VISIBLE_SQL.format(seats=seats)):
        found.setdefault((agency, admin), set()).add(dataset)
    return frozenset(frozenset(datasets) for datasets in found.values())
