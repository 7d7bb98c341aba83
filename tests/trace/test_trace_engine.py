"""The compiled rules: DOMAIN.md's worked examples, hand-computed hops, and property
tests against the plain reference implementation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nohaven.trace import Rule, TraceLedger, run_trace
from nohaven.trace.engine import Buffers
from nohaven.trace.ledger import Order
from nohaven.trace.reference import reference_trace, shares

RULES = [Rule.LIBR, Rule.FIFO, Rule.PRORATA]
TINY = Buffers(pool=4, transfers=8, steps=2, gaps=1, spill=5, reserve=False)
SPLIT_TINY = Buffers(pool=4, transfers=8, steps=2, gaps=1, spill=5, partitions=3)
# Two partitions that stop every few transactions to move their boundary, in pools so
# small that moving origins between them reallocates and compacts.
REBALANCED_TINY = Buffers(
    pool=4, transfers=8, steps=2, gaps=1, spill=5, partitions=2, rebalances=25
)


def ledger_of(rows: list[tuple[str, str, str, int]]) -> TraceLedger:
    """A ledger from (id, payer, payee, cents) rows, in the given order."""
    names = list(dict.fromkeys(n for _, a, b, _ in rows for n in (a, b)))
    index = {n: i for i, n in enumerate(names)}
    return TraceLedger(
        ids=pa.array([r[0] for r in rows], type=pa.string()),
        timestamps=np.arange(len(rows), dtype=np.int64),
        src=np.array([index[r[1]] for r in rows], dtype=np.int32),
        dst=np.array([index[r[2]] for r in rows], dtype=np.int32),
        cents=np.array([r[3] for r in rows], dtype=np.int64),
        accounts=pa.array(names, type=pa.string()),
        currency="GBP",
        order=Order.FILE,
    )


def held(result, account: str) -> dict[str, int]:
    """Traced cents by origin name in an account at the end."""
    names = result.ledger.accounts.to_pylist()
    account_rows, origins, cents = result.account_rows
    return {
        result.origins[o]: int(c)
        for a, o, c in zip(account_rows, origins, cents, strict=True)
        if names[a] == account
    }


def test_roscoe_v_winder_only_the_lowest_balance_is_traceable() -> None:
    # 455 paid in, the balance falls to 25, later deposits bring it to 358: 25 traceable.
    rows = [
        ("t1", "victim", "hallett", 45_500),
        ("t2", "hallett", "creditor", 43_000),
        ("t3", "income", "hallett", 33_300),
    ]
    result = run_trace(ledger_of(rows), Rule.LIBR, source_accounts=["victim"])
    assert held(result, "hallett") == {"victim": 2_500}
    assert int(result.balance[result.ledger.account_index()["hallett"]]) == 35_800
    assert held(result, "creditor") == {"victim": 43_000}


def test_libr_spends_own_money_first() -> None:
    # Own 1,000 then 500 stolen in; 800 out is all own money. 600 more out: the last 200
    # own, then 400 of the 500; 100 stays traced.
    rows = [
        ("t1", "salary", "acct", 100_000),
        ("t2", "victim", "acct", 50_000),
        ("t3", "acct", "shop", 80_000),
        ("t4", "acct", "yacht", 60_000),
    ]
    result = run_trace(ledger_of(rows), Rule.LIBR, source_accounts=["victim"])
    assert held(result, "shop") == {}
    assert held(result, "yacht") == {"victim": 40_000}
    assert held(result, "acct") == {"victim": 10_000}


def test_claytons_case_oldest_money_leaves_first() -> None:
    # A 20,000, B 10,000, C 5,000 paid in, then 25,000 out: A 0, B 5,000, C 5,000 remain.
    rows = [
        ("a", "A", "mixed", 2_000_000),
        ("b", "B", "mixed", 1_000_000),
        ("c", "C", "mixed", 500_000),
        ("out", "mixed", "elsewhere", 2_500_000),
    ]
    result = run_trace(ledger_of(rows), Rule.FIFO, source_accounts=["A", "B", "C"])
    assert held(result, "mixed") == {"B": 500_000, "C": 500_000}
    assert held(result, "elsewhere") == {"A": 2_000_000, "B": 500_000}


def test_rolling_charge_shares_each_debit_in_proportion() -> None:
    # A 1,000 and B 2,000 in, 600 out: A 800 and B 1,600 remain.
    rows = [
        ("a", "A", "mixed", 100_000),
        ("b", "B", "mixed", 200_000),
        ("out", "mixed", "elsewhere", 60_000),
    ]
    result = run_trace(ledger_of(rows), Rule.PRORATA, source_accounts=["A", "B"])
    assert held(result, "mixed") == {"A": 80_000, "B": 160_000}
    assert held(result, "elsewhere") == {"A": 20_000, "B": 40_000}


def test_three_hops_by_hand_under_each_rule() -> None:
    # victim → front (mixed with 300 own) → conduit → house; computed by hand below.
    rows = [
        ("own", "employer", "front", 30_000),  # front: own 300
        ("s1", "victim", "front", 100_000),  # front: own 300, victim 1,000
        ("h1", "front", "conduit", 60_000),  # 600 leaves front
        ("o2", "employer", "conduit", 20_000),  # conduit: + own 200
        ("h2", "conduit", "house", 70_000),  # 700 leaves conduit
    ]
    libr = run_trace(ledger_of(rows), Rule.LIBR, source_accounts=["victim"])
    # LIBR: h1 takes front's own 300, then 300 traced; conduit holds own 300 + 200 and
    # 300 traced; h2 (700) takes the 500 own, then 200 traced. No gap anywhere.
    assert held(libr, "front") == {"victim": 70_000}
    assert held(libr, "conduit") == {"victim": 10_000}
    assert held(libr, "house") == {"victim": 20_000}
    assert len(libr.gap_rows[0]) == 0
    fifo = run_trace(ledger_of(rows), Rule.FIFO, source_accounts=["victim"])
    # FIFO: h1 = own 300 + victim 300; conduit's queue: own 300, victim 300, own 200;
    # h2 (700) takes own 300, victim 300 and 100 of the later own money.
    assert held(fifo, "front") == {"victim": 70_000}
    assert held(fifo, "conduit") == {}
    assert held(fifo, "house") == {"victim": 30_000}
    prorata = run_trace(ledger_of(rows), Rule.PRORATA, source_accounts=["victim"])
    # Pro rata: front holds 300 own and 1,000 traced; of 600 out, 461.538... is traced:
    # floors 138.46 own and 461.53 traced, the larger remainder takes the last cent.
    # Conduit then holds 338.46 own and 461.54 traced; of 700 out, 403.8475 is traced:
    # floors 296.15 and 403.84, the last cent again to the traced share.
    assert held(prorata, "front") == {"victim": 53_846}
    assert held(prorata, "conduit") == {"victim": 46_154 - 40_385}
    assert held(prorata, "house") == {"victim": 40_385}


def test_source_transactions_are_traced_separately() -> None:
    rows = [
        ("s1", "bank", "mixed", 40_000),
        ("s2", "bank", "mixed", 60_000),
        ("x", "mixed", "abroad", 50_000),
    ]
    result = run_trace(ledger_of(rows), Rule.PRORATA, source_txs=["s1", "s2"])
    assert held(result, "abroad") == {"s1": 20_000, "s2": 30_000}
    assert held(result, "mixed") == {"s1": 20_000, "s2": 30_000}


def test_shares_are_rounded_cumulatively() -> None:
    # Running totals 33.33, 66.67, 100 floor to 33, 66, 100: shares 33, 33, 34.
    assert shares(100, [100, 100, 100]) == [33, 33, 34]
    assert shares(7, [10, 20, 30]) == [1, 2, 4]
    assert sum(shares(999_999, [3 * 10**6, 7 * 10**6, 11, 13])) == 999_999


def test_exact_with_amounts_beyond_64_bit_products() -> None:
    # Products of two amounts past 2**63 take the 128-bit path; the split stays exact.
    big = 3 * 10**15
    rows = [
        ("a", "A", "mixed", big + 1),
        ("b", "B", "mixed", 2 * big - 7),
        ("out", "mixed", "x", big // 3 + 5),
    ]
    result = run_trace(ledger_of(rows), Rule.PRORATA, source_accounts=["A", "B"])
    expected = shares(big // 3 + 5, [big + 1, 2 * big - 7])
    assert held(result, "x") == {"A": expected[0], "B": expected[1]}


# -- property tests against the reference -------------------------------------------

ACCOUNTS = [f"a{i}" for i in range(6)]
MANY = [f"m{i}" for i in range(40)]


@st.composite
def ledgers(
    draw: st.DrawFn, accounts: list[str] = ACCOUNTS, rows_max: int = 40, sources_max: int = 3
) -> tuple[list[tuple[str, str, str, int]], list[str], list[str]]:
    n = draw(st.integers(1, rows_max))
    rows = []
    for i in range(n):
        payer = draw(st.sampled_from(accounts))
        payee = draw(st.sampled_from(accounts))  # paying oneself included
        cents = draw(st.one_of(st.integers(1, 5_000), st.integers(1, 10**12)))
        rows.append((f"t{i}", payer, payee, cents))
    names = sorted({a for _, p, q, _ in rows for a in (p, q)})
    sources = draw(st.lists(st.sampled_from(names), max_size=sources_max, unique=True))
    txs = draw(st.lists(st.sampled_from([r[0] for r in rows]), max_size=sources_max, unique=True))
    if not sources and not txs:
        sources = [rows[0][1]]
    return rows, sources, txs


def as_reference(result) -> tuple[dict, dict, dict, list]:
    names = result.ledger.accounts.to_pylist()
    ids = result.ledger.ids.to_pylist()
    traced: dict[str, dict[int, int]] = {}
    for a, o, c in zip(*(x.tolist() for x in result.account_rows), strict=True):
        traced.setdefault(names[a], {})[o] = c
    transfers: dict[str, dict[int, int]] = {}
    for p, o, c in zip(*(x.tolist() for x in result.transfer_rows), strict=True):
        transfers.setdefault(ids[p], {})[o] = c
    balance = {names[i]: int(b) for i, b in enumerate(result.balance)}
    gaps = [
        (ids[p], names[a], c)
        for p, a, c in zip(*(x.tolist() for x in result.gap_rows), strict=True)
    ]
    return balance, traced, transfers, gaps


@pytest.mark.parametrize("rule", RULES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.one_of(ledgers(), ledgers(MANY, rows_max=300, sources_max=25)),
    opening_cents=st.integers(0, 3_000),
)
def test_kernel_matches_reference(rule: Rule, case, opening_cents: int) -> None:
    rows, sources, txs = case
    ledger = ledger_of(rows)
    opening = {name: opening_cents * (i % 2) for i, name in enumerate(ledger.accounts.to_pylist())}
    expected = reference_trace(rows, rule.value, sources, txs, opening)
    # Tiny buffers make the kernel stop and resume often, move and compact its pool
    # (in its reservation, giving pages back, or grown by copying) and spill transfer
    # detail to disk; origins split between threads: the answer must not change.
    for buffers in (
        Buffers(),
        Buffers(pool=4),
        TINY,
        Buffers(partitions=2),
        SPLIT_TINY,
        REBALANCED_TINY,
    ):
        result = run_trace(
            ledger,
            rule,
            source_accounts=sources,
            source_txs=txs,
            opening=np.array(list(opening.values()), dtype=np.int64),
            buffers=buffers,
        )
        balance, traced, transfers, gaps = as_reference(result)
        assert traced == expected.traced
        assert transfers == expected.transfers
        assert balance == expected.balance
        assert gaps == expected.gaps
        totals = {ids: int(result.carried[p]) for p, ids in enumerate(ledger.ids.to_pylist())}
        assert {t: c for t, c in totals.items() if c} == {
            t: sum(v.values()) for t, v in expected.transfers.items()
        }
        result.transfers.close()
    # Traced money is never negative and never more than the account holds.
    for account, by_origin in traced.items():
        assert all(c > 0 for c in by_origin.values())
        if account not in sources:
            assert sum(by_origin.values()) <= balance[account]
    # What left the sources is exactly what the accounts hold at the end.
    injected = result.injected
    assert int(injected.sum()) == sum(sum(v.values()) for v in traced.values())


@st.composite
def unmixed(draw: st.DrawFn) -> list[tuple[str, str, str, int]]:
    """Ledgers where every account only ever holds money from the one source."""
    balance = dict.fromkeys(ACCOUNTS, 0)
    rows = []
    for i in range(draw(st.integers(1, 30))):
        funded = [a for a in ACCOUNTS if balance[a] > 0]
        payer = draw(st.sampled_from(["victim", *funded]))
        payee = draw(st.sampled_from(ACCOUNTS))
        if payee == payer:
            continue
        cents = (
            draw(st.integers(1, 10**9))
            if payer == "victim"
            else draw(st.integers(1, balance[payer]))
        )
        if payer != "victim":
            balance[payer] -= cents
        balance[payee] += cents
        rows.append((f"t{i}", payer, payee, cents))
    return rows or [("t0", "victim", "a0", 100)]


@settings(max_examples=150, deadline=None)
@given(rows=unmixed())
def test_rules_agree_when_no_account_mixes_money(rows) -> None:
    results = [
        as_reference(run_trace(ledger_of(rows), rule, source_accounts=["victim"])) for rule in RULES
    ]
    assert results[0] == results[1] == results[2]


def test_a_gap_is_reported_where_traced_money_is_at_stake(tmp_path: Path) -> None:
    rows = [("s", "victim", "a", 10_000), ("x", "a", "b", 15_000)]
    result = run_trace(ledger_of(rows), Rule.LIBR, source_accounts=["victim"])
    assert [int(c) for c in result.gap_rows[2]] == [5_000]
    assert held(result, "b") == {"victim": 10_000}


def test_detail_can_be_limited_to_watched_transfers() -> None:
    rows = [
        ("a", "A", "mixed", 100_000),
        ("b", "B", "mixed", 200_000),
        ("out", "mixed", "house", 60_000),
        ("rest", "mixed", "x", 30_000),
    ]
    ledger = ledger_of(rows)
    watch = np.array([False, False, True, False])
    result = run_trace(ledger, Rule.PRORATA, source_accounts=["A", "B"], detail=watch)
    position, origin, cents = result.transfer_rows
    assert position.tolist() == [2, 2]
    assert dict(zip(origin.tolist(), cents.tolist(), strict=True)) == {0: 20_000, 1: 40_000}
    assert result.carried.tolist() == [100_000, 200_000, 60_000, 30_000]
    none = run_trace(ledger, Rule.PRORATA, source_accounts=["A", "B"], detail=False)
    assert none.transfers.rows == 0
    assert held(none, "house") == {"A": 20_000, "B": 40_000}


def test_more_sources_than_sixteen_bits_can_number() -> None:
    n = 33_000  # origins past 32,766 are held as 32-bit numbers
    rows = [(f"s{i}", "bank", "mixed", 100 + i) for i in range(n)]
    rows.append(("out", "mixed", "abroad", 1_000_000))
    sources = [f"s{i}" for i in range(n)]
    result = run_trace(ledger_of(rows), Rule.PRORATA, source_txs=sources, schedule=False)
    expected = reference_trace(rows, "prorata", [], sources)
    _, traced, transfers, _ = as_reference(result)
    assert traced == expected.traced
    assert transfers["out"] == expected.transfers["out"]
    assert len(traced["abroad"]) > 32_767


def test_two_partitions_move_their_boundary_to_the_work_and_keep_every_cent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Of four sources, the first two spread through a ring of forty accounts and the
    last two pay one account each. Split in halves, the first partition would do all
    the work: the partitions stop, move the boundary, and the answer is the one
    thread's to the cent."""
    rows = []
    for i in range(40):
        rows.append((f"a{i}", "hub1", f"acct{i}", 1_000 + i))
        rows.append((f"b{i}", "hub2", f"acct{(i + 20) % 40}", 700 + i))
        rows.append((f"c{i}", f"acct{i}", f"acct{(i + 1) % 40}", 333 + i))
        rows.append((f"d{i}", f"acct{(i + 7) % 40}", "shop", 101))
    for k, source in enumerate(("quiet1", "quiet2")):
        rows.append((f"q{k}", source, f"end{k}", 500))
    rows.append(("z", "acct3", "acct9", 77))
    ledger = ledger_of(rows)
    sources = ["hub1", "hub2", "quiet1", "quiet2"]
    from nohaven.trace import engine

    moves: list[int] = []
    real = engine.kernels.move_origins

    def counted(boundary: int, *rest):  # the real kernel, counted
        moves.append(boundary)
        return real(boundary, *rest)

    monkeypatch.setattr(engine.kernels, "move_origins", counted)
    one = run_trace(ledger, Rule.PRORATA, source_accounts=sources, buffers=Buffers(partitions=1))
    two = run_trace(
        ledger, Rule.PRORATA, source_accounts=sources, buffers=Buffers(partitions=2, rebalances=5)
    )
    assert moves, "the partitions never moved their boundary"
    assert as_reference(one) == as_reference(two)
    expected = reference_trace(rows, "prorata", sources, [], {})
    assert as_reference(two)[1] == expected.traced
