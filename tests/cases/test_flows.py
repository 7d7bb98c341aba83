"""The flow diagram's geometry: columns by hops, bands as wide as their money."""

from __future__ import annotations

from nohaven.cases.flows import HEIGHT, band_path, flow_layout


def test_accounts_sit_in_columns_by_hops_and_bands_scale_with_money() -> None:
    layout = flow_layout(
        [
            {"source": "BRANCH", "target": "FRONT", "amount": "100.00"},
            {"source": "FRONT", "target": "CONDUIT", "amount": "98.00"},
            {"source": "CONDUIT", "target": "SPOUSE", "amount": "25.00"},
            {"source": "CONDUIT", "target": "CASINO", "amount": "50.00"},
            {"source": "X", "target": "X", "amount": "5.00"},  # to itself: not a flow
        ]
    )
    x = {n["id"]: n["x"] for n in layout["nodes"]}
    assert x["BRANCH"] < x["FRONT"] < x["CONDUIT"] < x["SPOUSE"] == x["CASINO"]
    assert "X" not in x
    width = {(b["source"], b["target"]): b["width"] for b in layout["bands"]}
    assert width[("CONDUIT", "CASINO")] == 2 * width[("CONDUIT", "SPOUSE")]
    assert 0 < layout["height"] <= HEIGHT + 1
    assert all(band_path(b).startswith("M") for b in layout["bands"])


def test_cycles_and_nothing_do_not_break_the_layout() -> None:
    ring = flow_layout(
        [
            {"source": "A", "target": "B", "amount": "10"},
            {"source": "B", "target": "A", "amount": "9"},
        ]
    )
    assert {n["id"] for n in ring["nodes"]} == {"A", "B"}
    assert flow_layout([]) == {"width": ring["width"], "height": 0.0, "nodes": [], "bands": []}
