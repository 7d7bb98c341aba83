"""Address keys: which person records share an address, and how many records share it.

An address is keyed by its fingerprint from rigour (FollowTheMoney's own normalisation
library): case, punctuation, numbering and keyword spellings set aside ("Rm 19B 10/F 111
Hennessy Rd" and "Room 19B, 10/F, 111 Hennessy Road" are one key), word order kept (two
house numbers swapped are two addresses); an address with no number ("Hong Kong") is
no key. Like a name, an address says more the fewer records carry it: an address held
by more than `MAX_SHARERS` records is an office tower, a registered agent or a city
written as an address, and says nothing about who anyone is, so it is not a key at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa
from rigour.addresses import address_fingerprint, compare_address

from nohaven.parallel import map_chunks

MAX_SHARERS = 20  # records holding one address, past which it is no evidence
HOUSEHOLD = 6  # an address this few records share: a household's, with its records abroad


def address_key(address: str) -> str | None:
    """An address's key, or None when it names no place in particular: an address with
    no number ("Hong Kong", "Beijing", "Unknown") says where, not who."""
    key = address_fingerprint(address)
    return key if key and any(c.isdigit() for c in key) else None


# rigour's address similarity from which two addresses are one: "Flat 3A, 12 Tung Choi
# Street" against the same with ", Mong Kok" scores 0.86, "Rm 19B 10/F 111 Hennessy Rd"
# against "Room 19B, 10/F, 111 Hennessy Road, Wan Chai" 0.85; another flat number in the
# same building 0.21.
SAME_ADDRESS = 0.8


def same_address(left: str, right: str) -> bool:
    """Whether two addresses, both naming a place in particular (`address_key`), are
    one: the same key, or alike by rigour's comparison (a district added or dropped, a
    keyword abbreviated); about 7 µs a pair."""
    a, b = address_key(left), address_key(right)
    return (
        a is not None and b is not None and (a == b or compare_address(left, right) >= SAME_ADDRESS)
    )


def _fingerprints(addresses: list[str]) -> list[str | None]:
    return [address_key(a) for a in addresses]


def address_key_table(addresses: Sequence[str]) -> pa.Table:
    """(address, key) for every distinct address with a key (`address_key`; about 30 µs
    an address in Python, so large inputs are split across processes)."""
    rows: list[tuple[str, str]] = []
    for part, keys in map_chunks(_fingerprints, addresses):
        rows += [(a, k) for a, k in zip(part, keys, strict=True) if k]
    return pa.table(
        {
            "address": pa.array([r[0] for r in rows], pa.string()),
            "key": pa.array([r[1] for r in rows], pa.string()),
        }
    )


def build_record_addresses(con: duckdb.DuckDBPyConnection, records: str) -> None:
    """Create table ``record_addresses(rid, k, n)``: each record's address keys (hashed)
    held by at most `MAX_SHARERS` records, with how many records hold each."""
    addresses = [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT unnest(addresses) FROM {records} "
            "WHERE addresses IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    con.register("_address_keys_arrow", address_key_table(addresses))
    con.execute(f"""
        CREATE OR REPLACE TABLE record_addresses AS
        WITH held AS (
            SELECT DISTINCT r.rid, hash(k.key) AS k
            FROM (SELECT rid, unnest(addresses) AS address FROM {records}) r
            JOIN _address_keys_arrow k USING (address)
        ),
        sized AS (SELECT rid, k, count(*) OVER (PARTITION BY k) AS n FROM held)
        SELECT rid, k, CAST(n AS INTEGER) AS n FROM sized WHERE n <= {MAX_SHARERS}
    """)
    con.unregister("_address_keys_arrow")


SHARED_PAIRS_SQL = """
    SELECT a.rid AS rid_l, b.rid AS rid_r, min(a.n) AS address_min
    FROM record_addresses a JOIN record_addresses b ON b.k = a.k AND a.rid < b.rid
    GROUP BY ALL
"""
"""Every pair of records sharing an address key, with how many records hold the rarest
key they share (at most `MAX_SHARERS` hold any key, so at most 190 pairs a key)."""


def shared_address_rates(con: duckdb.DuckDBPyConnection) -> dict[int, float]:
    """For each size from 2 to `MAX_SHARERS`: the share of pairs of records with an
    address key whose rarest shared key is held by at most that many records. Counted
    from the keys, pair by pair (as Splink's term-frequency adjustment counts): a sample
    of random pairs almost never meets two records at one rare address."""
    holders = int(con.execute("SELECT count(DISTINCT rid) FROM record_addresses").fetchall()[0][0])
    pairs = holders * (holders - 1) / 2
    by_size = dict(
        con.execute(
            f"SELECT address_min, count(*) FROM ({SHARED_PAIRS_SQL}) GROUP BY address_min"
        ).fetchall()
    )
    rates: dict[int, float] = {}
    running = 0.0
    for size in range(2, MAX_SHARERS + 1):
        running += float(by_size.get(size, 0))
        rates[size] = running / pairs if pairs else 0.0
    return rates
