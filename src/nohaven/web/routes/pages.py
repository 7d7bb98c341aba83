"""The investigator's pages: search, entity, network, tracing, queues, review,
passport check and cases. Server-rendered with Jinja; htmx swaps the parts that change
and Cytoscape draws the network. Each page is a few library calls."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from nohaven.cases.flows import band_path
from nohaven.errors import NohavenError
from nohaven.output import SafeCsvWriter
from nohaven.web.security import (
    SESSION_COOKIE,
    audit_read,
    check_csrf,
    current_user,
    require,
    scoped_reader,
    sign_session,
    visible,
    visible_records,
)

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")


def _money(value: str | Decimal) -> str:
    return f"{Decimal(value):,.2f}"


templates.env.filters["money"] = _money
templates.env.filters["band_path"] = band_path


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    context.setdefault("user", current_user(request))
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    return templates.TemplateResponse(request, name, context)


# -- signing in ------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = Query(default="/", max_length=500)) -> HTMLResponse:
    return _page(request, "login.html", next=_local(next), error=None)


def _local(target: str) -> str:
    """Only a path on this site may follow a login (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    name: str = Form(max_length=100),
    password: str = Form(max_length=1000),
    next: str = Form(default="/", max_length=500),
) -> Response:
    from nohaven.access import check_password

    with request.app.state.store.reader() as reader:
        user = check_password(reader, name, password)
    if user is None:
        page = _page(request, "login.html", next=_local(next), error="Wrong name or password.")
        page.status_code = 401
        return page
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        sign_session(request.app.state.session_key, user.user_id),
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# -- search and entities -------------------------------------------------------------


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: str = Query(default="", max_length=500)) -> HTMLResponse:
    """Find people and companies by name in any script, with the match explained."""
    from nohaven.names import compare_names
    from nohaven.screen.match import match_query
    from nohaven.screen.query import parse_query

    results: list[dict[str, Any]] = []
    if q.strip():
        audit_read(request, "search", q[:200])
        index = request.app.state.screening.index()
        query = parse_query({"schema": "LegalEntity", "properties": {"name": [q]}})
        found, _ = match_query(
            index,
            query,
            limit=20,
            threshold=0.0,
            visible=visible(request),
            weigh_namesakes=False,
            words=True,
        )
        for hit in found:
            names = hit.get("properties", {}).get("name", []) or [hit.get("caption", "")]
            best = max(names, key=lambda n: compare_names(q, n).score)
            results.append(hit | {"matched": best, "explained": compare_names(q, best).explain()})
    return _page(request, "search.html", q=q, results=results)


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str) -> HTMLResponse:
    """Everything about one person or company, each value with its source."""
    from nohaven.cases.evidence import subject_evidence
    from nohaven.detect import stored_alerts
    from nohaven.names import compare_names
    from nohaven.names.forms import name_forms

    with scoped_reader(request) as reader:
        if not reader.fetchone(
            "SELECT 1 FROM statements WHERE entity_id = ? UNION ALL "
            "SELECT 1 FROM clusters WHERE canonical_id = ? LIMIT 1",
            [entity_id, entity_id],
        ):
            raise HTTPException(status_code=404, detail=f"no entity {entity_id!r}")
        subject = subject_evidence(reader, entity_id, "subject", set())
        if not subject.records:
            raise HTTPException(status_code=404, detail=f"no entity {entity_id!r}")
        members = [r.entity_id for r in subject.records]
        forms = {
            name: name_forms(name)
            for r in subject.records
            for name, _ in r.names
            if any("\u4e00" <= c <= "\u9fff" for c in name)
        }
        han = next(iter(forms), None)
        systems = {
            name: sorted(compare_names(han, name).systems)
            for r in subject.records
            for name, _ in r.names
            if han and name.isascii()
        }
        filings = reader.fetchall(
            "SELECT declaration_id, filing_date, kind, version FROM declarations "
            "WHERE official_id IN (SELECT unnest(?)) ORDER BY filing_date DESC, version DESC",
            [members],
        )
        allowed = visible(request)
        alerts = stored_alerts(reader, person=subject.canonical_id, datasets=allowed)
        if not alerts:
            accounts = {a["account"] for a in subject.accounts}
            alerts = [
                a for a in stored_alerts(reader, datasets=allowed) if accounts & set(a.accounts)
            ]
        findings = _findings_for(reader, members)
    audit_read(request, "entity", subject.canonical_id)
    return _page(
        request,
        "entity.html",
        s=subject,
        forms=forms,
        systems=systems,
        filings=filings,
        alerts=alerts[:50],
        findings=findings,
    )


def _findings_for(reader: Any, members: list[str]) -> list[Any]:
    from nohaven.declarations.check import check_declarations

    officials = [
        row[0]
        for row in reader.fetchall(
            "SELECT DISTINCT official_id FROM declarations WHERE official_id IN (SELECT unnest(?))",
            [members],
        )
    ]
    return [f for o in officials for f in check_declarations(reader, official=o)]


@router.get("/entity/{entity_id}/network", response_class=HTMLResponse)
def network_page(request: Request, entity_id: str) -> HTMLResponse:
    """The family and ownership graph around an entity (Cytoscape; click to expand)."""
    return _page(request, "network.html", entity_id=entity_id)


@router.get("/api/network/{entity_id}")
def network(request: Request, entity_id: str) -> dict[str, Any]:
    """Cytoscape elements around a resolved entity: its relatives, directorships and
    what it owns or is owned by, every end taken to its resolved entity."""
    from nohaven.resolve.cluster import members_of

    with scoped_reader(request) as reader:
        root, members = members_of(reader, entity_id)
        if not reader.fetchone(
            "SELECT 1 FROM statements WHERE entity_id IN (SELECT unnest(?)) LIMIT 1", [members]
        ):
            raise HTTPException(status_code=404, detail=f"no entity {entity_id!r}")
        rows = reader.fetchall(
            """
            WITH members AS (
                SELECT entity_id FROM clusters WHERE canonical_id = ?
                UNION SELECT ?
            ), ends AS (
                SELECT a.entity_id AS link, a.schema, a.value AS a, b.value AS b,
                       coalesce(k.value, r.value, lower(a.schema)) AS label
                FROM statements a
                JOIN statements b ON b.entity_id = a.entity_id
                LEFT JOIN statements k ON k.entity_id = a.entity_id AND k.prop = 'relationship'
                LEFT JOIN statements r ON r.entity_id = a.entity_id AND r.prop = 'role'
                WHERE (a.schema = 'Family' AND a.prop = 'person' AND b.prop = 'relative')
                   OR (a.schema = 'Ownership' AND a.prop = 'owner' AND b.prop = 'asset')
                   OR (a.schema = 'Directorship' AND a.prop = 'director'
                       AND b.prop = 'organization')
            )
            SELECT DISTINCT e.link, e.schema, coalesce(ca.canonical_id, e.a),
                   coalesce(cb.canonical_id, e.b), e.label
            FROM ends e
            LEFT JOIN clusters ca ON ca.entity_id = e.a
            LEFT JOIN clusters cb ON cb.entity_id = e.b
            WHERE e.a IN (SELECT entity_id FROM members) OR e.b IN (SELECT entity_id FROM members)
            """,
            [root, root],
        )
        ids = {root} | {r[2] for r in rows} | {r[3] for r in rows}
        described = reader.fetchall(
            """
            SELECT coalesce(c.canonical_id, s.entity_id) AS id,
                   coalesce(min(s.value) FILTER (WHERE s.prop = 'name' AND
                                regexp_matches(s.value, '[\u4e00-\u9fff]')),
                            min(s.value) FILTER (WHERE s.prop = 'name'), min(s.value)),
                   any_value(s.schema)
            FROM statements s LEFT JOIN clusters c ON c.entity_id = s.entity_id
            WHERE coalesce(c.canonical_id, s.entity_id) IN (SELECT unnest(?))
              AND s.prop IN ('name', 'address')
            GROUP BY 1
            """,
            [sorted(ids)],
        )
    audit_read(request, "network", root)
    names = {i: (name, kind) for i, name, kind in described}
    nodes = [
        {
            "data": {
                "id": i,
                "label": names.get(i, (i, ""))[0],
                "kind": names.get(i, ("", "Thing"))[1],
            }
        }
        for i in sorted(ids)
    ]
    edges = [
        {"data": {"id": link, "source": a, "target": b, "label": label, "kind": schema}}
        for link, schema, a, b, label in rows
        if a != b
    ]
    return {"root": root, "elements": nodes + edges}


# -- tracing ---------------------------------------------------------------------------


@router.get("/trace", response_class=HTMLResponse)
def trace_page(request: Request) -> HTMLResponse:
    """Pick sources, compare the rules side by side."""
    return _page(request, "trace.html", rates=_default_rates(request))


def _default_rates(request: Request) -> str:
    path = request.app.state.settings.rates
    return path.read_text(encoding="utf-8") if path and path.exists() else ""


@router.post("/trace/run", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def trace_run(
    request: Request,
    sources: str = Form(max_length=100_000),
    rates: str = Form(default="", max_length=2_000_000),
    rules: list[str] = Form(default=["libr", "fifo", "prorata"]),
) -> HTMLResponse:
    """The rules' results side by side: a flow diagram and destinations for each."""
    from nohaven.cases.flows import flow_layout
    from nohaven.trace.engine import RULE_TEXT, Rule, run_trace
    from nohaven.trace.report import asset_destinations, flow_summary, resting

    names = [s.strip() for s in sources.replace(",", "\n").splitlines() if s.strip()]
    if not names:
        return _fragment(request, "Give at least one source account or transfer id.")
    try:
        (ledger, links, keep), source_accounts, source_txs = _prepared(request, names, rates)
        chosen = [Rule(r) for r in rules if r in {x.value for x in Rule}]

        def one(rule: Rule) -> dict[str, Any]:
            result = run_trace(
                ledger,
                rule,
                source_accounts=source_accounts,
                source_txs=source_txs,
                detail=keep,
                schedule=False,
            )
            try:
                _, top = resting(result, source_accounts, 10)
                return {
                    "rule": rule.value,
                    "text": RULE_TEXT[rule],
                    "injected": Decimal(int(result.injected.sum())) / 100,
                    "held": [(account, Decimal(cents) / 100) for account, cents in top],
                    "assets": asset_destinations(result, links),
                    "flow": flow_layout(flow_summary(result, limit=12)["links"]),
                }
            finally:
                result.transfers.close()

        # The rules run side by side: the kernels release the GIL.
        with ThreadPoolExecutor(max_workers=len(chosen) or 1) as pool:
            shown = list(pool.map(one, chosen))
    except (NohavenError, ValueError) as exc:
        return _fragment(request, str(exc))
    return _page(
        request,
        "trace_result.html",
        results=shown,
        currency=ledger.currency,
        sources=names,
        rates=rates,
    )


@router.post("/trace/schedule", dependencies=[Depends(check_csrf)])
def trace_schedule(
    request: Request,
    sources: str = Form(max_length=100_000),
    rates: str = Form(default="", max_length=2_000_000),
    rule: str = Form(pattern="^(libr|fifo|prorata)$"),
) -> Response:
    """One rule's tracing schedule as CSV: every step with balance and traced balance."""

    from nohaven.trace.engine import Rule, run_trace
    from nohaven.trace.report import SCHEDULE_COLUMNS, schedule_rows

    names = [s.strip() for s in sources.replace(",", "\n").splitlines() if s.strip()]
    try:
        (ledger, _, _), source_accounts, source_txs = _prepared(request, names, rates)
        result = run_trace(
            ledger,
            Rule(rule),
            source_accounts=source_accounts,
            source_txs=source_txs,
            detail=False,
            schedule=True,
        )
    except (NohavenError, ValueError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    try:
        text = io.StringIO()
        writer = SafeCsvWriter(text)
        writer.writerow(SCHEDULE_COLUMNS)
        writer.writerows(schedule_rows(result))
    finally:
        result.transfers.close()
    return Response(
        text.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="schedule-{rule}.csv"'},
    )


def _prepared(request: Request, names: list[str], rates: str) -> tuple[Any, list, list]:
    """The store's ledger prepared with the pasted rates (cached between requests, with
    its property links and detail filter), and the names split into source accounts
    and transfers."""
    from nohaven.web.routes.tracing import RateIn, TraceIn, ledger_cache

    parsed = [
        RateIn(date=r.day, currency=r.currency, rate_to_usd=r.rate_to_usd)
        for r in parse_rates(rates)
    ]
    with request.app.state.store.reader() as reader:
        prepared = ledger_cache(request).get(
            reader,
            TraceIn(rule="libr", source_accounts=names[:1], rates=parsed or None),
            visible(request),
        )
    known = prepared.ledger.indices_of(names)
    return (
        prepared,
        [n for n in names if n in known],
        [n for n in names if n not in known],
    )


def parse_rates(text: str) -> list[Any]:
    """Rates pasted as CSV lines (date,currency,rate_to_usd; a header is skipped)."""
    import datetime as dt

    from nohaven.ingest.rates import Rate

    rates = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [c.strip() for c in line.split(",")]
        if not line.strip() or cells[0] == "date":
            continue
        if len(cells) != 3:
            raise ValueError(f"rates line {number}: want date,currency,rate_to_usd")
        try:
            rates.append(Rate(dt.date.fromisoformat(cells[0]), cells[1].upper(), float(cells[2])))
        except ValueError:
            raise ValueError(f"rates line {number}: {line!r} is not date,currency,rate") from None
    return rates


def _fragment(request: Request, message: str) -> HTMLResponse:
    return _page(request, "message.html", message=message)


# -- queues ----------------------------------------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, typology: str = Query(default="", max_length=50)) -> HTMLResponse:
    """The alert queue of the latest detection run, by typology."""
    from nohaven.detect import DETECTORS, latest_run, stored_alerts

    with request.app.state.store.reader() as reader:
        run = latest_run(reader)
        found = stored_alerts(reader, (typology,) if typology else None, datasets=visible(request))
    return _page(
        request,
        "alerts.html",
        run=run,
        alerts=found[:200],
        total=len(found),
        typology=typology,
        typologies=DETECTORS,
    )


@router.get("/findings", response_class=HTMLResponse)
def findings_page(request: Request, rule: str = Query(default="", max_length=50)) -> HTMLResponse:
    """Declaration findings, riskiest official first, by rule."""
    from nohaven.declarations.check import check_declarations
    from nohaven.declarations.rules import RULES

    with scoped_reader(request) as reader:
        found = check_declarations(reader, rules=(rule,) if rule else RULES)
    return _page(
        request, "findings.html", findings=found[:300], total=len(found), rule=rule, rules=RULES
    )


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request) -> HTMLResponse:
    """The resolution review queue, one pair at a time: s same, d different, u unsure."""
    return _page(request, "review.html", pair=_next_pair(request), done=None)


def _next_pair(request: Request) -> Any:
    from nohaven.resolve.review import open_pairs

    with scoped_reader(request) as reader:
        try:
            pairs = open_pairs(reader, limit=50)
        except NohavenError:
            return None
    return pairs[0] if pairs else None


@router.post(
    "/review/judge",
    response_class=HTMLResponse,
    dependencies=[Depends(check_csrf), Depends(require("judge"))],
)
def review_judge(
    request: Request,
    left_id: str = Form(max_length=500),
    right_id: str = Form(max_length=500),
    judgement: str = Form(max_length=20),
    author: str = Form(default="investigator", min_length=1, max_length=200),
) -> HTMLResponse:
    """Record a judgement and show the next pair."""
    from nohaven.resolve.judgements import add_judgement

    user = current_user(request)
    if user is not None:
        author = user.name  # signed in: the judgement is the user's, whatever the form says
    seen = visible_records(request, [left_id, right_id])
    if seen is not None and not {left_id, right_id} <= seen:
        return _fragment(request, "no such pair of records")
    try:
        made = add_judgement(request.app.state.store, left_id, right_id, judgement, author)
    except NohavenError as exc:
        return _fragment(request, str(exc))
    return _page(request, "review_pair.html", pair=_next_pair(request), done=made)


@router.get("/passport", response_class=HTMLResponse)
def passport_page(
    request: Request, application: str = Query(default="", max_length=500)
) -> HTMLResponse:
    """Approve or hold a passport application, with the reasons."""
    from nohaven.declarations.passport import check_passport

    decision, error = None, None
    with scoped_reader(request) as reader:
        applications = [
            r[0]
            for r in reader.fetchall(
                "SELECT DISTINCT declaration_id FROM declarations "
                "WHERE kind = 'passport_application' ORDER BY 1 LIMIT 200"
            )
        ]
        if application:
            try:
                decision = check_passport(reader, application)
            except NohavenError as exc:
                error = str(exc)
    if decision is not None:
        audit_read(request, "passport", application)
    return _page(
        request,
        "passport.html",
        application=application,
        decision=decision,
        error=error,
        applications=applications,
    )


# -- cases -----------------------------------------------------------------------------


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request) -> HTMLResponse:
    from nohaven.cases import list_cases

    with request.app.state.store.reader() as reader:
        found = [c for c in list_cases(reader) if _case_visible(request, c.agency)]
    return _page(request, "cases.html", cases=found)


def _case_visible(request: Request, agency: str | None) -> bool:
    """A case is its agency's (cases opened locally, with none, are admins')."""
    user = current_user(request)
    if user is None:
        return True
    return agency == user.agency if agency is not None else user.role == "admin"


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str) -> HTMLResponse:
    from nohaven.cases import get_case

    with request.app.state.store.reader() as reader:
        try:
            case = get_case(reader, case_id)
        except NohavenError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
    if not _case_visible(request, case.agency):
        raise HTTPException(status_code=404, detail=f"no case {case_id!r}")
    audit_read(request, "case", case_id)
    return _page(request, "case.html", case=case)


@router.post(
    "/cases/{case_id}/dossier", dependencies=[Depends(check_csrf), Depends(require("case"))]
)
def case_dossier(request: Request, case_id: str) -> Response:
    """Write the case's dossier and send it as a zip (the export is audited)."""
    from nohaven.cases import current_actor, get_case, write_dossier

    with request.app.state.store.reader() as reader:
        try:
            owner = get_case(reader, case_id).agency
        except NohavenError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
    if not _case_visible(request, owner):
        raise HTTPException(status_code=404, detail=f"no case {case_id!r}")
    folder = Path(tempfile.mkdtemp(prefix="nohaven-dossier-"))
    try:
        try:
            user = current_user(request)
            actor = user.name if user else current_actor()
            write_dossier(
                request.app.state.store, case_id, folder / "dossier", actor, visible(request)
            )
        except NohavenError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted((folder / "dossier").iterdir()):
                archive.write(path, f"{case_id}/{path.name}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{case_id}-dossier.zip"'},
    )
