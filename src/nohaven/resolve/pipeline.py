"""`nohaven resolve`: every loaded person and company record into canonical entities.

The orchestration around pure steps: records out of the store, name keys (Python, once
per distinct name), candidate pairs and features (DuckDB SQL), the Splink model (EM,
then scoring the candidate pairs), clustering under judgements, and the results written
back in one transaction. Splink works on its own in-memory DuckDB connection, so the
store file never holds its intermediate tables.
"""

from __future__ import annotations

import gc
import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from nohaven.errors import NohavenError
from nohaven.resolve.blocking import (
    KIND_NORM,
    MAX_BLOCK,
    BlockingStats,
    build_pairs,
    key_records,
    name_tables,
)
from nohaven.resolve.cluster import CARD, cluster_and_attach, stable_canonical_ids
from nohaven.resolve.companies import company_predictions
from nohaven.resolve.engines import (
    ENGINES,
    MIN_LABELLED_PAIRS,
    LevelLabels,
    labelled_pair_count,
    score_on_duckdb,
    score_on_spark,
)
from nohaven.resolve.features import build_person_features, training_sample
from nohaven.resolve.judgements import latest_judgements
from nohaven.resolve.model import (
    CONTRADICTING_EVIDENCE,
    SAME_NAME_EVIDENCE,
    partial_dates_in,
    person_settings,
)
from nohaven.resolve.records import load_edges, load_records
from nohaven.store.store import Store

DEFAULT_THRESHOLD = 0.8  # match probability at which two person records merge
REVIEW_FLOOR = 0.05  # pairs kept for review and explanation from this probability up

Progress = Callable[[str], None]


@dataclass
class ResolveSummary:
    """What one run did, for the CLI, the API and `resolution_runs`."""

    engine: str
    records: int = 0
    persons: int = 0
    companies: int = 0
    comparisons: int = 0
    comparisons_by_rule: dict[str, int] = field(default_factory=dict)
    clusters: int = 0
    merged_clusters: int = 0
    attached_by_unique_name: int = 0
    # Pairs of loaded records a publisher's referents name as one entity (clustering can
    # still keep them apart: a different judgement, two birth years).
    publisher_merges: int = 0
    judgements_applied: int = 0
    trained_from_judgements: int = 0  # "same" pairs the model's m was estimated from
    skipped: dict[str, int] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_person_tables(
    con: duckdb.DuckDBPyConnection,
    persons: pa.Table,
    summary: ResolveSummary,
    *,
    model_sample: float | None = None,
    max_block: int = MAX_BLOCK,
    progress: Progress | None = None,
) -> BlockingStats:
    """Tables `person_records`, `pairs`, `person_features` and `person_model_features`
    on `con` from the person records: name keys (Python, once per distinct name), then
    blocking and features in DuckDB. Splink trains on all records unless EM's pairs
    would be too many (`model_sample` overrides)."""
    say = progress or (lambda _message: None)
    names = sorted({n for names in persons["names"].to_pylist() for n in names or ()})
    con.register("_persons_arrow", persons)
    # Integer record ids: every join and grouping over keys and pairs runs on them.
    con.execute(
        "CREATE TABLE person_records AS "
        "SELECT CAST(row_number() OVER (ORDER BY unique_id) AS INTEGER) AS rid, * "
        "FROM _persons_arrow"
    )
    con.unregister("_persons_arrow")
    keys, forms = name_tables(names)
    del names
    con.register("_forms_arrow", forms)
    con.execute("CREATE TABLE name_forms AS SELECT * FROM _forms_arrow")
    con.unregister("_forms_arrow")
    say("blocking people")
    con.register("_keys_arrow", keys)
    key_records(con, "person_records", "_keys_arrow", "name_forms")
    con.unregister("_keys_arrow")
    del keys
    no_key = con.execute(
        "SELECT count(*) FROM person_records WHERE rid NOT IN "
        f"(SELECT rid FROM record_keys WHERE kind <> {KIND_NORM})"
    ).fetchall()[0][0]
    if no_key:
        summary.skipped["persons without a usable name"] = int(no_key)
    stats = build_pairs(con, "person_records", max_block=max_block)
    summary.comparisons_by_rule = stats.by_rule
    summary.comparisons += stats.total
    say("person features")
    sample = training_sample(con, "person_records") if model_sample is None else model_sample
    build_person_features(
        con, "person_records", "name_forms", "edges", max_block=max_block, model_sample=sample
    )
    con.execute("DROP TABLE record_keys")
    return stats


def _person_predictions(
    con: duckdb.DuckDBPyConnection,
    persons: pa.Table,
    summary: ResolveSummary,
    engine: str,
    same_pairs: list[tuple[str, str]],
    say: Progress,
) -> pa.Table:
    """Scored candidate pairs of person records: left_id, right_id, probability, weight,
    evidence. Keys, pairs and features are built in DuckDB; the model runs on `engine`
    (Spark scores from every record's features, so it trains on all of them)."""
    stats = build_person_tables(
        con, persons, summary, model_sample=1.0 if engine == "spark" else None, progress=say
    )
    if same_pairs:
        # Only pairs of person records still loaded; the table's absence means none.
        con.register(
            "_same_arrow",
            pa.table(
                {
                    "unique_id_l": [a for a, _ in same_pairs],
                    "unique_id_r": [b for _, b in same_pairs],
                }
            ),
        )
        con.execute(
            "CREATE TABLE labelled_pairs AS SELECT * FROM _same_arrow "
            "WHERE unique_id_l IN (SELECT unique_id FROM person_records) "
            "AND unique_id_r IN (SELECT unique_id FROM person_records)"
        )
        con.unregister("_same_arrow")
    labelled = labelled_pair_count(con)
    summary.trained_from_judgements = labelled if labelled >= MIN_LABELLED_PAIRS else 0
    if stats.total == 0:
        return _empty_predictions()
    settings = person_settings("duckdb", persons.num_rows, partial_dates_in(con, "person_records"))
    say("training and scoring people")
    if engine == "spark":
        scored, labels = score_on_spark(con, settings, REVIEW_FLOOR)
    else:
        scored, labels = score_on_duckdb(con, settings, REVIEW_FLOOR)
    con.register("_scored", scored)
    try:
        return con.sql(
            f"SELECT unique_id_l AS left_id, unique_id_r AS right_id, "
            f"match_probability, match_weight, {_evidence_sql(labels)} AS evidence "
            f"FROM _scored ORDER BY left_id, right_id"
        ).to_arrow_table()
    finally:
        con.unregister("_scored")


def _single_valued_attributes(
    con: duckdb.DuckDBPyConnection,
) -> dict[str, dict[str, frozenset[str]]]:
    """Per person record, its Han names and birth years: one person has one of each, and a
    record that lists several years (alternatives) allows any of them."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'person_features'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    rows = con.execute(
        "SELECT unique_id, coalesce(han_names, []), "
        "CAST(coalesce(birth_years, CASE WHEN birth_year IS NOT NULL THEN [birth_year] END, []) "
        "AS VARCHAR[]) "
        "FROM person_features WHERE han_names IS NOT NULL OR birth_year IS NOT NULL"
    ).fetchall()
    return {
        uid: {"han": frozenset(han), "birth_year": frozenset(years)} for uid, han, years in rows
    }


def _add_identities(persons: pa.Table, attributes: dict[str, dict[str, frozenset[str]]]) -> None:
    """Each person record's Wikidata items and identity cards (by kind), single-valued like
    Han names: an item is one person, so two records naming different items are two
    people however alike their names (Kenneth Roth and Wilbur Ross, both 罗斯 in Chinese),
    and so are two different Hong Kong identity cards."""
    for entity_id, items in _listed(persons, "wikidata_ids"):
        attributes.setdefault(entity_id, {})["wikidata"] = frozenset(items)
    for entity_id, cards in _listed(persons, "cards"):
        by_kind: dict[str, set[str]] = {}
        for card in cards:  # "<kind>=<number>"
            kind, number = card.split("=", 1)
            by_kind.setdefault(CARD + kind, set()).add(number)
        record = attributes.setdefault(entity_id, {})
        record.update((kind, frozenset(numbers)) for kind, numbers in by_kind.items())


def _listed(persons: pa.Table, column: str) -> Iterator[tuple[str, list[str]]]:
    """(record id, values) for the records whose list `column` is not empty."""
    listed = persons.filter(pc.greater(pc.list_value_length(persons[column]), 0))
    yield from zip(listed["unique_id"].to_pylist(), listed[column].to_pylist(), strict=True)


def _evidence_sql(labels: LevelLabels) -> str:
    """A readable line per pair ("name: same sound; birth_date: same date; …"), from
    the level each comparison took (Splink's ``gamma_*`` columns)."""
    by_column: dict[str, list[str]] = {}
    for column, label, value in labels:
        text = f"{column}: {label}".replace("'", "''")
        by_column.setdefault(column, []).append(f"WHEN gamma_{column} = {value} THEN '{text}'")
    parts = [f"CASE {' '.join(cases)} ELSE NULL END" for cases in by_column.values()]
    return f"concat_ws('; ', {', '.join(parts)})" if parts else "''"


def _empty_predictions() -> pa.Table:
    return pa.table(
        {
            "left_id": pa.array([], pa.string()),
            "right_id": pa.array([], pa.string()),
            "match_probability": pa.array([], pa.float64()),
            "match_weight": pa.array([], pa.float64()),
            "evidence": pa.array([], pa.string()),
        }
    )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Clustering makes millions of small Python objects, none of them cyclic garbage;
    the cyclic collector would walk them all again at every generation it fills."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def resolve(
    store: Store,
    *,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    learn_from_judgements: bool = False,
) -> ResolveSummary:
    """Resolve every person and company record in the store; rewrite `clusters` and
    `resolution_pairs`. Judgements are applied, never overridden.

    With `learn_from_judgements`, the model's m is also estimated from the *same*
    judgements. Off by default: pairs judged from the review queue are the uncertain
    ones, not a fair sample of matches, and on the medium world 300 of them lowered
    precision (docs/BENCHMARKS.md).
    """
    if engine not in ENGINES:
        raise NohavenError(f"unknown engine {engine!r} (available: {', '.join(ENGINES)})")
    if not 0.0 < threshold <= 1.0:
        raise NohavenError(f"threshold must be in (0, 1], not {threshold}")
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    summary = ResolveSummary(engine=engine, threshold=threshold)

    say("reading records")
    records = load_records(store)
    records, skipped = _drop_conflicting(records)
    summary.skipped.update(skipped)
    persons = records.filter(pc.equal(records["kind"], "person"))
    companies = records.filter(pc.equal(records["kind"], "company"))
    summary.records, summary.persons, summary.companies = (
        records.num_rows,
        persons.num_rows,
        companies.num_rows,
    )
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{_memory_limit(store)}'")
        # Spill to the system's temp directory, not the caller's working directory.
        spill = Path(tempfile.gettempdir()) / "nohaven-resolve"
        con.execute(f"SET temp_directory = '{spill}'")
        con.register("_edges_arrow", load_edges(store))
        con.execute("CREATE TABLE edges AS SELECT * FROM _edges_arrow")
        con.unregister("_edges_arrow")
        say("name keys of people")
        judged_same = [
            (j.left_id, j.right_id)
            for j in (latest_judgements(store) if learn_from_judgements else [])
            if j.judgement == "same"
        ]
        people = _person_predictions(con, persons, summary, engine, judged_same, say)
        attributes = _single_valued_attributes(con)
        _add_identities(persons, attributes)
        say("scoring companies")
        firms = company_predictions(con, companies)
        summary.comparisons += firms.num_rows
        links = _publisher_merges(con, store, records)
        if links.num_rows:
            people = _with_links(con, people, links.filter(pc.equal(links["kind"], "person")))
            firms = _with_links(con, firms, links.filter(pc.equal(links["kind"], "company")))
            summary.publisher_merges = links.num_rows
    finally:
        con.close()

    say("clustering")
    with _cyclic_gc_paused():
        judgements = latest_judgements(store)
        record_ids = records["unique_id"].to_pylist()
        known = set(record_ids)
        usable = [j for j in judgements if j.left_id in known and j.right_id in known]
        if len(usable) < len(judgements):
            summary.skipped["judgements naming records no longer loaded"] = len(judgements) - len(
                usable
            )
        summary.judgements_applied = sum(1 for j in usable if j.judgement != "unsure")
        # Only pairs that can merge reach Python: millions more are kept for review only.
        scored = [
            (left, right, probability)
            for table in (
                t.filter(pc.greater_equal(t["match_probability"], threshold))
                for t in (people, firms)
            )
            for left, right, probability in zip(
                table["left_id"].to_pylist(),
                table["right_id"].to_pylist(),
                table["match_probability"].to_pylist(),
                strict=True,
            )
        ]
        same = [(j.left_id, j.right_id) for j in usable if j.judgement == "same"]
        different = [(j.left_id, j.right_id) for j in usable if j.judgement == "different"]
        named = people.filter(
            pc.and_(
                pc.match_substring_regex(people["evidence"], SAME_NAME_EVIDENCE),
                pc.invert(pc.match_substring_regex(people["evidence"], CONTRADICTING_EVIDENCE)),
            )
        )
        name_links = list(
            zip(named["left_id"].to_pylist(), named["right_id"].to_pylist(), strict=True)
        )
        undated = set(persons["unique_id"].to_pylist()) - {
            r for r, a in attributes.items() if a.get("birth_year")
        }
        representative, summary.attached_by_unique_name = cluster_and_attach(
            known,
            scored,
            threshold,
            name_links,
            undated,
            same=same,
            different=different,
            attributes=attributes,
        )
        previous = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
        canonical = stable_canonical_ids(representative, previous)
        sizes = Counter(canonical.values())
        summary.clusters = len(sizes)
        summary.merged_clusters = sum(1 for n in sizes.values() if n > 1)

    say("writing results")
    cluster_table = pa.table(
        {
            "entity_id": records["unique_id"],
            "canonical_id": pa.array([canonical[i] for i in record_ids], pa.string()),
            "kind": records["kind"],
        }
    ).sort_by("entity_id")
    pair_table = pa.concat_tables(
        [
            people.append_column("kind", pa.array(["person"] * people.num_rows, pa.string())),
            firms.append_column("kind", pa.array(["company"] * firms.num_rows, pa.string())),
        ]
    )
    summary.seconds = round(time.perf_counter() - started, 2)

    def record_run(store: Store) -> None:
        run_id = store.fetchone("SELECT coalesce(max(run_id), 0) + 1 FROM resolution_runs")
        store.execute(
            "INSERT INTO resolution_runs VALUES (?, ?, ?, ?)",
            [
                run_id[0] if run_id else 1,
                datetime.now(UTC).replace(tzinfo=None),
                engine,
                json.dumps(summary.as_dict()),
            ],
        )

    store.replace_rows({"clusters": cluster_table, "resolution_pairs": pair_table}, record_run)
    return summary


PUBLISHER_MERGE_WEIGHT = 30.0  # a billion to one: the publisher's own merge of two ids
# Which publisher is left out: a user who may not see its dataset sees the pair.
PUBLISHER_MERGE = "referents: merged into one entity by a publisher"


def _publisher_merges(con: duckdb.DuckDBPyConnection, store: Store, records: pa.Table) -> pa.Table:
    """Pairs of loaded records one of which a publisher merged the other into (its
    `referents`: OpenSanctions' NK-… entity and the "ofac-1234" another file loaded),
    as pairs of probability 1. Only records of one kind pair: a person merged into a
    company is left to the model."""
    con.register("_referents", store.arrow("SELECT referent, entity_id FROM referents"))
    con.register("_kinds", records.select(["unique_id", "kind"]))
    try:
        return con.sql(
            """
            WITH merged AS (
                SELECT DISTINCT least(referent, entity_id) AS a,
                       greatest(referent, entity_id) AS b
                FROM _referents
            )
            SELECT m.a AS left_id, m.b AS right_id, 1.0::DOUBLE AS match_probability,
                   $weight::DOUBLE AS match_weight,
                   $evidence AS evidence, l.kind AS kind
            FROM merged m
            JOIN _kinds l ON l.unique_id = m.a
            JOIN _kinds r ON r.unique_id = m.b
            WHERE l.kind = r.kind
            ORDER BY ALL
            """,
            params={"weight": PUBLISHER_MERGE_WEIGHT, "evidence": PUBLISHER_MERGE},
        ).to_arrow_table()
    finally:
        con.unregister("_referents")
        con.unregister("_kinds")


def _with_links(con: duckdb.DuckDBPyConnection, pairs: pa.Table, links: pa.Table) -> pa.Table:
    """The scored pairs with the publisher's merges: probability 1, and the model's
    evidence kept before the merge's (what else the records share still counts, for
    the declaration rules' corroboration too), in whichever order the model paired
    them."""
    if not links.num_rows:
        return pairs
    con.register("_pairs", pairs)
    con.register("_links", links.select(pairs.column_names))
    try:
        return (
            con.sql(
                """
                WITH keyed AS (
                    SELECT *, least(left_id, right_id) AS a, greatest(left_id, right_id) AS b
                    FROM _pairs
                )
                SELECT coalesce(p.left_id, l.left_id) AS left_id,
                       coalesce(p.right_id, l.right_id) AS right_id,
                       coalesce(l.match_probability, p.match_probability) AS match_probability,
                       greatest(l.match_weight, p.match_weight) AS match_weight,
                       concat_ws('; ', p.evidence, l.evidence) AS evidence
                FROM keyed p FULL JOIN _links l ON p.a = l.left_id AND p.b = l.right_id
                """
            )
            .to_arrow_table()
            .select(pairs.column_names)
            .cast(pairs.schema)
        )
    finally:
        con.unregister("_pairs")
        con.unregister("_links")


def _drop_conflicting(records: pa.Table) -> tuple[pa.Table, dict[str, int]]:
    """An id is one entity wherever it occurs, as in FtM (OpenSanctions gives a person the
    same id in every list that names them), unless its records disagree on what it is:
    an id that is a person in one record and a company in another names two things, and
    is left out (and counted) rather than silently merged. A LegalEntity is either, as
    FtM has it: one that is a person elsewhere is that person."""
    conflicting = pc.greater(records["kinds"], 1)
    count = pc.sum(conflicting).as_py() or 0
    kept = records.filter(pc.invert(conflicting)) if count else records
    reason = "ids naming a person in one record and a company in another (left out)"
    return kept, ({reason: int(count)} if count else {})


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
RESOLVE_MEMORY = 4 << 30  # DuckDB's share while resolving, when the machine has room


def _memory_limit(store: Store) -> str:
    """The store's memory limit, raised to `RESOLVE_MEMORY` (at most a third of the
    machine's memory): the store's default suits loading, but resolving a million
    records holds tens of millions of key rows, and spilling them all would be slow."""
    row = store.fetchone("SELECT current_setting('memory_limit')")
    match = re.fullmatch(r"([\d.]+)\s*([KMGT]?)i?B", str(row[0]).strip(), re.I) if row else None
    store_bytes = int(float(match[1]) * _UNITS[match[2].lower()]) if match else 1 << 30
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        machine = 3 * RESOLVE_MEMORY
    return f"{max(store_bytes, min(RESOLVE_MEMORY, machine // 3)) // (1 << 20)}MB"
