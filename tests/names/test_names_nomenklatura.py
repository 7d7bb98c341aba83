"""The matcher through nomenklatura's own interface, as yente would call it."""

from followthemoney import model
from nomenklatura.matching import ScoringAlgorithm
from nomenklatura.matching.types import MatchingResult, ScoringConfig

from nohaven.names.nomenklatura import NohavenNameMatcher


def person(entity_id: str, *names: str, birth: str | None = None):
    entity = model.make_entity("Person")
    entity.id = entity_id
    for name in names:
        entity.add("name", name)
    if birth:
        entity.add("birthDate", birth)
    return entity


def test_scores_through_the_scoring_algorithm_interface() -> None:
    assert issubclass(NohavenNameMatcher, ScoringAlgorithm)
    config = ScoringConfig.defaults()
    result = NohavenNameMatcher.compare(
        person("q", "许超凡", birth="1963-05-02"),
        person("r", "Hui Chiu Fan", birth="1963-05-02"),
        config,
    )
    assert isinstance(result, MatchingResult)
    assert result.score >= 0.9
    explanation = result.explanations["name"]
    assert explanation.query == "许超凡" and explanation.candidate == "Hui Chiu Fan"
    assert "hk_cantonese" in (explanation.detail or "")
    other = NohavenNameMatcher.compare(person("q", "许超凡"), person("x", "Wang Wei"), config)
    assert other.score < 0.5


def test_docs_and_config_are_published() -> None:
    docs = NohavenNameMatcher.get_docs()
    assert docs.name == "nohaven-names" and "threshold" in docs.config
    assert "name" in docs.features
