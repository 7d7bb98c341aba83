"""Reads logged by the screening API: batched into the audit chain, none lost, and the
chain still verifies when batches and single actions interleave."""

from __future__ import annotations

import threading

from nohaven.cases import audit
from nohaven.store import Store
from nohaven.web.readlog import ReadLog


def test_reads_from_many_threads_join_one_verifiable_chain(store: Store) -> None:
    log = ReadLog(store)

    def reader(who: int) -> None:
        for i in range(500):
            log.add(f"user{who}", "read.match", "cn_registry", {"i": i})

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    with store.transaction():
        audit.append(store, "investigator", "case.note", "case-1", {"text": "between batches"})
    for thread in threads:
        thread.join()
    log.close()
    rows = store.fetchall("SELECT seq, actor, prev_hash, hash FROM audit_log ORDER BY seq")
    assert [r[0] for r in rows] == list(range(1, 2002))
    assert sum(r[1] == "investigator" for r in rows) == 1
    assert all(rows[i][2] == rows[i - 1][3] for i in range(1, len(rows)))
    verdict = audit.verify(store)
    assert verdict.ok and verdict.entries == 2001 and verdict.head == rows[-1][3]


def test_an_empty_batch_writes_nothing(store: Store) -> None:
    with store.transaction():
        audit.append_many(store, [])
    assert store.fetchone("SELECT count(*) FROM audit_log")[0] == 0
    assert audit.verify(store).ok
