"""Alerts kept in the store: each detection run appended whole, the latest read back
for the CLI, the API and the UI queues."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa

from nohaven.detect.alerts import Alert
from nohaven.store import Store


def save_alerts(store: Store, alerts: list[Alert], typologies: tuple[str, ...]) -> int:
    """Append a run and its alerts in one transaction; return the run id."""
    with store.transaction():
        row = store.fetchone("SELECT coalesce(max(run_id), 0) + 1 FROM detection_runs")
        run_id = int(row[0]) if row else 1
        store.execute(
            "INSERT INTO detection_runs VALUES (?, ?, ?, ?)",
            [run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), list(typologies), len(alerts)],
        )
        if alerts:
            store.insert_arrow(
                "alerts",
                pa.table(
                    {
                        "run_id": [run_id] * len(alerts),
                        "alert_id": [a.alert_id for a in alerts],
                        "rank": list(range(1, len(alerts) + 1)),
                        "typology": [a.typology for a in alerts],
                        "score": [a.score for a in alerts],
                        "accounts": [a.accounts for a in alerts],
                        "transactions": [a.transactions for a in alerts],
                        "explanation": [a.explanation for a in alerts],
                        "details": [json.dumps(a.details, default=str) for a in alerts],
                        "people": [json.dumps(a.people, ensure_ascii=False) for a in alerts],
                    }
                ),
            )
            # The datasets an alert's transactions come from, for sharing between agencies.
            store.execute(
                """
                UPDATE alerts SET datasets = found.datasets
                FROM (
                    SELECT a.alert_id, list(DISTINCT l.dataset ORDER BY l.dataset) AS datasets
                    FROM (SELECT alert_id, unnest(transactions) AS id FROM alerts
                          WHERE run_id = ?) a
                    JOIN ledger l USING (id)
                    GROUP BY a.alert_id
                ) found
                WHERE alerts.run_id = ? AND alerts.alert_id = found.alert_id
                """,
                [run_id, run_id],
            )
    return run_id


def latest_run(store: Store) -> dict[str, Any] | None:
    """The last detection run (id, when, typologies, alert count), or None."""
    row = store.fetchone(
        "SELECT run_id, started_at, typologies, alerts FROM detection_runs "
        "ORDER BY run_id DESC LIMIT 1"
    )
    if row is None:
        return None
    return {"run_id": row[0], "started_at": row[1], "typologies": row[2], "alerts": row[3]}


def stored_alerts(
    store: Store,
    typologies: tuple[str, ...] | None = None,
    account: str | None = None,
    person: str | None = None,
    datasets: frozenset[str] | None = None,
) -> list[Alert]:
    """The latest run's alerts in rank order, optionally of some typologies, touching
    one account, or involving one resolved person or company; with ``datasets``, only
    alerts whose transactions all come from them."""
    run = latest_run(store)
    if run is None:
        return []
    where = ["run_id = ?"]
    params: list[Any] = [run["run_id"]]
    if typologies:
        where.append("list_contains(?, typology)")
        params.append(list(typologies))
    if account is not None:
        where.append("list_contains(accounts, ?)")
        params.append(account)
    if person is not None:
        where.append("list_contains(json_extract_string(people, '$[*].id'), ?)")
        params.append(person)
    if datasets is not None:
        where.append("datasets IS NOT NULL AND list_has_all(?, datasets)")
        params.append(sorted(datasets))
    rows = store.fetchall(
        "SELECT typology, score, accounts, transactions, explanation, details, people "
        f"FROM alerts WHERE {' AND '.join(where)} ORDER BY rank",
        params,
    )
    return [
        Alert(
            typology=typology,
            score=score,
            accounts=list(accounts),
            transactions=list(transactions),
            explanation=explanation,
            details=json.loads(details),
            people=json.loads(people),
        )
        for typology, score, accounts, transactions, explanation, details, people in rows
    ]
