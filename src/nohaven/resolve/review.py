"""The review queue and cluster export: what investigators look at after a run.

Open pairs are those the model was least sure of and no one has judged yet. Pairs that
touch an official's family come first, since a wrong merge or a missed link there
changes a case; then the most uncertain (probability nearest the merge threshold).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nohaven.declarations.filings import declared_family, family_edges, with_mates
from nohaven.errors import NohavenError
from nohaven.output import SafeCsvWriter, atomic_text
from nohaven.store.store import Store


@dataclass(frozen=True)
class ReviewPair:
    left_id: str
    right_id: str
    left_names: list[str]
    right_names: list[str]
    match_probability: float
    evidence: str
    family_of_official: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def official_family_records() -> str:
    """(entity_id): the records of officials and of their families, and every record
    resolution put in a cluster with one. An official is someone who files declarations
    or whom a source flags with a topic (role.pep, sanction, crime...); the family, the
    relatives their declarations or Family records name. A post alone ("teacher" in a
    civil registry) makes no official, nor a family link between two strangers to the
    case."""
    flagged = """
        SELECT official_id AS id FROM declarations
        UNION SELECT entity_id FROM statements WHERE prop = 'topics'
    """
    officials = with_mates(flagged, "id")
    relatives = f"""
        WITH edges AS ({family_edges()}),
        officials AS (SELECT DISTINCT record_id FROM ({officials}))
        SELECT relative AS id FROM edges JOIN officials ON person = record_id
        UNION SELECT person FROM edges JOIN officials ON relative = record_id
        UNION SELECT person_id FROM ({declared_family("SELECT * FROM declarations")})
        WHERE person_id IS NOT NULL
    """
    return f"""
        SELECT record_id AS entity_id FROM ({officials})
        UNION SELECT record_id FROM ({with_mates(relatives, "id")})
    """


def open_pairs(
    store: Store, *, limit: int = 50, threshold: float | None = None
) -> list[ReviewPair]:
    """Unjudged scored pairs, an official's family first, then the least certain."""
    if limit < 1:
        raise NohavenError("limit must be at least 1")
    if threshold is None:
        row = store.fetchone(
            "SELECT CAST(json_extract(summary, '$.threshold') AS DOUBLE) FROM resolution_runs "
            "ORDER BY run_id DESC LIMIT 1"
        )
        if row is None:
            raise NohavenError("nothing resolved yet: run `nohaven resolve` first")
        threshold = float(row[0])
    rows = store.fetchall(
        f"""
        WITH family AS ({official_family_records()}),
        judged AS (SELECT DISTINCT left_id, right_id FROM judgements),
        names AS (
            SELECT entity_id, list_sort(list(DISTINCT value)) AS names FROM statements
            WHERE prop IN ('name', 'alias') GROUP BY entity_id
        )
        SELECT p.left_id, p.right_id, coalesce(ln.names, []), coalesce(rn.names, []),
               p.match_probability, p.evidence,
               (p.left_id IN (SELECT entity_id FROM family)
                OR p.right_id IN (SELECT entity_id FROM family)) AS family_of_official
        FROM resolution_pairs p
        LEFT JOIN names ln ON ln.entity_id = p.left_id
        LEFT JOIN names rn ON rn.entity_id = p.right_id
        WHERE NOT EXISTS (
            SELECT 1 FROM judged j WHERE j.left_id = p.left_id AND j.right_id = p.right_id)
        ORDER BY family_of_official DESC, abs(p.match_probability - ?), p.left_id, p.right_id
        LIMIT ?
        """,
        [threshold, limit],
    )
    return [ReviewPair(*row) for row in rows]


def export_clusters(store: Store, path: Path) -> int:
    """Write entity_id,canonical_id for every resolved record; returns the row count."""
    rows = store.fetchall("SELECT entity_id, canonical_id FROM clusters ORDER BY entity_id")
    if not rows:
        raise NohavenError("nothing resolved yet: run `nohaven resolve` first")
    with atomic_text(path) as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(["entity_id", "canonical_id"])
        writer.writerows(rows)
    return len(rows)
