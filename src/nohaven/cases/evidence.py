"""Everything a dossier shows, gathered from the store for one case: who the subjects
are and which records prove it, their family, what they hold and how, the traces under
each rule, the alerts and declaration findings, the sources and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from nohaven.cases import audit
from nohaven.cases.records import Case, get_case
from nohaven.store import Store

# Pairs below this are not shown as identity evidence: such records are joined to the
# others through stronger pairs.
_SHOWN_PAIR = 0.5
# How far ownership is followed through companies to what they hold.
_CHAIN_DEPTH = 4


@dataclass
class Record:
    """One source record of a subject: where it is from and what it says."""

    entity_id: str
    schema: str
    dataset: str
    names: list[tuple[str, str | None]]  # (value, original value)
    facts: dict[str, list[str]]
    source: str


@dataclass
class Subject:
    """A resolved person or company: its records, and why they are one."""

    entity_id: str
    canonical_id: str
    role: str
    name: str
    schema: str
    records: list[Record] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)  # scored pairs among records
    family: list[dict[str, Any]] = field(default_factory=list)
    holdings: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Dossier:
    """A case with its evidence, ready to render."""

    case: Case
    generated_at: dt.datetime
    subjects: list[Subject]
    alerts: list[dict[str, Any]]
    declarations: list[dict[str, Any]]
    traces: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    trail: list[dict[str, Any]]
    cited: set[str]  # entity ids the bundle carries


def gather(store: Store, case_id: str) -> Dossier:
    """The case's evidence from the store (traces are added by the dossier writer,
    which also writes their schedules)."""
    case = get_case(store, case_id)
    cited: set[str] = set()
    subjects = [subject_evidence(store, s["entity_id"], s["role"], cited) for s in case.subjects]
    findings = {
        kind: [f for f in case.findings if f["kind"] == kind] for kind in ("alert", "declaration")
    }
    return Dossier(
        case=case,
        generated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
        subjects=subjects,
        alerts=[f["details"] | {"finding_id": f["finding_id"]} for f in findings["alert"]],
        declarations=[
            f["details"] | {"finding_id": f["finding_id"]} for f in findings["declaration"]
        ],
        traces=[],
        sources=_sources(store),
        trail=audit.entries(store, case_id),
        cited=cited,
    )


def subject_evidence(
    store: Store,
    entity_id: str,
    role: str,
    cited: set[str],
) -> Subject:
    """A person or company with its records, the pairs that joined them, family,
    holdings and accounts (what a dossier and an entity page show; for a user of an
    agency, run it on `access.scope.scoped`'s view)."""
    from nohaven.resolve.cluster import members_of

    canonical, members = members_of(store, entity_id)
    records = [_record(store, m) for m in members]
    records = [r for r in records if r is not None]
    cited.update(members)
    name = _display_name([n for r in records for n, _ in r.names], entity_id)
    subject = Subject(
        entity_id=entity_id,
        canonical_id=canonical,
        role=role,
        name=name,
        schema=records[0].schema if records else "Thing",
        records=records,
    )
    subject.links = _links(store, members, records)
    subject.family = _family(store, members, cited)
    subject.holdings = _holdings(store, members, cited)
    subject.accounts = [
        {"account": a, "bank": b, "country": c, "kind": k, "source": p}
        for a, b, c, k, p in store.fetchall(
            "SELECT DISTINCT a.account, a.bank, a.country, a.kind, s.path FROM accounts a "
            "JOIN sources s USING (source_id) "
            "WHERE a.holder IN (SELECT unnest(?)) ORDER BY a.account",
            [[*members, canonical]],
        )
    ]
    return subject


def _display_name(names: list[str], fallback: str) -> str:
    """The name a foreign reader can say, with the Han form beside it when there is
    one: 李健善 (LI JIANSHAN)."""
    han = next((n for n in names if any("\u4e00" <= c <= "\u9fff" for c in n)), None)
    latin = next((n for n in names if n.isascii()), None)
    if han and latin:
        return f"{han} ({latin})"
    return han or latin or (names[0] if names else fallback)


def _record(store: Store, entity_id: str) -> Record | None:
    rows = store.fetchall(
        "SELECT s.schema, s.prop, s.value, s.original_value, s.dataset, src.path, s.record "
        "FROM statements s JOIN sources src USING (source_id) WHERE s.entity_id = ? "
        "ORDER BY s.prop, s.value",
        [entity_id],
    )
    if not rows:
        return None
    names: list[tuple[str, str | None]] = []
    facts: dict[str, list[str]] = {}
    for _, prop, value, original, _, _, _ in rows:
        if prop == "name":
            names.append((value, original if original and original != value else None))
        elif prop in (
            "birthDate",
            "nationality",
            "country",
            "idNumber",
            "passportNumber",
            "registrationNumber",
            "gender",
            "address",
            "position",
            "incorporationDate",
        ):
            facts.setdefault(prop, []).append(value)
    schema, _, _, _, dataset, path, record = rows[0]
    return Record(entity_id, schema, dataset, names, facts, f"{path} (record {record})")


def _links(store: Store, members: list[str], records: list[Record]) -> list[dict[str, Any]]:
    """The scored pairs that put the records together, with the name match explained
    (which characters matched which romanisation)."""
    from nohaven.names import compare_names

    if len(members) < 2:
        return []
    name_of = {r.entity_id: r.names[0][0] for r in records if r.names}
    rows = store.fetchall(
        "SELECT left_id, right_id, match_probability, evidence FROM resolution_pairs "
        "WHERE left_id IN (SELECT unnest(?)) AND right_id IN (SELECT unnest(?)) "
        "AND match_probability >= ? "
        "ORDER BY match_probability DESC, left_id, right_id LIMIT 40",
        [members, members, _SHOWN_PAIR],
    )
    links = []
    for left, right, probability, evidence in rows:
        explained = None
        if left in name_of and right in name_of:
            explained = compare_names(name_of[left], name_of[right]).explain()
        links.append(
            {
                "left": left,
                "right": right,
                "left_name": name_of.get(left),
                "right_name": name_of.get(right),
                "probability": probability,
                "evidence": evidence,
                "names": explained,
            }
        )
    return links


def _family(store: Store, members: list[str], cited: set[str]) -> list[dict[str, Any]]:
    rows = store.fetchall(
        """
        SELECT f.entity_id, p.value AS person, r.value AS relative, k.value AS relationship,
               src.path || ' (record ' || f.record || ')' AS source
        FROM statements f
        JOIN sources src ON src.source_id = f.source_id
        JOIN statements p ON p.entity_id = f.entity_id AND p.prop = 'person'
        JOIN statements r ON r.entity_id = f.entity_id AND r.prop = 'relative'
        LEFT JOIN statements k ON k.entity_id = f.entity_id AND k.prop = 'relationship'
        WHERE f.schema = 'Family' AND f.prop = 'id'
          AND (p.value IN (SELECT unnest(?)) OR r.value IN (SELECT unnest(?)))
        ORDER BY f.entity_id
        """,
        [members, members],
    )
    family = []
    inside = set(members)
    for link_id, person, relative, relationship, source in rows:
        other = relative if person in inside else person
        cited.update((link_id, other))
        family.append(
            {
                "link": link_id,
                "relative": other,
                "name": _name(store, other),
                "relationship": relationship or "relative",
                "direction": "of the subject" if person in inside else "the subject is theirs",
                "source": source,
            }
        )
    return family


def _holdings(store: Store, members: list[str], cited: set[str]) -> list[dict[str, Any]]:
    """What the subject owns, directly or through companies it owns, as chains."""
    holdings: list[dict[str, Any]] = []
    frontier = [(m, [m]) for m in members]
    seen = set(members)
    for _ in range(_CHAIN_DEPTH):
        if not frontier:
            break
        owners = [owner for owner, _ in frontier]
        rows = store.fetchall(
            """
            SELECT o.entity_id, ow.value AS owner, a.value AS asset,
                   max(pct.value) AS percentage, max(st.value) AS since,
                   min(src.path || ' (record ' || o.record || ')') AS source
            FROM statements o
            JOIN sources src ON src.source_id = o.source_id
            JOIN statements ow ON ow.entity_id = o.entity_id AND ow.prop = 'owner'
            JOIN statements a ON a.entity_id = o.entity_id AND a.prop = 'asset'
            LEFT JOIN statements pct ON pct.entity_id = o.entity_id AND pct.prop = 'percentage'
            LEFT JOIN statements st ON st.entity_id = o.entity_id AND st.prop = 'startDate'
            WHERE o.schema = 'Ownership' AND o.prop = 'id' AND ow.value IN (SELECT unnest(?))
            GROUP BY ALL ORDER BY 2, 3
            """,
            [owners],
        )
        paths = dict(frontier)
        frontier = []
        for link_id, owner, asset, percentage, since, source in rows:
            cited.update((link_id, asset))
            chain = [*paths[owner], asset]
            described = _describe(store, asset)
            holdings.append(
                {
                    "asset": asset,
                    "chain": [_name(store, e) for e in chain],
                    "through": len(chain) - 2,
                    "percentage": percentage,
                    "since": since,
                    "source": source,
                    **described,
                }
            )
            if asset not in seen and described["schema"] not in ("RealEstate",):
                seen.add(asset)
                frontier.append((asset, chain))
    return holdings


def _describe(store: Store, entity_id: str) -> dict[str, Any]:
    rows = store.fetchall(
        "SELECT schema, prop, value FROM statements WHERE entity_id = ? "
        "AND prop IN ('name', 'address', 'amount', 'currency', 'country', 'jurisdiction') "
        "ORDER BY prop, value",
        [entity_id],
    )
    info: dict[str, Any] = {"schema": rows[0][0] if rows else "Thing"}
    for _, prop, value in rows:
        info.setdefault(prop, value)
    # Property is known by its address, anything else by its name.
    first = ("address", "name") if info["schema"] == "RealEstate" else ("name", "address")
    info["label"] = info.get(first[0]) or info.get(first[1]) or entity_id
    return info


def _name(store: Store, entity_id: str) -> str:
    row = store.fetchone(
        "SELECT value FROM statements WHERE entity_id = ? AND prop IN ('name', 'address') "
        "ORDER BY prop DESC, value LIMIT 1",
        [entity_id],
    )
    return row[0] if row else entity_id


def _sources(store: Store) -> list[dict[str, Any]]:
    return [
        {"path": p, "sha256": h, "dataset": d, "kind": k, "rows": n, "loaded_at": t}
        for p, h, d, k, n, t in store.fetchall(
            "SELECT path, sha256, dataset, kind, rows, loaded_at FROM sources ORDER BY source_id"
        )
    ]


def bundle_lines(store: Store, cited: set[str]) -> list[str]:
    """The cited entities as FtM JSON lines, each assembled from its statements."""
    from nohaven.store.export import iter_entities_by_id

    lines = []
    for entity in iter_entities_by_id(store, sorted(cited)):
        properties = {prop: sorted(values) for prop, values in sorted(entity.properties.items())}
        line = {
            "id": entity.id,
            "schema": entity.schema.name,
            "properties": properties,
            "datasets": sorted(entity.datasets),
        }
        lines.append(json.dumps(line, ensure_ascii=False))
    return lines
