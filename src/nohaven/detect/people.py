"""Who is behind an alert: the holders of its accounts, taken to their resolved
entities (canonical id and a name) when the ledger is the store's."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData


def link_people(data: DetectData, alerts: list[Alert]) -> None:
    """Fill each alert's ``people``: one entry per holder, with the alert's accounts
    they hold; accounts with no known holder are left out."""
    accounts = sorted({a for alert in alerts for a in alert.accounts})
    if not accounts:
        return
    # From files, holders are the accounts file's ids; from the store, canonical ids
    # (d_accounts maps them) named by any record of the cluster.
    names = (
        """LEFT JOIN (
               SELECT c.canonical_id AS holder, min(s.value) AS name
               FROM clusters c JOIN statements s ON s.entity_id = c.entity_id
               WHERE s.prop = 'name' GROUP BY c.canonical_id
               UNION ALL
               SELECT s.entity_id, min(s.value) FROM statements s
               WHERE s.prop = 'name'
                 AND s.entity_id NOT IN (SELECT entity_id FROM clusters)
               GROUP BY s.entity_id
           ) n ON n.holder = a.holder"""
        if data.prelude
        else "LEFT JOIN (SELECT NULL::VARCHAR AS holder, NULL::VARCHAR AS name) n ON false"
    )
    sql = data.sql(
        f"""
        SELECT w.account, a.holder, n.name
        FROM alert_accounts w JOIN d_accounts a ON a.account = w.account
        {names}
        WHERE a.holder IS NOT NULL
        """
    )
    with data.store.registered("alert_accounts", pa.table({"account": accounts})):
        rows = data.store.fetchall(sql)
    holder_of = {account: (holder, name) for account, holder, name in rows}
    for alert in alerts:
        people: dict[str, dict[str, Any]] = {}
        for account in alert.accounts:
            if account in holder_of:
                holder, name = holder_of[account]
                entry = people.setdefault(holder, {"id": holder, "name": name, "accounts": []})
                entry["accounts"].append(account)
        alert.people = list(people.values())
