"""The demo job behind `make demo`: a world generated, loaded and analysed end to end."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from nohaven.ingest import LoadResult, ProgressReporter, load_paths
from nohaven.settings import Settings
from nohaven.store import Store


@dataclass
class DemoResult:
    """What the demo loaded and what each analysis reported, for the CLI to print."""

    world: Path
    loaded: list[LoadResult]
    analyses: list[str] = field(default_factory=list)
    rates: Path | None = None  # the world's exchange rates, for the UI's tracing view


def run_demo(
    settings: Settings,
    out: Path,
    *,
    seed: int = 7,
    size: str = "small",
    reporter: ProgressReporter | None = None,
) -> DemoResult:
    """Generate (or reuse) the world, load it, and run every analysis that exists."""
    from nohaven.scenario import ensure_world

    ensure_world(out, seed=seed, size=size)
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    with Store.from_settings(settings) as store:
        loaded = load_paths(store, [out], reporter=reporter)
        status = store.status()
        names = cross_script_links(store, out / "truth" / "identities.csv")
        resolved = _resolve(store, out / "truth" / "identities.csv")
        declared = _declarations(store, out / "truth" / "findings.csv")
        screened = _screen(store)
        traced = _trace(store, out)
        detected = _detect(store, out / "truth" / "schemes.csv")
        dossier = _case(store, out, settings.db.parent / "dossier")
    totals = status["totals"]
    result = DemoResult(out, loaded, rates=_write_rates(out, settings.db.parent / "rates.csv"))
    result.analyses.append(
        f"store: {len(status['datasets'])} datasets, {totals['statements']:,} statements, "
        f"{totals['ledger']:,} transactions, {totals['accounts']:,} accounts, "
        f"{totals['declarations']:,} declarations"
    )
    result.analyses.append(names)
    result.analyses.append(resolved)
    result.analyses.append(declared)
    result.analyses.append(screened)
    result.analyses.append(traced)
    result.analyses.append(detected)
    result.analyses.append(dossier)
    return result


def _screen(store: Store) -> str:
    """One screening as a visa officer would run it: an official's spouse, by the Hong
    Kong spelling of her name, against the registry."""
    from nohaven.names.forms import name_forms
    from nohaven.screen.index import build_index
    from nohaven.screen.match import match_query
    from nohaven.screen.query import parse_query

    index = build_index(store)
    for row, relations in sorted(index.relations.items()):
        spouse_of_official = any(
            r.this_is == "spouse" and index.targets[r.other] for r in relations
        )
        forms: dict[str, str] = {}
        for system, form in name_forms(index.caption(row)) if spouse_of_official else ():
            forms.setdefault(system, form)  # family name first, as Hong Kong writes it
        if "hk_cantonese" not in forms:
            continue
        query = parse_query({"schema": "Person", "properties": {"name": [forms["hk_cantonese"]]}})
        results, _ = match_query(index, query, limit=1)
        if not results:
            continue
        top = results[0]
        relation = top["explanations"].get("relation", {}).get("detail", "no relation on record")
        return (
            f"screen: {index.size:,} entities indexed in {index.built_seconds:.1f} s; "
            f'"{forms["hk_cantonese"]}" finds {top["caption"]} (score {top["score"]:.2f}, '
            f"{relation}); try `nohaven serve` and POST /match/default"
        )
    return f"screen: {index.size:,} entities indexed; no official's spouse to try"


def _declarations(store: Store, truth: Path) -> str:
    """Every declaration rule over what resolution found, against the world's truth."""
    from nohaven.declarations.check import check_declarations, risk_ranking

    findings = check_declarations(store)
    ranking = risk_ranking(store, findings)
    with truth.open(encoding="utf-8") as handle:
        planted = {(row["rule"], row["official_id"]) for row in csv.DictReader(handle)}
    found = {(f.rule, f.official_id) for f in findings}
    top = f"; riskiest: {ranking[0].name or ranking[0].official_id}" if ranking else ""
    return (
        f"declarations: {len(findings)} findings for {len(ranking)} officials, "
        f"{len(found & planted)} of {len(planted)} planted findings found{top} "
        "(`nohaven declarations check`)"
    )


def _detect(store: Store, truth: Path) -> str:
    """Every detector, against the schemes the world planted; the run is kept, so the
    API and the UI show its alerts."""
    from nohaven.detect import DETECTORS, DetectRequest, detect, save_alerts

    alerts = detect(DetectRequest(), store)
    run_id = save_alerts(store, alerts, DETECTORS)
    planted: dict[str, tuple[str, set[str]]] = {}
    with truth.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["typology"] in DETECTORS:
                entry = planted.setdefault(row["scheme_id"], (row["typology"], set()))
                entry[1].add(row["transaction_id"])
    found = sum(
        1
        for typology, txs in planted.values()
        if any(
            a.typology == typology and len(txs & set(a.transactions)) * 2 >= len(txs)
            for a in alerts
        )
    )
    return (
        f"detect: {len(alerts)} alerts ({', '.join(DETECTORS)}), kept as run {run_id}; "
        f"{found} of {len(planted)} planted schemes of these typologies found "
        "(`nohaven detect`)"
    )


def _write_rates(world: Path, path: Path) -> Path:
    """The world's fixed exchange rates as a rates CSV (date,currency,rate_to_usd)."""
    from nohaven.scenario.truth import fixed_rates

    lines = ["date,currency,rate_to_usd"] + [
        f"{day},{code},{rate}" for day, code, rate in fixed_rates(world)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _case(store: Store, world: Path, folder: Path) -> str:
    """A case on the world's Kaiping-style embezzler: the branch president and his
    family as subjects, his embezzled transfers to trace, the alerts they raised and
    his declaration findings; then its dossier."""
    from nohaven import cases
    from nohaven.declarations.check import check_declarations
    from nohaven.scenario.truth import embezzlement_case, fixed_rates

    try:
        official, transfers = embezzlement_case(world)
    except ValueError:
        return "case: the world plants no embezzlement to open a case on"
    rates = fixed_rates(world)
    actor = "demo"
    found = store.fetchone("SELECT case_id FROM cases WHERE title = ?", [_DEMO_CASE])
    case_id = found[0] if found else cases.open_case(store, _DEMO_CASE, [official], actor)
    for (relative,) in store.fetchall(
        "SELECT DISTINCT r.value FROM statements p JOIN statements r "
        "ON r.entity_id = p.entity_id AND r.prop = 'relative' "
        "WHERE p.schema = 'Family' AND p.prop = 'person' AND p.value = ? ORDER BY 1",
        [official],
    ):
        cases.add_subject(store, case_id, relative, "family", actor)
    cases.add_trace(
        store,
        case_id,
        actor,
        source_txs=transfers,
        rates=rates,
        label="Loans embezzled from the branch, followed abroad",
    )
    mine = set(transfers)
    for (alert_id,) in store.fetchall(
        "SELECT alert_id FROM alerts WHERE run_id = (SELECT max(run_id) FROM alerts) "
        "AND len(list_intersect(transactions, ?)) > 0",
        [sorted(mine)],
    ):
        cases.add_alert(store, case_id, alert_id, actor)
    for finding in check_declarations(store, official=official):
        cases.add_declaration_finding(store, case_id, finding.rule, official, actor)
    manifest = cases.write_dossier(store, case_id, folder, actor)
    case = cases.get_case(store, case_id)
    return (
        f"case: {case_id} on {official} with {len(case.findings)} findings; dossier "
        f"({len(manifest['files'])} files) in {folder} (`nohaven dossier {case_id} --out DIR`)"
    )


_DEMO_CASE = "Kaiping-style embezzlement: the branch president's family abroad"


def _trace(store: Store, world: Path) -> str:
    """The embezzlement transfers followed into property under each rule, side by side,
    against the assets the world bought with them."""
    import datetime as dt
    import json

    from nohaven.ingest.rates import Rate
    from nohaven.trace.assets import store_asset_links, watched
    from nohaven.trace.engine import Rule, run_trace
    from nohaven.trace.ledger import read_store_ledger

    with (world / "truth" / "schemes.csv").open(encoding="utf-8") as handle:
        schemes = list(csv.DictReader(handle))
    with (world / "truth" / "assets.csv").open(encoding="utf-8") as handle:
        bought = {r["asset_id"] for r in csv.DictReader(handle) if r["source_scheme_id"]}
    embezzled = [r["transaction_id"] for r in schemes if r["typology"] == "embezzlement"]
    per_unit = json.loads((world / "scenario.json").read_text(encoding="utf-8"))["fx_rates_cny"]
    rates = tuple(
        Rate(dt.date(2000, 1, 1), code, cny / per_unit["USD"]) for code, cny in per_unit.items()
    )
    ledger = read_store_ledger(store, rates=rates)
    # Purchases are linked to property once; each rule then keeps their detail only.
    links = store_asset_links(store, ledger)
    purchases = ledger.positions_of(list(links.by_transaction))
    linked = {a for assets in links.by_transaction.values() for a in assets}
    figures = []
    for rule in Rule:
        result = run_trace(
            ledger,
            rule,
            source_txs=embezzled,
            detail=watched(ledger, links),
            schedule=False,
        )
        reached = {
            a
            for tx, p in purchases.items()
            if result.carried[p] > 0
            for a in links.by_transaction[tx]
        }
        figures.append(f"{rule.value} {len(reached & bought)}")
        result.transfers.close()
    return (
        f"trace: {len(embezzled)} embezzlement transfers followed through "
        f"{ledger.size:,} transactions into property bought with them "
        f"(of {len(bought & linked)} purchases on record): "
        + ", ".join(figures)
        + " (`nohaven trace --rule libr --source-tx ID --rates RATES.csv`)"
    )


def _resolve(store: Store, truth: Path) -> str:
    """Entity resolution over everything loaded, scored against the world's truth."""
    from nohaven.resolve.evaluate import cluster_metrics
    from nohaven.resolve.pipeline import resolve

    summary = resolve(store)
    clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    with truth.open(encoding="utf-8") as handle:
        true_ids = {row["entity_id"]: row["true_id"] for row in csv.DictReader(handle)}
    scores = cluster_metrics(clusters, true_ids)
    precision, recall = scores["cluster_precision"], scores["cluster_recall"]
    return (
        f"resolve: {summary.records:,} records into {summary.clusters:,} entities "
        f"({summary.merged_clusters:,} with several records) in {summary.seconds:.1f} s; "
        f"against the truth, cluster precision {precision:.2f}, recall {recall:.2f} "
        "(`nohaven review` lists the pairs to judge)"
    )


def cross_script_links(store: Store, truth: Path | None = None) -> str:
    """Every Han-script person name against every Latin-script one, by name alone.

    What the name engine finds before entity resolution exists: each pair it calls a
    match, checked against the world's ground truth when there is one.
    """
    from nohaven.names import PersonRecord, compare_people
    from nohaven.names.analysis import analyze_name

    rows = store.fetchall(
        "SELECT n.entity_id, n.value, min(b.value) FROM statements n "
        "LEFT JOIN statements b ON b.entity_id = n.entity_id AND b.prop = 'birthDate' "
        "WHERE n.schema = 'Person' AND n.prop = 'name' GROUP BY n.entity_id, n.value"
    )
    people = [(e, PersonRecord(name, birth)) for e, name, birth in rows]
    han = [(e, p) for e, p in people if analyze_name(p.name).has_han]
    latin = [
        (e, p)
        for e, p in people
        if not analyze_name(p.name).has_han and analyze_name(p.name).has_latin
    ]
    found = {(a, b) for a, left in han for b, right in latin if compare_people(left, right).match}
    line = (
        f"names: {len(han):,} Han-script x {len(latin):,} Latin-script person names "
        f"(with birth dates where known), {len(found):,} cross-script matches"
    )
    if truth is None or not truth.exists():
        return line
    with truth.open(encoding="utf-8") as handle:
        true_id = {row["entity_id"]: row["true_id"] for row in csv.DictReader(handle)}
    same = {
        (a, b)
        for a, _ in han
        for b, _ in latin
        if a in true_id and true_id.get(a) == true_id.get(b)
    }
    hits = len(found & same)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(same) if same else 0.0
    return f"{line}; against ground truth: precision {precision:.2f}, recall {recall:.2f}"
