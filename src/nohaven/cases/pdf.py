"""The dossier's report as PDF (reportlab): the same sections as the HTML page, with a
bar chart per trace comparing where each rule puts the money.

Han characters are set in Adobe's STSong-Light CID font, which readers supply (nothing
is embedded, so the file stays small and the text stays extractable); everything else
in Helvetica.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.shapes import Path as Curve
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from nohaven.cases.evidence import Dossier

_HAN = "STSong-Light"
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
pdfmetrics.registerFont(UnicodeCIDFont(_HAN))

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9, leading=12)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7.5, leading=9.5)
_H1 = ParagraphStyle("h1", parent=_STYLES["Heading1"], fontSize=16)
_H2 = ParagraphStyle("h2", parent=_STYLES["Heading2"], fontSize=12.5, spaceBefore=10)
_H3 = ParagraphStyle("h3", parent=_STYLES["Heading3"], fontSize=10.5, spaceBefore=6)
_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def _text(value: Any) -> str:
    """Escaped text with Han runs in the CJK font."""
    return _CJK.sub(lambda m: f'<font name="{_HAN}">{m.group(0)}</font>', escape(str(value)))


def _p(value: Any, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(_text(value), style)


def _table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    data = [[_p(h, _SMALL) for h in header]]
    data += [[_p("" if cell is None else cell, _SMALL) for cell in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(_GRID)
    return table


def _chart(rules: list[dict[str, Any]], currency: str) -> Drawing | None:
    """Traced money per destination account, one bar per rule."""
    accounts: list[str] = []
    for rule in rules:
        for d in rule["destinations"][:6]:
            if d["account"] not in accounts:
                accounts.append(d["account"])
    accounts = accounts[:8]
    if not accounts:
        return None
    values = []
    for rule in rules:
        by_account = {d["account"]: float(Decimal(d["traced"])) for d in rule["destinations"]}
        values.append([by_account.get(a, 0.0) for a in accounts])
    height = 30 + 14 * len(accounts) * len(rules)
    drawing = Drawing(170 * mm, height + 20)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 15
    chart.width, chart.height = 115 * mm, height - 10
    chart.data = values
    chart.categoryAxis.categoryNames = accounts
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    palette = [colors.HexColor("#1f4e79"), colors.HexColor("#c55a11"), colors.HexColor("#548235")]
    for i in range(len(rules)):
        chart.bars[i].fillColor = palette[i % len(palette)]
    drawing.add(chart)
    legend = ", ".join(
        f"{r['rule'].upper()} ({['blue', 'orange', 'green'][i % 3]})" for i, r in enumerate(rules)
    )
    drawing.add(String(45 * mm, height + 8, f"{currency} traced, by rule: {legend}", fontSize=7))
    return drawing


def _flow(flow: dict[str, Any], color: Any) -> Drawing | None:
    """The flow diagram (see nohaven.cases.flows), scaled to the page."""
    if not flow["nodes"]:
        return None
    scale = 170 * mm / (flow["width"] + 10)
    height = flow["height"] * scale + 10
    drawing = Drawing(170 * mm, height)

    def y(value: float) -> float:  # the layout's y runs down, the PDF's up
        return height - 5 - value * scale

    for band in flow["bands"]:
        x1, x2 = band["x1"] * scale, band["x2"] * scale
        middle = (x1 + x2) / 2 if x2 > x1 else x1 + 40 * scale
        path = Curve(strokeColor=color, strokeWidth=band["width"] * scale, fillColor=None)
        path.strokeColor = colors.Color(color.red, color.green, color.blue, alpha=0.35)
        path.moveTo(x1, y(band["y1"]))
        path.curveTo(middle, y(band["y1"]), middle, y(band["y2"]), x2, y(band["y2"]))
        drawing.add(path)
    for node in flow["nodes"]:
        top, bottom = y(node["y"]), y(node["y"] + node["h"])
        drawing.add(
            Rect(node["x"] * scale, bottom, 8 * scale, top - bottom, fillColor=colors.black)
        )
        drawing.add(
            String(
                node["x"] * scale + 10 * scale, (top + bottom) / 2 - 2, node["label"], fontSize=5.5
            )
        )
    return drawing


_RULE_COLOR = {
    "libr": colors.HexColor("#1f4e79"),
    "fifo": colors.HexColor("#c55a11"),
    "prorata": colors.HexColor("#548235"),
}


def write_pdf(dossier: Dossier, path: Path) -> None:
    """Render the report to ``path``."""
    from nohaven.cases.dossier import money, summary

    case = dossier.case
    story: list[Any] = [
        _p(f"Evidence dossier: {case.title}", _H1),
        _p(
            f"Case {case.case_id} · status {case.status} · generated "
            f"{dossier.generated_at:%Y-%m-%d %H:%M} UTC by nohaven",
            _SMALL,
        ),
        Spacer(1, 4 * mm),
        _p("Summary", _H2),
    ]
    story += [_p(line) for line in summary(dossier)]

    story.append(_p("1. Subjects and the evidence of who they are", _H2))
    for subject in dossier.subjects:
        story.append(
            _p(f"{subject.name} ({subject.role}; resolved id {subject.canonical_id})", _H3)
        )
        story.append(
            _table(
                ["record", "source dataset", "names (as written)", "facts", "file and record"],
                [
                    [
                        r.entity_id,
                        r.dataset,
                        "; ".join(n + (f" [{o}]" if o else "") for n, o in r.names),
                        "; ".join(f"{k}: {', '.join(v)}" for k, v in r.facts.items()),
                        r.source,
                    ]
                    for r in subject.records
                ],
                [28, 22, 40, 45, 45],
            )
        )
        if subject.links:
            story.append(Spacer(1, 2 * mm))
            story.append(
                _p(
                    "Why these records are one person: the scored pairs (probability 0.5 "
                    "or more; records not paired here are joined through the others)",
                    _SMALL,
                )
            )
            story.append(
                _table(
                    ["pair", "probability", "evidence", "name match (romanisation)"],
                    [
                        [
                            f"{link['left_name']} ↔ {link['right_name']}",
                            f"{link['probability']:.4f}",
                            link["evidence"],
                            (link["names"] or "").replace("\n", "; "),
                        ]
                        for link in subject.links[:12]
                    ],
                    [40, 18, 52, 70],
                )
            )

    story.append(_p("2. Family, holdings and accounts", _H2))
    for subject in dossier.subjects:
        story.append(_p(subject.name, _H3))
        if subject.family:
            story.append(
                _table(
                    ["relative", "relationship", "record"],
                    [[f["name"], f["relationship"], f["relative"]] for f in subject.family],
                    [70, 40, 70],
                )
            )
        if subject.holdings:
            story.append(Spacer(1, 2 * mm))
            story.append(
                _table(
                    ["how it is held", "kind", "asset", "value", "share", "since"],
                    [
                        [
                            " → ".join(h["chain"]),
                            h["schema"],
                            h["label"],
                            f"{h.get('amount', '')} {h.get('currency', '')}".strip(),
                            h["percentage"],
                            h["since"],
                        ]
                        for h in subject.holdings
                    ],
                    [52, 20, 50, 25, 13, 20],
                )
            )
        if subject.accounts:
            story.append(Spacer(1, 2 * mm))
            story.append(
                _table(
                    ["account", "bank", "country", "kind"],
                    [[a["account"], a["bank"], a["country"], a["kind"]] for a in subject.accounts],
                    [60, 40, 30, 30],
                )
            )

    story.append(_p("3. Where the money went", _H2))
    if not dossier.traces:
        story.append(_p("No trace was asked for in this case."))
    for trace in dossier.traces:
        story.append(_p(trace["summary"], _H3))
        shown = ", ".join(trace["sources"][:20])
        more = len(trace["sources"]) - 20
        story.append(
            _p(
                f"Sources ({len(trace['sources'])}): {shown}"
                + (f" and {more} more (all in the schedules)" if more > 0 else ""),
                _SMALL,
            )
        )
        chart = _chart(trace["rules"], trace["currency"])
        if chart is not None:
            story.append(chart)
        for rule in trace["rules"]:
            block = [
                _p(f"{rule['rule'].upper()}: {rule['rule_text']}", _SMALL),
                _p(
                    f"{trace['currency']} {money(rule['injected'])} traced; "
                    f"{rule['steps']} steps in the schedule {rule['schedule']}; "
                    f"{rule['gaps']} gap(s) in the records; "
                    f"{rule['order']}.",
                    _SMALL,
                ),
                _table(
                    ["destination account", f"traced ({trace['currency']})"],
                    [[d["account"], money(d["traced"])] for d in rule["destinations"]],
                    [90, 40],
                ),
            ]
            if rule["assets"]:
                block.append(
                    _table(
                        ["asset reached", "through transfers", f"traced ({trace['currency']})"],
                        [
                            [a["label"], ", ".join(a["transfers"]), money(a["traced"])]
                            for a in rule["assets"]
                        ],
                        [80, 60, 40],
                    )
                )
            flow = _flow(rule["flow"], _RULE_COLOR.get(rule["rule"], colors.grey))
            if flow is not None:
                block.insert(2, flow)
                block.insert(
                    3,
                    _p(
                        "Where the traced money flowed: the largest flows between accounts, "
                        "from the first payers (left) hop by hop; each band is as wide as "
                        "the traced money it carried.",
                        _SMALL,
                    ),
                )
            story.append(KeepTogether(block))
            story.append(Spacer(1, 2 * mm))

    story.append(_p("4. Alerts and declaration findings", _H2))
    if dossier.alerts:
        story.append(
            _table(
                ["alert", "typology", "score", "what raised it", "accounts", "transfers"],
                [
                    [
                        a["alert_id"],
                        a["typology"],
                        f"{a['score']:.2f}",
                        a["explanation"],
                        len(a["accounts"]),
                        len(a["transactions"]),
                    ]
                    for a in dossier.alerts
                ],
                [26, 22, 10, 92, 15, 15],
            )
        )
    if dossier.declarations:
        story.append(Spacer(1, 2 * mm))
        story.append(
            _table(
                ["rule", "official", "score", "evidence"],
                [
                    [
                        f["rule"],
                        f["official_id"],
                        f"{f['score']:.2f}",
                        json.dumps(f["evidence"], ensure_ascii=False)[:600],
                    ]
                    for f in dossier.declarations
                ],
                [30, 30, 12, 108],
            )
        )

    story.append(_p("5. Investigators' notes", _H2))
    for note in dossier.case.notes:
        story.append(_p(f"{note['created_at']:%Y-%m-%d %H:%M} {note['author']}: {note['text']}"))
    if not dossier.case.notes:
        story.append(_p("None."))

    story.append(_p("6. Sources (provenance)", _H2))
    story.append(
        _table(
            ["file", "SHA-256", "dataset", "rows", "loaded"],
            [
                [
                    s["path"],
                    s["sha256"],
                    s["dataset"],
                    s["rows"],
                    f"{s['loaded_at']:%Y-%m-%d %H:%M}",
                ]
                for s in dossier.sources
            ],
            [55, 62, 25, 14, 24],
        )
    )

    story.append(_p("7. Audit trail", _H2))
    story.append(
        _table(
            ["#", "when (UTC)", "who", "action", "entry hash"],
            [
                [e["seq"], f"{e['at']:%Y-%m-%d %H:%M:%S}", e["actor"], e["action"], e["hash"]]
                for e in dossier.trail
            ],
            [10, 32, 25, 28, 85],
        )
    )
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"Evidence dossier: {case.title}",
        author="nohaven",
        invariant=1,
    )
    document.build(story)
