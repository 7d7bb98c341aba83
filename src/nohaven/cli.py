"""The `nohaven` command: a thin Typer layer, each command one library call."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from nohaven.declarations.rules import RuleConfig
from nohaven.errors import InputError, NohavenError
from nohaven.ingest import Kind, load_paths
from nohaven.ingest.files import text_lines
from nohaven.names.compare import DEFAULT_THRESHOLD, compare_names
from nohaven.names.forms import name_forms
from nohaven.output import SafeCsvWriter, atomic_text
from nohaven.resolve.pipeline import DEFAULT_THRESHOLD as MERGE_THRESHOLD
from nohaven.settings import DEFAULT_DB, Settings
from nohaven.store import Store

app = typer.Typer(
    name="nohaven",
    help="Find officials and their families in foreign records, check declarations, "
    "trace stolen money. Exit codes: 0 ok, 1 failure or findings, 2 usage error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
scenario_app = typer.Typer(help="Synthetic worlds with ground truth.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
names_app = typer.Typer(help="Cross-script person names.", no_args_is_help=True)
app.add_typer(names_app, name="names")
clusters_app = typer.Typer(help="Resolved entities.", no_args_is_help=True)
app.add_typer(clusters_app, name="clusters")
declarations_app = typer.Typer(
    help="Officials' declarations checked against everything loaded.", no_args_is_help=True
)
app.add_typer(declarations_app, name="declarations")
passport_app = typer.Typer(help="Passport applications.", no_args_is_help=True)
app.add_typer(passport_app, name="passport")
cases_app = typer.Typer(help="Case files: subjects, findings, notes.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
users_app = typer.Typer(help="Users, roles, agencies and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")

out = Console()
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="NOHAVEN_DB", help="DuckDB database file.", show_default=True),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


class RichReporter:
    """Progress bars on stderr; on a non-terminal, one line per task instead."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def track(self, description: str, total: float) -> Callable[[float], None]:
        if not err.is_terminal:
            err.print(description, highlight=False)
        task = self.progress.add_task(description, total=total or None)
        return lambda delta: self.progress.advance(task, delta)


@contextmanager
def reporter() -> Iterator[RichReporter]:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        yield RichReporter(progress)


def settings_for(db: Path) -> Settings:
    return Settings(db=db)


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to load.")],
    dataset: Annotated[
        str | None,
        typer.Option(help="Dataset name (default: each file's base name)."),
    ] = None,
    kind: Annotated[
        Kind | None, typer.Option(help="File format (default: guessed from the file).")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="YAML mapping for a CSV of entities.")
    ] = None,
    agency: Annotated[str | None, typer.Option(help="The agency that owns what is loaded.")] = None,
    share_with: Annotated[
        list[str] | None, typer.Option(help="An agency it is shared with (repeatable).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Load files all or nothing; files already loaded are skipped (same SHA-256)."""
    from nohaven.access import any_users, record_ownership

    with Store.from_settings(settings_for(db)) as store, reporter() as progress:
        if agency is None and share_with:
            raise NohavenError("--share-with needs --agency (the owner)")
        if agency is None and any_users(store):
            raise NohavenError("users exist: say which agency owns the data with --agency")
        results = load_paths(
            store, paths, dataset=dataset, kind=kind, mapping=mapping, reporter=progress
        )
        if agency is not None:
            record_ownership(store, [r.dataset for r in results], agency, share_with or [])
    if as_json:
        out.print_json(json.dumps([r.to_dict() for r in results]))
        return
    table = Table("file", "dataset", "kind", "rows", "sha256", title=f"Loaded into {db}")
    for r in results:
        rows = f"{r.rows:,}" + (" (already loaded)" if r.skipped else "")
        table.add_row(r.path, r.dataset, r.kind, rows, r.sha256[:12])
    out.print(table)
    for r in results:
        for note in r.set_aside:
            err.print(f"{r.path}: {note}", highlight=False, markup=False)


@app.command()
def export(
    dataset: Annotated[str, typer.Option(help="Dataset to write out.")],
    output: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output).")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write a dataset's entities as FtM JSON lines."""
    from nohaven.store.export import export_entities

    with Store.from_settings(settings_for(db), read_only=True) as store:
        if output is None:
            count = export_entities(store, dataset, sys.stdout)
        else:
            with atomic_text(output) as handle:
                count = export_entities(store, dataset, handle)
    err.print(f"exported {count:,} entities from {dataset}", highlight=False)


@app.command()
def status(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Counts per dataset and table."""
    if not db.exists():
        raise NohavenError(f"{db}: no such database (load something first)")
    with Store.from_settings(settings_for(db), read_only=True) as store:
        summary = store.status()
    if as_json:
        out.print_json(json.dumps(summary))
        return
    table = Table(
        "dataset",
        "sources",
        "entities",
        "statements",
        "ledger",
        "accounts",
        "declarations",
        title=f"{summary['db']} (schema v{summary['schema_version']})",
    )
    for name, c in summary["datasets"].items():
        table.add_row(
            name,
            *(
                f"{c[k]:,}"
                for k in ("sources", "entities", "statements", "ledger", "accounts", "declarations")
            ),
        )
    out.print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a declaration (docs/declaration.schema.json)."""
    from nohaven.ingest.declaration import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")


class Size(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@scenario_app.command("generate")
def scenario_generate(
    output: Annotated[Path, typer.Option("--out", help="Directory to write the world to.")],
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 7,
    size: Annotated[Size, typer.Option(help="small (tests), medium or large.")] = Size.SMALL,
    as_json: JsonOption = False,
) -> None:
    """Generate a synthetic world with ground truth in OUT/truth/."""
    from nohaven.scenario import generate

    with reporter() as progress:
        tasks: dict[str, tuple[Callable[[float], None], list[int]]] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = (progress.track(stage, total), [0])
            advance, last = tasks[stage]
            advance(done - last[0])
            last[0] = done

        summary = generate(output, seed=seed, size=size.value, progress=on_progress)
    if as_json:
        out.print_json(json.dumps(summary.to_dict(), default=str))
        return
    table = Table("file", "rows", title=f"World {size.value} seed {seed} in {output}")
    for name, rows in summary.counts.items():
        table.add_row(name, f"{rows:,}")
    out.print(table)


@names_app.command("score")
def names_score(
    pairs: Annotated[Path, typer.Argument(help="UTF-8 CSV with columns left,right.")],
    threshold: Annotated[float, typer.Option(help="Match threshold.")] = DEFAULT_THRESHOLD,
) -> None:
    """Score name pairs: CSV left,right,score,match to standard output, in input order."""
    if not pairs.is_file():
        raise InputError(pairs, "no such file")
    with text_lines(pairs) as lines:
        _score_rows(pairs, csv.reader(lines), threshold)


def _score_rows(pairs: Path, reader: Iterator[list[str]], threshold: float) -> None:
    """Check the header, then score and write each row as it is read (streams)."""
    header = next(reader, None)
    if header is None:
        raise InputError(pairs, "the file is empty; expected a header with left,right", line=1)
    header = [h.strip() for h in header]
    for column in ("left", "right"):
        if column not in header:
            raise InputError(pairs, "required column missing", line=1, field=column)
    left, right = header.index("left"), header.index("right")
    writer = SafeCsvWriter(sys.stdout, lineterminator="\n")
    writer.writerow(["left", "right", "score", "match"])
    for row in reader:
        if not row:
            continue
        a = row[left] if left < len(row) else ""
        b = row[right] if right < len(row) else ""
        result = compare_names(a, b, threshold)
        writer.writerow([a, b, f"{result.score:.4f}", "true" if result.match else "false"])


@names_app.command("explain")
def names_explain(
    left: Annotated[str, typer.Argument(help="A name in any script.")],
    right: Annotated[str, typer.Argument(help="Another name.")],
) -> None:
    """Show how two names align: which system, which parts, what is missing or extra."""
    out.print(compare_names(left, right).explain(), highlight=False, markup=False)


@names_app.command("romanize")
def names_romanize(
    name: Annotated[str, typer.Argument(help="A name in Han characters.")],
) -> None:
    """List a Han name's romanised forms with their systems."""
    forms = name_forms(name)
    if not forms:
        raise NohavenError(f"{name!r}: no Han characters to romanise")
    for system, form in forms:
        out.print(f"{system:18} {form}", highlight=False, markup=False)


class JudgementChoice(StrEnum):
    same = "same"
    different = "different"
    unsure = "unsure"


class EngineChoice(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command()
def resolve(
    engine: Annotated[
        EngineChoice, typer.Option(help="Where the model runs (spark: pip install nohaven[spark]).")
    ] = EngineChoice.duckdb,
    threshold: Annotated[
        float, typer.Option(help="Match probability at which two person records merge.")
    ] = MERGE_THRESHOLD,
    learn_from_judgements: Annotated[
        bool,
        typer.Option(
            "--learn-from-judgements",
            help="Also estimate the model from 'same' judgements (needs 10; best when they "
            "are a fair sample of matches, not only the review queue's hard cases).",
        ),
    ] = False,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Resolve every loaded person and company record into canonical entities."""
    from nohaven.resolve.pipeline import resolve as run_resolve

    with Store.from_settings(settings_for(db)) as store:
        summary = run_resolve(
            store,
            engine=engine.value,
            threshold=threshold,
            progress=lambda m: err.print(m, highlight=False),
            learn_from_judgements=learn_from_judgements,
        )
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    table = Table("", "", title=f"Resolved {db} in {summary.seconds:.1f} s")
    table.add_row(
        "records",
        f"{summary.records:,} ({summary.persons:,} people, {summary.companies:,} companies)",
    )
    table.add_row("comparisons", f"{summary.comparisons:,}")
    table.add_row(
        "clusters", f"{summary.clusters:,} ({summary.merged_clusters:,} with more than one record)"
    )
    table.add_row("judgements applied", f"{summary.judgements_applied:,}")
    if summary.publisher_merges:
        table.add_row("named one by publishers", f"{summary.publisher_merges:,} pairs (referents)")
    if summary.trained_from_judgements:
        table.add_row("model trained on", f"{summary.trained_from_judgements:,} same judgements")
    for reason, count in summary.skipped.items():
        table.add_row("skipped", f"{count:,} {reason}")
    out.print(table)


@app.command()
def review(
    limit: Annotated[int, typer.Option(help="How many pairs to list.")] = 20,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Pairs awaiting a judgement: an official's family first, then the least certain."""
    from nohaven.resolve.review import open_pairs

    with Store.from_settings(settings_for(db), read_only=True) as store:
        pairs = open_pairs(store, limit=limit)
    if as_json:
        out.print_json(json.dumps([p.as_dict() for p in pairs], ensure_ascii=False))
        return
    table = Table("left", "right", "p", "evidence", title="Open pairs")
    for p in pairs:
        table.add_row(
            f"{p.left_id}\n{' / '.join(p.left_names)}",
            f"{p.right_id}\n{' / '.join(p.right_names)}",
            f"{p.match_probability:.3f}" + (" *" if p.family_of_official else ""),
            p.evidence,
        )
    out.print(table)
    err.print("* touches an official's family", highlight=False)


@app.command()
def judge(
    left: Annotated[str, typer.Argument(help="Entity id of one record.")],
    right: Annotated[str, typer.Argument(help="Entity id of the other record.")],
    judgement: Annotated[JudgementChoice, typer.Argument(help="same, different or unsure.")],
    author: Annotated[str, typer.Option(help="Who judges.")],
    reason: Annotated[str | None, typer.Option(help="Why, for the record.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record a judgement on a pair; every later resolve run applies it."""
    from nohaven.resolve.judgements import add_judgement

    with Store.from_settings(settings_for(db)) as store:
        made = add_judgement(store, left, right, judgement.value, author, reason)
    err.print(
        f"{made.left_id} / {made.right_id}: {made.judgement} (by {made.author}); "
        "applied from the next `nohaven resolve`",
        highlight=False,
    )


@clusters_app.command("export")
def clusters_export(
    path: Annotated[Path, typer.Argument(help="CSV file to write.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write entity_id,canonical_id for every person and company record."""
    from nohaven.resolve.review import export_clusters

    with Store.from_settings(settings_for(db), read_only=True) as store:
        count = export_clusters(store, path)
    err.print(f"wrote {count:,} records to {path}", highlight=False)


class ScreenFormat(StrEnum):
    csv = "csv"
    json = "json"


class NakedVariant(StrEnum):
    rule_2010 = "2010"
    rule_2014 = "2014"


def _rule_config(
    naked_variant: NakedVariant, wealth_ratio: float, rates: Path | None
) -> RuleConfig:
    from nohaven.ingest.rates import latest_cny_rates, read_rates

    if wealth_ratio <= 0:
        raise NohavenError(f"--wealth-ratio must be positive, not {wealth_ratio}")
    config = RuleConfig(naked_variant=naked_variant.value, wealth_ratio=wealth_ratio)
    if rates is None:
        return config
    try:
        return replace(config, rates_cny=latest_cny_rates(read_rates(rates)))
    except ValueError as exc:
        raise NohavenError(f"{rates}: {exc}") from None


NakedOption = Annotated[
    NakedVariant,
    typer.Option(
        help="2010: spouse and every child emigrated; 2014: the spouse, or with no spouse "
        "every child."
    ),
]
WealthOption = Annotated[
    float,
    typer.Option(help="Family wealth above this multiple of declared income is unexplained."),
]
RatesOption = Annotated[
    Path | None,
    typer.Option(
        help="Exchange rates CSV (date,currency,rate_to_usd); each currency's latest rate "
        "is used, and amounts in currencies it lacks are left out and counted. Default: "
        "built-in long-run rates."
    ),
]


@declarations_app.command("check")
def declarations_check(
    official: Annotated[
        str | None, typer.Option(help="Check one official (entity id); default all.")
    ] = None,
    naked_variant: NakedOption = NakedVariant.rule_2010,
    wealth_ratio: WealthOption = 10.0,
    rates: RatesOption = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Findings per rule (naked official, incomplete family, undeclared foreign asset,
    unexplained wealth), riskiest official first. Exit 1 when there are findings."""
    from nohaven.declarations.check import check_declarations, risk_ranking

    with Store.from_settings(settings_for(db), read_only=True) as store:
        findings = check_declarations(
            store, official=official, config=_rule_config(naked_variant, wealth_ratio, rates)
        )
        ranking = risk_ranking(store, findings)
    if as_json:
        out.print_json(json.dumps([f.as_dict() for f in findings], ensure_ascii=False))
    else:
        table = Table("official", "risk", "findings", title="Declaration findings")
        for risk in ranking:
            table.add_row(
                f"{risk.official_id}\n{risk.name or ''}",
                f"{risk.score:g}",
                "\n".join(_finding_line(f.rule, f.evidence) for f in risk.findings),
            )
        out.print(table)
        err.print(f"{len(findings)} findings for {len(ranking)} officials", highlight=False)
    if findings:
        raise typer.Exit(1)


def _finding_line(rule: str, evidence: dict) -> str:
    if rule == "incomplete_family":
        missing = ", ".join(f"{m['relation']} {m['person_id']}" for m in evidence["missing"])
        return f"incomplete family: {missing} not in {evidence['declaration_id']}"
    if rule == "undeclared_foreign_asset":
        assets = evidence["assets"]
        return f"undeclared foreign assets: {len(assets)} ({assets[0]['label']}, ...)"
    if rule == "unexplained_wealth":
        return (
            f"unexplained wealth: CNY {evidence['wealth_cny']:,.0f} is "
            f"{evidence['ratio']:g}x declared income of CNY {evidence['income_cny']:,.0f}"
        )
    if rule == "red_flags":
        return "red flags: " + ", ".join(sorted({f["flag"] for f in evidence["flags"]}))
    return f"naked official ({evidence['variant']} rule)"


@passport_app.command("check")
def passport_check(
    application_id: Annotated[str, typer.Argument(help="Declaration id of the application.")],
    naked_variant: NakedOption = NakedVariant.rule_2010,
    wealth_ratio: WealthOption = 10.0,
    rates: RatesOption = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Approve or hold a passport application, with reasons. Exit 1 on hold."""
    from nohaven.declarations.passport import check_passport

    with Store.from_settings(settings_for(db), read_only=True) as store:
        decision = check_passport(
            store, application_id, config=_rule_config(naked_variant, wealth_ratio, rates)
        )
    if as_json:
        out.print_json(json.dumps(decision.as_dict(), ensure_ascii=False, default=str))
    else:
        out.print(
            f"{decision.application_id} ({decision.official_id}, filed "
            f"{decision.filed.isoformat()}): {decision.decision.upper()}",
            highlight=False,
        )
        for reason in decision.reasons:
            out.print(f"  - {reason}", highlight=False)
    if decision.decision != "approve":
        raise typer.Exit(1)


LedgerOption = Annotated[
    Path | None,
    typer.Option(help="Ledger CSV or Parquet (the loader's columns); default: the store's."),
]


class TraceRuleChoice(StrEnum):
    libr = "libr"
    fifo = "fifo"
    prorata = "prorata"


class TraceOrderChoice(StrEnum):
    file = "file"
    favourable = "favourable"
    unfavourable = "unfavourable"


@app.command("trace")
def trace_command(
    rule: Annotated[TraceRuleChoice, typer.Option(help="Tracing rule.")],
    source_account: Annotated[
        list[str] | None,
        typer.Option(help="Trace all money leaving this account (repeatable)."),
    ] = None,
    source_tx: Annotated[
        list[str] | None, typer.Option(help="Trace this transaction's money (repeatable).")
    ] = None,
    ledger: LedgerOption = None,
    opening: Annotated[
        Path | None, typer.Option(help="Opening balances CSV: account,balance (own money).")
    ] = None,
    rates: Annotated[
        Path | None,
        typer.Option(
            help="Rates CSV (date,currency,rate_to_usd) for a ledger in several currencies."
        ),
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="Currency to trace in, with --rates (default USD).")
    ] = None,
    order: Annotated[
        TraceOrderChoice,
        typer.Option(help="Order of transactions with equal timestamps."),
    ] = TraceOrderChoice.file,
    asset_links: Annotated[
        Path | None,
        typer.Option(
            help="CSV transaction,asset[,label]: purchase transfers and what they bought."
        ),
    ] = None,
    schedule: Annotated[
        Path | None, typer.Option(help="Write the tracing schedule here (.csv or .html).")
    ] = None,
    schedule_account: Annotated[
        list[str] | None, typer.Option(help="Limit the schedule to these accounts (repeatable).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Follow money from sources through accounts under one rule, into accounts and assets."""
    from nohaven.trace.engine import Rule
    from nohaven.trace.ledger import Order
    from nohaven.trace.report import flow_summary, to_contract, write_contract, write_schedule
    from nohaven.trace.run import TraceRequest, trace

    request = TraceRequest(
        rule=Rule(rule.value),
        source_accounts=tuple(source_account or ()),
        source_txs=tuple(source_tx or ()),
        ledger=ledger,
        opening=opening,
        rates=rates,
        currency=currency,
        order=Order(order.value),
        asset_links=asset_links,
        detail=as_json,
        schedule=schedule is not None,
    )
    if db.exists():
        with Store.from_settings(settings_for(db), read_only=True) as store:
            result, links = trace(request, store)
    elif ledger is None:
        raise NohavenError(f"{db}: no database and no --ledger; load a ledger first")
    else:
        result, links = trace(request, None)
    if schedule is not None:
        rows = write_schedule(result, schedule, schedule_account)
        err.print(f"schedule: {rows} steps written to {schedule}", highlight=False)
    try:
        if as_json:
            write_contract(result, sys.stdout, links)
            return
        contract = to_contract(result, links, transfers=False)
        contract["transfers_touched"] = int((result.carried > 0).sum())
        _print_trace(contract, flow_summary(result, limit=15))
    finally:
        result.transfers.close()


def _print_trace(contract: dict, flows: dict) -> None:
    currency = contract["currency"]
    out.print(f"[bold]{contract['rule']}[/bold]: {contract['rule_text']}", highlight=False)
    out.print(f"order: {contract['order']}", highlight=False)
    sources = Table("source", f"left the source ({currency})", f"still traced ({currency})")
    for name, figures in contract["sources"].items():
        sources.add_row(name, figures["injected"], figures["held"])
    out.print(sources)
    table = Table("from", "to", f"traced ({currency})", title="Largest traced flows")
    for link in flows["links"]:
        table.add_row(link["source"], link["target"], link["amount"])
    out.print(table)
    for asset_id, asset in contract.get("assets", {}).items():
        traced = ", ".join(f"{k}: {v}" for k, v in asset["traced"].items())
        out.print(f"asset {asset['label']} ({asset_id}): {traced} {currency}", highlight=False)
    for note in contract["notes"]:
        err.print(f"note: {note}", highlight=False)
    err.print(
        f"{len(contract['accounts'])} accounts and {contract['transfers_touched']} transfers "
        f"touched by traced money; {len(contract['gaps'])} gaps",
        highlight=False,
    )


@app.command("detect")
def detect_command(
    ledger: LedgerOption = None,
    accounts: Annotated[
        Path | None, typer.Option(help="Accounts CSV: account,holder,bank,country,kind.")
    ] = None,
    relations: Annotated[
        Path | None,
        typer.Option(help="Relations CSV: person_a,person_b,relation (spouse, child, ...)."),
    ] = None,
    typology: Annotated[
        list[str] | None, typer.Option(help="Run only these detectors (repeatable).")
    ] = None,
    save: Annotated[
        bool, typer.Option(help="Keep the alerts in the store (over the store only).")
    ] = True,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Laundering typologies in a ledger: one alert per suspected scheme, highest score
    first, with the resolved people behind its accounts (docs/DETECTION.md). Over the
    store, the run and its alerts are kept for the API and the UI."""
    from nohaven.detect import DETECTORS, DetectRequest, detect, save_alerts

    request = DetectRequest(
        ledger=ledger,
        accounts=accounts,
        relations=relations,
        typologies=tuple(typology or DETECTORS),
    )
    if ledger is None:
        with Store.from_settings(settings_for(db), read_only=not save) as store:
            alerts = detect(request, store)
            if save:
                run_id = save_alerts(store, alerts, request.typologies)
                err.print(f"detection run {run_id} kept in the store", highlight=False)
    else:
        alerts = detect(request)
    if as_json:
        out.print_json(json.dumps([a.as_dict() for a in alerts], ensure_ascii=False, default=str))
        return
    table = Table("typology", "score", "accounts", "transactions", "why", title="Alerts")
    for alert in alerts:
        table.add_row(
            alert.typology,
            f"{alert.score:.2f}",
            "\n".join(alert.accounts[:5]),
            str(len(alert.transactions)),
            alert.explanation,
        )
    out.print(table)
    err.print(f"{len(alerts)} alerts", highlight=False)


@app.command()
def screen(
    people: Annotated[
        Path,
        typer.Argument(
            help="UTF-8 CSV with a name column; optional id, birth_date, gender, "
            "nationality, id_number, passport_number, address, alias, schema."
        ),
    ],
    dataset: Annotated[
        str, typer.Option(help="Dataset to screen against ('default' for all loaded).")
    ] = "default",
    limit: Annotated[int, typer.Option(min=1, max=500, help="Results per person.")] = 5,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Score from which a result is a match.")
    ] = 0.7,
    output_format: Annotated[
        ScreenFormat, typer.Option("--format", help="Output format.")
    ] = ScreenFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
    weigh_namesakes: Annotated[
        bool,
        typer.Option(
            "--weigh-namesakes/--every-namesake",
            help="A person given by name alone scores 1/n against a name n people carry "
            "(default), or matches every namesake.",
        ),
    ] = True,
    topic: Annotated[
        list[str] | None,
        typer.Option(help="Only results with this FtM topic (role.pep, sanction); repeatable."),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Only records whose newest source was loaded after this UTC date or time "
            "(YYYY-MM-DD[THH[:MM[:SS]]]), to re-screen against what changed."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Screen a file of people against loaded records, relatives of officials included."""
    from nohaven.screen.batch import OUTPUT_COLUMNS, csv_rows, read_queries, screen_queries
    from nohaven.screen.index import build_index
    from nohaven.screen.query import changed_since_epoch
    from nohaven.screen.service import ScreeningService, match_workers, settle_heap

    since = changed_since_epoch(changed_since)
    queries = read_queries(people)
    settings = settings_for(db)
    with Store.from_settings(settings, read_only=True) as store:
        scope = ScreeningService(store).datasets(dataset)
        err.print(f"indexing {db}", highlight=False)
        index = build_index(store)
    settle_heap()
    with reporter() as progress:
        advance = progress.track(f"screening {len(queries):,} people", len(queries))
        responses = screen_queries(
            index,
            queries,
            datasets=scope,
            limit=limit,
            threshold=threshold,
            advance=advance,
            weigh_namesakes=weigh_namesakes,
            topics=frozenset(topic or ()),
            changed_since=since,
            workers=match_workers(settings.match_workers, index),
        )
    matched = sum(1 for r in responses if any(x["match"] for x in r["results"]))

    def write(handle) -> None:
        if output_format is ScreenFormat.json:
            json.dump(responses, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        else:
            writer = SafeCsvWriter(handle, lineterminator="\n")
            writer.writerow(OUTPUT_COLUMNS)
            writer.writerows(csv_rows(responses))

    if output is None:
        write(sys.stdout)
    else:
        with atomic_text(output) as handle:
            write(handle)
    err.print(f"{matched:,} of {len(responses):,} people matched", highlight=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = DEFAULT_DB,
    rates: Annotated[
        Path | None,
        typer.Option(help="Rates CSV (date,currency,rate_to_usd) for the tracing view."),
    ] = None,
) -> None:
    """Run the web app and API."""
    import dataclasses
    import ipaddress

    import uvicorn

    from nohaven.access import any_users
    from nohaven.web import create_app

    # Open the store once here, so a locked or newer database is one clear message
    # rather than a failed start-up inside the server.
    with Store.from_settings(settings_for(db)) as store:
        users = any_users(store)
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not users and not loopback:
        raise NohavenError(
            f"no users exist, so nohaven serves only this machine (127.0.0.1), not {host}: "
            "add one with `nohaven users add NAME --agency AGENCY --role admin` first"
        )
    settings = settings_for(db)
    if rates is not None:
        settings = dataclasses.replace(settings, rates=rates)
    web_app = create_app(settings)
    out.print(f"nohaven is serving {db} on http://{host}:{port}", highlight=False)
    if users:
        out.print("every request needs a sign-in or an API token", highlight=False)
    else:
        out.print(
            "local single-user mode: no users exist, so anyone on this machine can use it; "
            "`nohaven users add` turns sign-in on",
            highlight=False,
        )
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


@app.command()
def demo(
    output: Annotated[Path, typer.Option("--out", help="Where the demo world is written.")] = Path(
        "demo/world"
    ),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    size: Annotated[Size, typer.Option(help="World size.")] = Size.SMALL,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the web app afterwards.")
    ] = True,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path, typer.Option("--db", help="Demo database file.")] = Path(
        "demo/nohaven.duckdb"
    ),
) -> None:
    """Generate a world, load it, run every analysis, then serve the results."""
    from nohaven.demo import run_demo

    with reporter() as progress:
        result = run_demo(settings_for(db), output, seed=seed, size=size.value, reporter=progress)
    table = Table("dataset", "kind", "rows", title=f"Demo world ({size.value}, seed {seed}) → {db}")
    for r in result.loaded:
        table.add_row(r.dataset, r.kind, f"{r.rows:,}" + (" (already loaded)" if r.skipped else ""))
    out.print(table)
    for line in result.analyses:
        out.print(line, highlight=False)
    if serve_after:
        serve(host=host, port=port, db=db, rates=result.rates)


# -- cases, dossiers and the audit log -------------------------------------------------


def _case_line(case: Any) -> str:
    return (
        f"{case.case_id}  [{case.status}]  {case.title}  "
        f"({len(case.subjects)} subjects, {len(case.findings)} findings, {len(case.notes)} notes)"
    )


@cases_app.command("open")
def cases_open(
    title: Annotated[str, typer.Argument(help="What the case is about.")],
    subject: Annotated[
        list[str], typer.Option(help="A record or resolved id the case is about (repeatable).")
    ],
    agency: Annotated[str | None, typer.Option(help="The agency that owns the case.")] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Open a case on one or more subjects; prints its id."""
    from nohaven.cases import current_actor, open_case

    with Store.from_settings(settings_for(db)) as store:
        case_id = open_case(store, title, subject, current_actor(), agency)
    if as_json:
        out.print_json(json.dumps({"id": case_id}))
    else:
        out.print(case_id)


@cases_app.command("add")
def cases_add(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    alert: Annotated[list[str] | None, typer.Option(help="A stored alert id.")] = None,
    declaration: Annotated[
        list[str] | None, typer.Option(help="RULE:OFFICIAL_ID, a declaration finding.")
    ] = None,
    trace_account: Annotated[
        list[str] | None, typer.Option(help="Trace money leaving this account.")
    ] = None,
    trace_tx: Annotated[list[str] | None, typer.Option(help="Trace this transfer.")] = None,
    rates: Annotated[Path | None, typer.Option(help="Rates CSV for the trace.")] = None,
    subject: Annotated[list[str] | None, typer.Option(help="Another subject's id.")] = None,
    role: Annotated[str, typer.Option(help="Role of --subject: family, associate...")] = "family",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Pull findings (alerts, declaration findings, a trace) or subjects into a case."""
    from nohaven import cases

    actor = cases.current_actor()
    with Store.from_settings(settings_for(db)) as store:
        cases.get_case(store, case_id)
        for entity_id in subject or []:
            cases.add_subject(store, case_id, entity_id, role, actor)
        for alert_id in alert or []:
            cases.add_alert(store, case_id, alert_id, actor)
        for item in declaration or []:
            rule, _, official = item.partition(":")
            if not official:
                raise NohavenError(f"--declaration takes RULE:OFFICIAL_ID, not {item!r}")
            cases.add_declaration_finding(store, case_id, rule, official, actor)
        if trace_account or trace_tx:
            from nohaven.ingest.rates import read_rates

            table = (
                [(r.day.isoformat(), r.currency, r.rate_to_usd) for r in read_rates(rates)]
                if rates
                else None
            )
            cases.add_trace(
                store,
                case_id,
                actor,
                source_accounts=trace_account,
                source_txs=trace_tx,
                rates=table,
            )
        case = cases.get_case(store, case_id)
    out.print(_case_line(case), highlight=False)


@cases_app.command("note")
def cases_note(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    text: Annotated[str, typer.Argument(help="The note.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add an investigator's note to a case."""
    from nohaven.cases import add_note, current_actor

    with Store.from_settings(settings_for(db)) as store:
        add_note(store, case_id, text, current_actor())


@cases_app.command("status")
def cases_status(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    status: Annotated[str, typer.Argument(help="open, submitted or closed.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Move a case to open, submitted or closed."""
    from nohaven.cases import current_actor, set_status

    with Store.from_settings(settings_for(db)) as store:
        set_status(store, case_id, status, current_actor())


@cases_app.command("list")
def cases_list(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Every case: id, title, subjects and findings."""
    from nohaven.cases import list_cases

    with Store.from_settings(settings_for(db)) as store:
        found = list_cases(store)
    if as_json:
        out.print_json(json.dumps([c.summary() for c in found], ensure_ascii=False))
        return
    for case in found:
        out.print(_case_line(case), highlight=False)
    err.print(f"{len(found)} cases", highlight=False)


@cases_app.command("show")
def cases_show(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """A case with its subjects, findings and notes, as JSON."""
    from nohaven.cases import get_case

    with Store.from_settings(settings_for(db)) as store:
        case = get_case(store, case_id)
    body = case.summary() | {"notes": case.notes, "created_by": case.created_by}
    out.print_json(json.dumps(body, ensure_ascii=False, default=str))


@app.command("dossier")
def dossier(
    target: Annotated[str, typer.Argument(help="CASE_ID, or 'verify' to check a dossier.")],
    folder: Annotated[
        Path | None, typer.Argument(help="With 'verify': the dossier folder.")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder to write the dossier into.")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write a case's dossier (report.pdf, report.html, bundle.ftm.json, schedules,
    manifest.json), or `nohaven dossier verify DIR`: exit 0 when every hash matches,
    1 naming the first file that does not."""
    from nohaven import cases

    if target == "verify":
        if folder is None:
            raise NohavenError("usage: nohaven dossier verify DIR")
        ok, bad = cases.verify_dossier(folder)
        if not ok:
            raise NohavenError(f"{folder / str(bad)}: does not match the manifest")
        out.print(f"{folder}: every file matches the manifest", highlight=False)
        return
    if out_dir is None:
        raise NohavenError("give --out DIR for the dossier")
    cases.check_out_dir(out_dir)
    with Store.from_settings(settings_for(db)) as store:
        manifest = cases.write_dossier(store, target, out_dir, cases.current_actor())
    for name in manifest["files"]:
        out.print(str(out_dir / name), highlight=False)
    err.print(f"dossier of {target} written to {out_dir}", highlight=False)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    agency: Annotated[str, typer.Option(help="The user's agency.")],
    role: Annotated[str, typer.Option(help="viewer, investigator, reviewer or admin.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a UI password from standard input.")
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create a user; prints an API token once (it is kept only hashed)."""
    from nohaven.access import add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with Store.from_settings(settings_for(db)) as store:
        user, token = add_user(store, name, agency, role, password)
    err.print(f"user {user.name} ({user.role}, {user.agency}); API token:", highlight=False)
    out.print(token, highlight=False)


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="User name.")], db: DbOption = DEFAULT_DB
) -> None:
    """Issue another API token for a user (printed once)."""
    from nohaven.access import issue_token

    with Store.from_settings(settings_for(db)) as store:
        out.print(issue_token(store, name), highlight=False)


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="User name.")], db: DbOption = DEFAULT_DB
) -> None:
    """Set a user's UI password, read from standard input."""
    from nohaven.access import set_password

    with Store.from_settings(settings_for(db)) as store:
        set_password(store, name, sys.stdin.readline().rstrip("\n"))


@users_app.command("list")
def users_list(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Every user with agency and role (never tokens or passwords)."""
    from nohaven.access import list_users

    with Store.from_settings(settings_for(db)) as store:
        found = list_users(store)
    if as_json:
        out.print_json(
            json.dumps([{"name": u.name, "agency": u.agency, "role": u.role} for u in found])
        )
        return
    for user in found:
        out.print(f"{user.name}  {user.role}  {user.agency}", highlight=False)


@audit_app.command("verify")
def audit_verify(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Recompute the audit log's hash chain; exit 1 at the first entry changed,
    missing or out of order."""
    from nohaven.cases import verify_audit

    with Store.from_settings(settings_for(db)) as store:
        verdict = verify_audit(store)
    if as_json:
        out.print_json(json.dumps(verdict.as_dict()))
    if not verdict.ok:
        raise NohavenError(f"audit log broken at entry {verdict.broken_at}: {verdict.reason}")
    if not as_json:
        out.print(f"audit log intact: {verdict.entries} entries, head {verdict.head}")


def main() -> None:
    """Entry point: user errors become one message and exit 1, never a traceback.

    Typer handles usage errors itself (exit 2); what reaches us is the library's.
    """
    try:
        app()
    except NohavenError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        sys.exit(1)
    except (OSError, duckdb.Error) as exc:
        err.print(f"error: {exc}", highlight=False, markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted; the store is as it was before this command", highlight=False)
        sys.exit(130)


if __name__ == "__main__":
    main()
