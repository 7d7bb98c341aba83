"""The dossier for a mutual legal assistance request: a report as PDF and HTML, the
cited entities as an FtM bundle, the tracing schedules, and a manifest with the hash of
every file; `verify_dossier` checks a dossier against its manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from nohaven import __version__
from nohaven.access.scope import scoped
from nohaven.cases import audit
from nohaven.cases.evidence import Dossier, bundle_lines, gather
from nohaven.cases.flows import band_path, flow_layout
from nohaven.cases.pdf import write_pdf
from nohaven.errors import NohavenError
from nohaven.store import Store

MANIFEST = "manifest.json"
REPORT_FILES = ("report.pdf", "report.html", "bundle.ftm.json")
_TOP_DESTINATIONS = 12


def write_dossier(
    store: Store,
    case_id: str,
    out: Path,
    actor: str,
    datasets: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Write the case's dossier into ``out`` (created, or replaced whole: files are
    written beside it first, so a failure leaves no half-written dossier); returns the
    manifest. With ``datasets``, the evidence is gathered, resolved and traced within
    them alone (what a user of an agency may see). The export is recorded in the audit
    log."""
    partial = out.with_name(f".{out.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        with scoped(store, datasets) as view:
            dossier = gather(view, case_id)
            dossier.traces = _traces(view, dossier, partial)
            bundle = "".join(line + "\n" for line in bundle_lines(view, dossier.cited))
        (partial / "bundle.ftm.json").write_text(bundle, encoding="utf-8")
        (partial / "report.html").write_text(render_html(dossier), encoding="utf-8")
        write_pdf(dossier, partial / "report.pdf")
        files = {
            path.name: _sha256(path)
            for path in sorted(partial.iterdir())
            if path.is_file() and path.name != MANIFEST
        }
        with store.transaction():
            head = audit.append(store, actor, "dossier.export", case_id, {"files": files})
        manifest = {
            "case_id": case_id,
            "title": dossier.case.title,
            "generated_at": dossier.generated_at.isoformat(),
            "generator": f"nohaven {__version__}",
            "audit_head": head,
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def verify_dossier(folder: Path) -> tuple[bool, str | None]:
    """Whether every file the manifest names is there with its hash; else the first
    that is not (or the manifest itself when it cannot be read)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        return False, MANIFEST
    for name, digest in files.items():
        path = folder / name
        if Path(name).name != name or not path.is_file() or _sha256(path) != digest:
            return False, name
    return True, None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _traces(store: Store, dossier: Dossier, folder: Path) -> list[dict[str, Any]]:
    """Each trace finding under LIBR, FIFO and pro rata, with its schedules written."""
    from nohaven.ingest.rates import Rate
    from nohaven.trace.assets import store_asset_links, watched
    from nohaven.trace.engine import RULE_TEXT, Rule, run_trace
    from nohaven.trace.ledger import read_store_ledger
    from nohaven.trace.report import asset_destinations, flow_summary, resting, write_schedule_csv
    from nohaven.trace.report import money as cents_text

    traces = []
    # The ledger is prepared once for each set of rates, not once per trace.
    prepared: dict[tuple, tuple] = {}
    for n, finding in enumerate(
        (f for f in dossier.case.findings if f["kind"] == "trace"), start=1
    ):
        rates = tuple(
            Rate(dt.date.fromisoformat(d), c, float(r)) for d, c, r in finding["details"]["rates"]
        )
        if rates not in prepared:
            ledger = read_store_ledger(store, rates=rates or None)
            links = store_asset_links(store, ledger)
            prepared[rates] = (ledger, links, watched(ledger, links))
        ledger, links, keep = prepared[rates]
        ref = finding["ref"]
        rules = []
        for rule in Rule:
            result = run_trace(
                ledger,
                rule,
                source_accounts=ref["source_accounts"],
                source_txs=ref["source_txs"],
                detail=keep,
                schedule=True,
            )
            try:
                schedule = f"trace-{n}-{rule.value}.csv"
                steps = write_schedule_csv(result, folder / schedule)
                reached, top = resting(result, ref["source_accounts"], _TOP_DESTINATIONS)
                rules.append(
                    {
                        "rule": rule.value,
                        "rule_text": RULE_TEXT[rule],
                        "order": result.order_text,
                        "schedule": schedule,
                        "steps": steps,
                        "injected": cents_text(int(result.injected.sum())),
                        "destinations": [
                            {"account": account, "traced": cents_text(cents)}
                            for account, cents in top
                        ],
                        "reached": reached,
                        "assets": [
                            {
                                "asset": asset_id,
                                "label": entry["label"],
                                "transfers": entry["transfers"],
                                "traced": _total(entry.get("traced", {}).values()),
                            }
                            for asset_id, entry in asset_destinations(result, links).items()
                        ],
                        "gaps": len(result.gap_rows[0]),
                        "flow": flow_layout(flow_summary(result, limit=12)["links"]),
                    }
                )
            finally:
                result.transfers.close()
        traces.append(
            {
                "finding_id": finding["finding_id"],
                "summary": finding["summary"],
                "sources": ref["source_accounts"] + ref["source_txs"],
                "source_accounts": ref["source_accounts"],
                "source_txs": ref["source_txs"],
                "currency": ledger.currency,
                "rules": rules,
            }
        )
    return traces


def _total(values: Any) -> str:
    return str(sum((Decimal(v) for v in values), Decimal("0.00")))


def render_html(dossier: Dossier) -> str:
    """The report as one self-contained HTML page."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("nohaven.cases", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["bar"] = _bar_width
    environment.filters["money"] = money
    environment.filters["band_path"] = band_path
    return environment.get_template("report.html").render(d=dossier, summary=summary(dossier))


def money(value: str) -> str:
    """A decimal amount as a court reads it: thousands separated, two decimals."""
    return f"{Decimal(value):,.2f}"


def _bar_width(value: str, largest: str) -> float:
    top = Decimal(largest)
    return float(Decimal(value) / top * 100) if top else 0.0


def summary(dossier: Dossier) -> list[str]:
    """The report's opening paragraphs, in plain words."""
    case = dossier.case
    records = sum(len(s.records) for s in dossier.subjects)
    datasets = sorted({r.dataset for s in dossier.subjects for r in s.records})
    holdings = sum(len(s.holdings) for s in dossier.subjects)
    lines = [
        f"This dossier concerns {len(dossier.subjects)} subject(s): "
        + "; ".join(f"{s.name} ({s.canonical_id})" for s in dossier.subjects)
        + f". They are identified in {records} record(s) from {len(datasets)} source "
        f"dataset(s) ({', '.join(datasets) or 'none'}), matched across scripts and "
        "romanisations as shown in section 1.",
        f"Section 2 lists their family and {holdings} holding(s), with how each is held. "
        f"Section 3 follows the money under {', '.join(_rules(dossier)) or 'no'} tracing "
        f"rule(s); section 4 sets out {len(dossier.alerts)} laundering alert(s) and "
        f"{len(dossier.declarations)} declaration finding(s).",
        f"Every figure comes from the {len(dossier.sources)} source file(s) listed with their "
        "SHA-256 hashes in section 6; every action on the case is in the hash-chained audit "
        f"trail of section 7. Case {case.case_id}, opened {case.created_at:%Y-%m-%d} by "
        f"{case.created_by}, status {case.status}.",
    ]
    for trace in dossier.traces:
        for rule in trace["rules"]:
            reached = [a for a in rule["assets"] if Decimal(a["traced"]) > 0]
            lines.append(
                f"Under {rule['rule'].upper()}, {trace['currency']} {money(rule['injected'])} "
                f"traced from {_sources_text(trace)} rests in {rule['reached']} account(s) "
                f"and reached {len(reached)} asset(s)"
                + (f", among them {reached[0]['label']}" if reached else "")
                + "."
            )
    return lines


def _sources_text(trace: dict[str, Any]) -> str:
    accounts, transfers = len(trace["source_accounts"]), len(trace["source_txs"])
    parts = [f"{accounts} account(s)"] if accounts else []
    parts += [f"{transfers} transfer(s)"] if transfers else []
    return " and ".join(parts)


def _rules(dossier: Dossier) -> list[str]:
    return sorted({r["rule"].upper() for t in dossier.traces for r in t["rules"]})


def check_out_dir(out: Path) -> None:
    """A dossier folder may be new, empty or a previous dossier; nothing else is
    overwritten."""
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).exists())
    ):
        raise NohavenError(f"{out} exists and is not a dossier; choose another folder")
