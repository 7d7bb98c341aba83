"""Every written form of a Han name, each with the system that produces it.

What `nohaven names romanize` lists: the office-style forms for the systems with
fixed conventions (`romanize`), then per-character readings in the others, with
surname-table forms where the surname has them.
"""

from __future__ import annotations

from nohaven.names.analysis import analyze_name
from nohaven.names.readings import char_readings, surname_forms
from nohaven.names.romanize import SYSTEMS, romanize_name

_OTHER_SYSTEMS = ("jyutping", "macau", "hokkien", "hakka")


def _title(syllables: list[str]) -> str:
    return " ".join(s.capitalize() for s in syllables)


def name_forms(text: str) -> list[tuple[str, str]]:
    """(system, form) pairs for a Han name; [] when the text has no Han characters."""
    analysis = analyze_name(text)
    if not analysis.han:
        return []
    family, given = analysis.han_family, analysis.han_given
    forms: list[tuple[str, str]] = []
    for system in SYSTEMS:
        try:
            rendered = romanize_name(family, given, system)
        except ValueError:
            continue
        forms.append((system, rendered.render()))
        forms.append((system, rendered.render(order="family_last")))
    table = surname_forms(family)
    for system in _OTHER_SYSTEMS:
        family_forms = sorted(table.get(system, ())) or [
            "".join(sorted(char_readings(c).get(system, {"?"}))[0] for c in family)
        ]
        given_syllables = [sorted(char_readings(c).get(system, {"?"}))[0] for c in given]
        forms.append((system, f"{_title(family_forms[0].split())} {_title(given_syllables)}"))
    for regional in sorted(table.get("regional", ())):
        given_hokkien = [sorted(char_readings(c).get("hokkien", {"?"}))[0] for c in given]
        forms.append(("regional surname", f"{_title(regional.split())} {_title(given_hokkien)}"))
    return list(dict.fromkeys(forms))
