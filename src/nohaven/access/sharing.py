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


def visible_datasets(store: Store, user: User | None) -> frozenset[str] | None:
    """The datasets a user may see: None (all) in local single-user mode."""
    if user is None:
        return None
    rows = store.fetchall(
        """
        SELECT DISTINCT dataset FROM sources
        WHERE dataset IN (SELECT dataset FROM dataset_access WHERE agency = ?)
           OR (? AND dataset NOT IN (SELECT dataset FROM dataset_access))
        """,
        [user.agency, user.role == "admin"],
    )
    return frozenset(r[0] for r in rows)
