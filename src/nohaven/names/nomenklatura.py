"""nohaven's name matcher as a nomenklatura scoring algorithm.

yente and nomenklatura users select matchers by name; registering this class lets
them score FtM Person entities with nohaven's cross-script comparator instead of a
Latin-only one. Needs the optional extra: `pip install nohaven[nomenklatura]`.
"""

from __future__ import annotations

from typing import ClassVar

from followthemoney import EntityProxy, registry
from nomenklatura.matching.types import (
    ConfigVar,
    ConfigVarType,
    FeatureDoc,
    FeatureDocs,
    FtResult,
    MatchingResult,
    ScoringAlgorithm,
    ScoringConfig,
)

from nohaven.names.compare import DEFAULT_THRESHOLD, PersonRecord, compare_people


def _first(entity: EntityProxy, prop: str) -> str | None:
    values = entity.get(prop, quiet=True)
    return sorted(values)[0] if values else None


class NohavenNameMatcher(ScoringAlgorithm):
    """Cross-script person-name matching (Han, pinyin, Wade-Giles, Cantonese, Hokkien...).

    Every name of the query is compared with every name of the candidate; the best
    pair wins, then birth date and gender qualify it.
    """

    NAME = "nohaven-names"
    CONFIG: ClassVar[dict[str, ConfigVar]] = {
        "threshold": ConfigVar(
            type=ConfigVarType.FLOAT,
            description="Score at or above which names match.",
            default=DEFAULT_THRESHOLD,
        ),
    }

    @classmethod
    def compare(
        cls, query: EntityProxy, result: EntityProxy, config: ScoringConfig
    ) -> MatchingResult:
        threshold = float(config.config.get("threshold") or DEFAULT_THRESHOLD)
        best = None
        best_pair = ("", "")
        for left in query.get_type_values(registry.name):
            for right in result.get_type_values(registry.name):
                match = compare_people(
                    PersonRecord(left, _first(query, "birthDate"), _first(query, "gender")),
                    PersonRecord(right, _first(result, "birthDate"), _first(result, "gender")),
                    threshold,
                )
                if best is None or match.score > best.score:
                    best, best_pair = match, (left, right)
        if best is None:
            return MatchingResult(0.0, {"name": FtResult(0.0, "no names to compare")})
        detail = "; ".join([*map(str, best.steps), *best.qualifiers]) or best.reason
        feature = FtResult(best.score, detail, query=best_pair[0], candidate=best_pair[1])
        return MatchingResult(best.score, {"name": feature})

    @classmethod
    def get_feature_docs(cls) -> FeatureDocs:
        return {
            "name": FeatureDoc(
                description="Best cross-script alignment of the two entities' names, "
                "qualified by birth date and gender.",
                coefficient=1.0,
                url="https://github.com/nohaven/nohaven/blob/main/docs/NAMES.md",
            )
        }
