"""Cross-script name handling: romanisation systems, surname forms, script conversion.

This is the start of nohaven's name engine; every layer may import it.
"""

from nohaven.names.analysis import NameAnalysis, analyze_name
from nohaven.names.compare import (
    DEFAULT_THRESHOLD,
    NameMatch,
    PersonRecord,
    compare_names,
    compare_people,
)
from nohaven.names.romanize import (
    SYSTEMS,
    RomanisedName,
    all_romanisations,
    romanize_full_name,
    romanize_name,
    romanize_surname,
)
from nohaven.names.script import (
    simplified_name,
    to_simplified,
    to_traditional,
    traditional_name,
)
from nohaven.names.surnames import (
    SURNAMES,
    Surname,
    lookup_surname,
    regional_forms,
    split_han_name,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "SURNAMES",
    "SYSTEMS",
    "NameAnalysis",
    "NameMatch",
    "PersonRecord",
    "RomanisedName",
    "Surname",
    "all_romanisations",
    "analyze_name",
    "compare_names",
    "compare_people",
    "lookup_surname",
    "regional_forms",
    "romanize_full_name",
    "romanize_name",
    "romanize_surname",
    "simplified_name",
    "split_han_name",
    "to_simplified",
    "to_traditional",
    "traditional_name",
]
