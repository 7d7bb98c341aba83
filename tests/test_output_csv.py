"""CSV cells a spreadsheet would run as formulas are neutralised in every export."""

from __future__ import annotations

import csv
import io

from nohaven.output import SafeCsvWriter, neutralise


def test_formulas_are_defused_and_numbers_kept() -> None:
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert neutralise("+1+2") == "'+1+2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd"
    assert neutralise("-2.50") == "-2.50" and neutralise("-1e3") == "-1e3"
    assert neutralise("Hui Chiu Fan") == "Hui Chiu Fan" and neutralise(12) == 12
    text = io.StringIO()
    SafeCsvWriter(text).writerows([["name", "amount"], ["=cmd|' /C calc'!A0", "-5.00"]])
    assert list(csv.reader(io.StringIO(text.getvalue())))[1] == ["'=cmd|' /C calc'!A0", "-5.00"]
