"""Does a search library beat nohaven's own candidate index? Tantivy on the same keys.

    .venv/bin/python bench/screen/search_library.py [--size large] [--queries 1000]

Issue 5 asks for a search library wherever one beats the in-process index. The
embedded one a user would pick is Tantivy (Lucene's design in Rust, no server; its
Python bindings are `pip install tantivy`, which this script installs when missing).
Both are given exactly the same postings: every (name key or identifier hash, entity
row) pair of `build_index` on bench/screen's resolved store. Measured side by side,
in one process:

- building the posting structure from those pairs (`Postings.from_packed` against
  Tantivy's writer: documents added, committed, merged), its time and the memory
  it adds;
- candidate retrieval for bench/screen's queries against `cn_registry`: nohaven's
  `_candidate_rows` (rarest keys first, keys held by more than `MAX_POSTINGS`
  entities only with the birth year, the birth year first) against a Tantivy query
  of the same keys (BM25 over every key, a boost for the birth year, the dataset a
  filter), its latency and whether the expected entity is among the first
  `MAX_CANDIDATES` (what `match_query` goes on to score).

The key computation, which both share, is not counted. Results go to
bench/screen/out/search-library-<size>.json and stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from nohaven.arrays import distinct
from nohaven.screen.index import Postings, build_index, person_key_hashes
from nohaven.screen.match import MAX_CANDIDATES, _candidate_rows
from nohaven.screen.query import parse_query
from nohaven.store import Store

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from run import LISTED, _example, queries_from_truth  # noqa: E402


def _tantivy() -> Any:
    if importlib.util.find_spec("tantivy") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "tantivy"], check=True)
    import tantivy

    return tantivy


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def _pairs(postings: Postings) -> tuple[np.ndarray, np.ndarray]:
    """Every (hash, row) posting of the index, ordered by row."""
    counts = np.diff(postings.starts).astype(np.int64)
    hashes = np.repeat(postings.hashes, counts)
    rows = postings.rows.astype(np.int64)
    order = np.argsort(rows, kind="stable")
    return hashes[order], rows[order]


def build_ours(hashes: np.ndarray, rows: np.ndarray) -> tuple[Postings, float, int]:
    before = _rss_mb()
    started = time.perf_counter()
    row_bits = max(1, int(rows.max()).bit_length())
    packed = distinct((hashes << row_bits) | rows)
    built = Postings.from_packed(packed, row_bits)
    return built, time.perf_counter() - started, _rss_mb() - before


def build_tantivy(
    tantivy: Any, index: Any, hashes: np.ndarray, rows: np.ndarray, folder: str
) -> tuple[Any, Any, float, int]:
    """One document per entity: its keys, its birth years, its datasets, its row."""
    before = _rss_mb()
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("key", indexed=True)
    builder.add_integer_field("year", indexed=True)
    builder.add_text_field("dataset", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("row", stored=True)
    schema = builder.build()
    library_index = tantivy.Index(schema, path=folder)
    writer = library_index.writer(heap_size=1_000_000_000, num_threads=2)
    bounds = np.flatnonzero(np.diff(rows)) + 1
    starts = np.concatenate(([0], bounds)).tolist()
    ends = np.concatenate((bounds, [rows.size])).tolist()
    first_years, last_years = index.birth_years, index.last_birth_years
    for a, b in zip(starts, ends, strict=True):
        row = int(rows[a])
        first = int(first_years[row])
        years = list(range(first, int(last_years[row]) + 1)) if first else []
        writer.add_document(
            tantivy.Document(
                key=hashes[a:b].tolist(),
                year=years,
                dataset=sorted(index.datasets[row]),
                row=[row],
            )
        )
    writer.commit()
    writer.wait_merging_threads()
    library_index.reload()
    return library_index, schema, time.perf_counter() - started, _rss_mb() - before


def tantivy_candidates(
    tantivy: Any, searcher: Any, schema: Any, query: Any, hash_mask: int
) -> list[int]:
    keys = dict.fromkeys(h & hash_mask for name in query.names for h in person_key_hashes(name))
    should = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "key", key)) for key in keys]
    year = query.birth_year
    if year is not None:
        boost = tantivy.Query.boost_query(tantivy.Query.term_query(schema, "year", year), 100.0)
        should.append((tantivy.Occur.Should, boost))
    if not should:
        return []
    clauses = [
        (tantivy.Occur.Must, tantivy.Query.boolean_query(should)),
        (tantivy.Occur.Must, tantivy.Query.term_query(schema, "dataset", LISTED)),
    ]
    hits = searcher.search(tantivy.Query.boolean_query(clauses), MAX_CANDIDATES).hits
    return [searcher.doc(address)["row"][0] for _, address in hits]


def ours_candidates(index: Any, query: Any) -> list[int]:
    rows = _candidate_rows(index, query, words=False)
    if rows.size:
        rows = rows[(index.dataset_bits[rows] & index.dataset_mask([LISTED])) != 0]
    return list(dict.fromkeys(rows.tolist()))[:MAX_CANDIDATES]


def _latency(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    db = args.out / f"{args.size}-resolved.duckdb"
    world = args.out / args.size
    if not db.exists():
        print(f"{db} is missing: run bench/screen/run.py --size {args.size} --resolve first")
        return 2
    tantivy = _tantivy()
    with Store(db, read_only=True) as store:
        index = build_index(store)
        listed, _ = queries_from_truth(store, world, args.queries, seed=7)
    hashes, rows = _pairs(index.postings_table)
    hash_mask = (1 << index.postings_table.hash_bits) - 1
    ours, ours_seconds, ours_mb = build_ours(hashes, rows)
    assert np.array_equal(ours.hashes, index.postings_table.hashes)
    del ours
    with tempfile.TemporaryDirectory(dir=args.out) as folder:
        library_index, schema, library_seconds, library_mb = build_tantivy(
            tantivy, index, hashes, rows, folder
        )
        on_disk = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
        searcher = library_index.searcher()
        parsed = [parse_query(_example(q)) for q in listed]
        expected = [index.row_for(q["expected"]) for q in listed]
        for query in parsed:  # the shared key computation, cached, kept out of the timings
            ours_candidates(index, query)
            tantivy_candidates(tantivy, searcher, schema, query, hash_mask)
        found = {"nohaven": [], "tantivy": []}
        times: dict[str, list[float]] = {"nohaven": [], "tantivy": []}
        for query, row in zip(parsed, expected, strict=True):
            for system in ("nohaven", "tantivy"):
                started = time.perf_counter()
                if system == "nohaven":
                    got = ours_candidates(index, query)
                else:
                    got = tantivy_candidates(tantivy, searcher, schema, query, hash_mask)
                times[system].append(time.perf_counter() - started)
                found[system].append(row in got)
    dated = [q.birth_year is not None for q in parsed]
    result = {
        "size": args.size,
        "entities": index.size,
        "postings": int(rows.size),
        "queries": len(parsed),
        "build": {
            "nohaven": {"seconds": round(ours_seconds, 2), "added_rss_mb": ours_mb},
            "tantivy": {
                "seconds": round(library_seconds, 2),
                "added_rss_mb": library_mb,
                "on_disk_mb": on_disk // 2**20,
            },
        },
        "retrieval": {
            system: {
                **_latency(times[system]),
                "expected_in_candidates": round(statistics.fmean(found[system]), 4),
                "with_birth_date": round(
                    statistics.fmean(f for f, d in zip(found[system], dated, strict=True) if d),
                    4,
                ),
                "name_only": round(
                    statistics.fmean(f for f, d in zip(found[system], dated, strict=True) if not d),
                    4,
                ),
            }
            for system in ("nohaven", "tantivy")
        },
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "tantivy_version": tantivy.__version__,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"search-library-{args.size}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
