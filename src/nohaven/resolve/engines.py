"""Where the Splink model runs: the embedded DuckDB (default) or Apache Spark.

Both engines take the same candidate pairs and per-record features, built in DuckDB by
the same code, and the same comparisons written in each engine's SQL dialect. The model
is trained once, on the embedded engine from a seeded sample, and Spark scores with those
parameters, so both engines give identical clusters; scores come back as Arrow. Spark (`pip install
nohaven[spark]`, Java 17) runs in local mode here; pointed at a cluster with
`SPARK_REMOTE` or `spark.master`, the same code scales out.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from nohaven.errors import NohavenError
from nohaven.resolve.addresses import shared_address_rates
from nohaven.resolve.bounds import pair_bound_sql
from nohaven.resolve.features import same_day_pairs
from nohaven.resolve.model import (
    ADDRESS_LEVEL_SIZES,
    ADDRESS_LEVELS,
    pair_address_levels,
    pair_family_levels,
    pair_name_levels,
    partial_dates_in,
    person_comparisons,
)

ENGINES = ("duckdb", "spark")
U_SAMPLE_PAIRS = 2_000_000
# Fewer pairs of records than this say too little of how often strangers agree: of four
# records' six pairs, a true match is one in six.
MIN_U_PAIRS = 100_000
# The parameters of a model trained on the medium synthetic world (bench/resolve/prior.py).
PRIOR_PATH = Path(__file__).with_name("prior.json")
MIN_LABELLED_PAIRS = 10  # "same" judgements from which m is estimated from them
# Fewer pairs born the same day than this are too few for EM to learn m from: on the
# EU's sanctions lists (202 such pairs) it learnt that two records sharing a name's
# two words are the same person whatever their genders and dates.
MIN_EM_PAIRS = 1_000
SEED = 1
_EM_RULES = ("birth_date",)


# The columns of `pairs` (blocking.build_pairs): the two records and what their names share.
_PAIR_COLUMNS = (
    "rid_l",
    "rid_r",
    "match_key",
    "norm_min",
    "exact_min",
    "sound_min",
    "spelling_shared",
)
# What scoring a pair reads of each record (person_features) besides the pair's own
# evidence from blocking (norm_min, exact_min, sound_min, spelling_shared).
_RECORD_COLUMNS = (
    "unique_id",
    "dataset",
    "han_names",
    "heads",
    "has_name_keys",
    "common_norm",
    "common_exact",
    "common_sound",
    "common_spelling",
    "birth_date",
    "birth_dates",
    "birth_year",
    "birth_years",
    "gender",
    "nationalities",
    "identifiers",
    "identifier_kinds",
    "card_kinds",
    "relative_keys",
    "associate_keys",
    "has_address",
)


def blocked_pairs_sql(pairs: str = "pairs") -> str:
    """The pairs of `pairs` as Splink's predict takes blocked pairs (record ids)."""
    return (
        "SELECT CAST(p.match_key AS VARCHAR) AS match_key, l.unique_id AS join_key_l, "
        f"r.unique_id AS join_key_r FROM {pairs} p "
        "JOIN person_features l ON l.rid = p.rid_l JOIN person_features r ON r.rid = p.rid_r"
    )


def _quiet() -> None:
    for name in ("splink", "py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)


def labelled_pair_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many pairs investigators judged the same person (table `labelled_pairs`)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'labelled_pairs'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return int(con.execute("SELECT count(*) FROM labelled_pairs").fetchall()[0][0])


def estimate_u(con: duckdb.DuckDBPyConnection, linker: Any, pairs: int = U_SAMPLE_PAIRS) -> None:
    """Set every level's u: how often it occurs among seeded random pairs of records.

    What Splink's `estimate_u_using_random_sampling` does, read the way blocked pairs
    are scored: a random pair shares a name key only if blocking paired it, so its
    evidence is a lookup in `pairs` (and `record_norm_keys`) rather than intersections
    of both records' key lists (on the medium world, 1.5 s instead of 32 s). A level
    never seen is "not observed", as in Splink.
    """
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    records = int(con.execute("SELECT count(*) FROM person_features").fetchall()[0][0])
    if records < 2:
        return
    if records * (records - 1) // 2 <= pairs:
        # Few enough to take every pair: a sample would draw some twice and miss others.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _random_pairs AS
            SELECT CAST(a.range AS INTEGER) AS rid_l, CAST(b.range AS INTEGER) AS rid_r
            FROM range(1, {records + 1}) a JOIN range(1, {records + 1}) b ON a.range < b.range
        """)
    else:
        # The two ends' hashes share their low bits, so both ends are always of one
        # parity: half of all pairs are never drawn. With millions of pairs drawn this is
        # kept, because the rare name levels' u rest on a handful of them and the model
        # was calibrated on this sample (docs/BENCHMARKS.md); small stores take every pair.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _random_pairs AS
            SELECT DISTINCT least(a, b) AS rid_l, greatest(a, b) AS rid_r
            FROM (
                SELECT CAST(hash(i, {SEED}) % {records} AS INTEGER) + 1 AS a,
                       CAST(hash(i, {SEED + 1}) % {records} AS INTEGER) + 1 AS b
                FROM range({pairs}) t(i)
            )
            WHERE a <> b
        """)
    # A random pair shares a key only if blocking paired it, but may share a normalised
    # name, which never makes a pair on its own.
    source = """(
        SELECT r.rid_l, r.rid_r, p.match_key, coalesce(p.norm_min, s.norm_min) AS norm_min,
               p.exact_min, p.sound_min, p.spelling_shared
        FROM _random_pairs r LEFT JOIN pairs p USING (rid_l, rid_r)
        LEFT JOIN (
            SELECT r.rid_l, r.rid_r, min(a.n) AS norm_min
            FROM _random_pairs r
            JOIN record_norm_keys a ON a.rid = r.rid_l
            JOIN record_norm_keys b ON b.rid = r.rid_r AND b.k = a.k
            GROUP BY ALL
        ) s USING (rid_l, rid_r)
    )"""
    comparisons = linker._settings_obj.comparisons  # no public accessor in Splink 5
    columns = [c._gamma_column_name for c in comparisons]
    frequencies = con.execute(
        f"SELECT {', '.join(f'histogram({c})' for c in columns)} "
        f"FROM ({comparison_vectors_sql(linker, source)})"
    ).fetchall()[0]
    con.execute("DROP TABLE _random_pairs")
    addresses = _address_u(con)
    for comparison, histogram in zip(comparisons, frequencies, strict=True):
        seen = {int(value): int(n) for value, n in (histogram or {}).items() if value != -1}
        total = sum(seen.values())
        for level in comparison._comparison_levels_excluding_null:
            if level._fix_u_probability:  # set by the model: random pairs cannot see it
                continue
            if comparison.output_column_name == "address":
                u = addresses[level.label_for_charts]
                level.u_probability = u if u > 0 else LEVEL_NOT_OBSERVED_TEXT
                continue
            n = seen.get(level.comparison_vector_value, 0)
            level.u_probability = n / total if n else LEVEL_NOT_OBSERVED_TEXT


def _address_u(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Each address level's u, counted from how many records hold each address key."""
    rates = shared_address_rates(con)
    u = dict.fromkeys(ADDRESS_LEVELS, 0.0)
    below = 0.0
    for label, size in zip(ADDRESS_LEVELS, ADDRESS_LEVEL_SIZES, strict=True):
        u[label] = rates[size] - below
        below = rates[size]
    u["different"] = 1.0 - below
    return u


def _unobserved_address_levels_neutral(linker: Any) -> None:
    """An address level EM never met among its pairs gets m = u: no evidence either
    way, rather than Splink's stand-in m of one in a million against a u counted to be
    smaller still."""
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    for comparison in linker._settings_obj.comparisons:  # no public accessor in Splink 5
        if comparison.output_column_name != "address":
            continue
        for level in comparison._comparison_levels_excluding_null:
            if level._m_probability in (None, LEVEL_NOT_OBSERVED_TEXT):
                level.m_probability = level.u_probability


def _from_prior(linker: Any, parameter: str, partial_dates: float = 0.0) -> None:
    """Set `parameter` ("m" or "u") of every level the model does not fix to the prior's
    (`PRIOR_PATH`), where the prior has one.

    u is taken only where strangers agree at rates no store changes: names, birth dates
    and families (how often two people share a reading of a name, a year or a day, or
    one has a relative among the other's associates), with the
    share of matching pairs of the prior's population (one match a record among about
    100,000 records: `person_settings`' rule at the medium world's size), which u and
    that share describe together. A store's make-up (datasets, nationalities, kinds of
    identifier, addresses, families) is its own, and its u are counted from it.

    How rare a name is, a small store cannot say: a key held by two of its records is
    "unique" whatever the world holds, so each name level takes the prior's u of every
    rarity of its kind (same name, same spelling or reading, same sound) together. The
    prior's birth-date u are for pairs of full dates; they are scaled, as the model's m
    are, by the share of pairs with a date lacking its day (`partial_dates`), and the
    year-only level takes that share of the prior's rate of strangers born the same
    year."""
    prior = _prior()
    settings = linker._settings_obj
    if parameter == "u" and prior.get("probability_two_random_records_match"):
        settings._probability_two_random_records_match = prior[
            "probability_two_random_records_match"
        ]
    for comparison in settings.comparisons:  # no public accessor in Splink 5
        name = comparison.output_column_name
        # A store's own make-up keeps its counted u, unless its pairs never showed the
        # level (Splink would then weigh it as if impossible among strangers).
        only_unseen = parameter == "u" and name not in _POPULATION_COMPARISONS
        levels = dict(prior["comparisons"].get(name, {}))
        if parameter == "u" and name == "birth_date":
            levels = _dated_u(levels, partial_dates)
        if parameter == "u" and name == "name":
            levels = _name_u(levels)
        for level in comparison._comparison_levels_excluding_null:
            value = levels.get(level.label_for_charts, {}).get(parameter)
            fixed = level._fix_m_probability if parameter == "m" else level._fix_u_probability
            if only_unseen and isinstance(level._u_probability, float):
                continue
            if value is not None and not fixed:
                setattr(level, f"{parameter}_probability", value)


_RARITIES = (", unique", ", rare")
# Agreements whose rate among strangers no store's make-up changes, and which a small
# store's few pairs, its own matches a large share of them, overstate.
_POPULATION_COMPARISONS = ("name", "birth_date", "family")


@cache
def _prior() -> dict[str, Any]:
    """The prior model (`PRIOR_PATH`), read once a process."""
    return json.loads(PRIOR_PATH.read_text(encoding="utf-8"))


def _kind(label: str) -> str:
    """A name level's kind of agreement, its rarity left out ("same name, rare" → "same
    name")."""
    return next((label.removesuffix(r) for r in _RARITIES if label.endswith(r)), label)


def _rest_different(out: dict[str, Any]) -> dict[str, Any]:
    """`out` (label → {"u": ...}) with "different" taking what the other levels leave."""
    out["different"] = {"u": 1.0 - sum(v["u"] or 0.0 for v in out.values())}
    return out


def _name_u(levels: dict[str, dict[str, float]]) -> dict[str, Any]:
    """The prior's name u with every rarity of a kind of agreement taken together (see
    `_from_prior`)."""
    kinds: dict[str, float] = {}
    for label, values in levels.items():
        kinds[_kind(label)] = kinds.get(_kind(label), 0.0) + (values.get("u") or 0.0)
    return _rest_different(
        {label: {"u": kinds[_kind(label)] or None} for label in levels if label != "different"}
    )


def _dated_u(levels: dict[str, dict[str, float]], partial_dates: float) -> dict[str, Any]:
    """The prior's birth-date u, for a store where `partial_dates` of dated pairs have a
    date lacking its day (see `model.person_comparisons`)."""
    full = 1.0 - partial_dates
    same_year = sum(
        (levels.get(label, {}).get("u") or 0.0)
        for label in (
            "same date",
            "day and month swapped",
            "same year, one of day or month",
            "same year",
        )
    )
    out: dict[str, Any] = {
        label: {"u": (values.get("u") or 0.0) * full or None}
        for label, values in levels.items()
        if label != "different"
    }
    out["same year, no day on one side"] = {"u": partial_dates * same_year or None}
    return _rest_different(out)


def _train(con: duckdb.DuckDBPyConnection, linker: Any, labelled: int, prior: bool) -> None:
    """u from seeded random pairs, m by EM, then m from investigators' judgements when
    there are enough of them (they know what EM can only guess).

    With `prior`, a store too small to estimate from (fewer than `MIN_U_PAIRS` pairs of
    records: its few pairs of strangers say little, and its matches are a large share
    of them) takes u, m and the share of matching pairs from the prior model
    (`PRIOR_PATH`) wherever the prior has them (EM's m stand for the rest, such as
    addresses, which the prior's world never shares), as does any store's m when EM has
    too few pairs to learn from (fewer than `MIN_EM_PAIRS` pairs of records born the
    same day); investigators' judgements still refine m."""
    estimate_u(con, linker)
    small = prior and _record_pairs(con) < MIN_U_PAIRS
    if small:
        _from_prior(linker, "u", partial_dates_in(con, "person_features"))
    trained = _estimate_m(linker) and same_day_pairs(con, "person_model_features") >= MIN_EM_PAIRS
    if prior and (small or not trained):
        _from_prior(linker, "m")
    if labelled >= MIN_LABELLED_PAIRS:
        linker.training.estimate_m_from_pairwise_labels("labelled_pairs")
    _unobserved_address_levels_neutral(linker)


def _estimate_m(linker: Any) -> bool:
    """m by EM over pairs born the same day; whether there were any."""
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    trained = True
    for column in _EM_RULES:
        # Splink's EM session takes the blocked comparison out of the linker's own
        # settings and resets the prior; it puts them back only when training succeeds.
        # Without this, a store with no two records born the same day scored every pair
        # without its birth dates.
        untouched = linker._settings_obj.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(column))
        except (EMTrainingException, ValueError):
            # ValueError: Splink refuses an m that EM drove to zero (a level no pair of
            # the blocked sample reaches, as two sanctions lists gave): keep the prior's.
            linker._settings_obj.core_model_settings = untouched
            trained = False
    return trained


LevelLabels = list[tuple[str, str, int]]


def level_labels(linker: Any) -> LevelLabels:
    """(comparison, level label, comparison vector value) for every non-null level of a
    model: what a pair's ``gamma_*`` columns mean."""
    return [
        (comparison.output_column_name, level.label_for_charts, level.comparison_vector_value)
        for comparison in linker._settings_obj.comparisons  # no public accessor in Splink 5
        for level in comparison.comparison_levels
        if not level.is_null_level
    ]


def _record_pairs(con: duckdb.DuckDBPyConnection) -> int:
    records = int(con.execute("SELECT count(*) FROM person_features").fetchall()[0][0])
    return records * (records - 1) // 2


def train(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], *, prior: bool = True
) -> tuple[Any, Any]:
    """Estimate the model on the embedded engine: u from a seeded random sample, m by EM
    (a small store's from the prior model, unless `prior` is false).

    Training always runs here, whatever engine scores: parameters then do not depend on
    how each engine samples, so DuckDB and Spark produce identical clusters.
    """
    from splink import DuckDBAPI, Linker

    _quiet()
    api = DuckDBAPI(connection=con)
    linker = Linker(api.register("person_model_features"), dict(settings), log_level=None)
    _train(con, linker, labelled_pair_count(con), prior)
    return api, linker


def pair_conditions() -> dict[str, dict[str, str]]:
    """Each comparison's level conditions (label → DuckDB condition) over a blocked pair:
    the record form (model.person_comparisons), except the name's, read from the pair's
    evidence (model.pair_name_levels) rather than by intersecting both records' key
    lists, and the address's and family's, read from `pair_context`
    (model.pair_address_levels, model.pair_family_levels)."""
    conditions = {
        comparison["output_column_name"]: {
            level["label_for_charts"]: level["sql_condition"]
            for level in comparison["comparison_levels"]
        }
        for comparison in person_comparisons("duckdb")
    }
    conditions["name"] = pair_name_levels()
    conditions["address"] = pair_address_levels()
    conditions["family"] = pair_family_levels()
    return conditions


def comparison_vectors_sql(linker: Any, pairs: str = "pairs") -> str:
    """SQL for every blocked pair's comparison vector (Splink's ``gamma_*`` columns),
    from `pairs` (rid_l, rid_r, match_key and the blocking evidence) and
    `person_features`, under `pair_conditions`; level numbers come from the trained
    model."""
    record_form = pair_conditions()
    gammas = []
    for comparison in linker._settings_obj.comparisons:  # no public accessor in Splink 5
        conditions = record_form[comparison.output_column_name]
        cases = []
        for level in comparison.comparison_levels:
            condition = conditions[level.label_for_charts]
            value = level.comparison_vector_value
            case = f"ELSE {value}" if condition == "ELSE" else f"WHEN {condition} THEN {value}"
            cases.append(case)
        gammas.append(f"CASE {' '.join(cases)} END AS {comparison._gamma_column_name}")
    return f"""
        WITH joined AS ({_joined_sql(pairs, "person_features", _RECORD_COLUMNS)})
        SELECT unique_id_l, unique_id_r, CAST(match_key AS VARCHAR) AS match_key,
               {", ".join(gammas)}
        FROM joined
    """


def _joined_sql(pairs: str, features: str, columns: Sequence[str]) -> str:
    """Each pair of `pairs` with its blocking evidence, its context and `columns` of both
    records' rows in `features` (as ``column_l``, ``column_r``)."""
    sides = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    return f"""
        SELECT {", ".join(f"p.{c}" for c in _PAIR_COLUMNS)},
               coalesce(c.paid, false) AS paid,
               coalesce(c.fed, false) AS fed, c.address_min, {sides}
        FROM {pairs} p
        JOIN {features} l ON l.rid = p.rid_l
        JOIN {features} r ON r.rid = p.rid_r
        LEFT JOIN pair_context c ON c.rid_l = p.rid_l AND c.rid_r = p.rid_r
    """


def pair_bounds_sql(con: duckdb.DuckDBPyConnection, linker: Any) -> str:
    """SQL for every blocked pair's columns and the bound on its match weight (`bound`,
    resolve.bounds), over temp table ``_narrow_features``, made here.

    The bound reads each record's scalars and, of its lists, only whether each is
    present: a join of a few bytes a record instead of the whole feature rows.
    """
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'person_features'"
        ).fetchall()
    )
    columns = [c for c in _RECORD_COLUMNS if c != "unique_id"]
    narrow = ", ".join(
        f"CASE WHEN {c} IS NOT NULL THEN true END AS {c}" if types[c].endswith("[]") else c
        for c in columns
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _narrow_features AS "
        f"SELECT rid, {narrow} FROM person_features"
    )
    return f"""
        SELECT {", ".join(_PAIR_COLUMNS)}, {pair_bound_sql(linker, pair_conditions())} AS bound
        FROM ({_joined_sql("pairs", "_narrow_features", columns)})
    """


def promising_pairs(con: duckdb.DuckDBPyConnection, linker: Any, review_floor: float) -> str:
    """Create temp table ``_promising_pairs``: the blocked pairs whose match weight can
    reach `review_floor` (`pair_bounds_sql`), and return its name."""
    from splink.internals.misc import prob_to_match_weight

    # The margin keeps a pair whose bound equals the floor up to rounding.
    floor = prob_to_match_weight(review_floor) - 1e-6
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _promising_pairs AS
        SELECT {", ".join(_PAIR_COLUMNS)} FROM ({pair_bounds_sql(con, linker)})
        WHERE bound >= {floor!r}
    """)
    con.execute("DROP TABLE _narrow_features")
    return "_promising_pairs"


def predictions_sql(linker: Any, pairs: str, review_floor: float | None) -> str:
    """Splink's own prediction SQL over the comparison vectors of `pairs`
    (`comparison_vectors_sql`): match weights and probabilities, from `review_floor` up
    (every pair with None), each comparison's gamma column kept (it names the pair's
    evidence)."""
    from splink.internals.dialects import SplinkDialect
    from splink.internals.predict import predict_from_comparison_vectors_sqls

    model = linker._settings_obj
    steps = predict_from_comparison_vectors_sqls(
        unique_id_input_columns=model.column_info_settings.unique_id_input_columns,
        core_model_settings=model.core_model_settings,
        sql_dialect=SplinkDialect.from_string("duckdb"),
        threshold_match_probability=review_floor,
        retain_intermediate_calculation_columns=True,
        training_mode=True,
    )
    ctes = [f"__splink__df_comparison_vectors AS ({comparison_vectors_sql(linker, pairs)})"]
    ctes += [f"{step['output_table_name']} AS ({step['sql']})" for step in steps[:-1]]
    return f"WITH {', '.join(ctes)} {steps[-1]['sql']}"


def score_on_duckdb(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], review_floor: float
) -> tuple[pa.Table, LevelLabels]:
    """Train on `person_model_features`, then score every pair in `pairs` that can reach
    `review_floor` (`promising_pairs`): comparison vectors in one SQL pass, turned into
    match weights and probabilities by Splink's own prediction SQL."""
    _, linker = train(con, settings)
    promising = promising_pairs(con, linker, review_floor)
    scored = con.sql(predictions_sql(linker, promising, review_floor)).to_arrow_table()
    con.execute(f"DROP TABLE {promising}")
    return scored, level_labels(linker)


def _for_spark(model: dict[str, Any]) -> dict[str, Any]:
    """The trained model with each level's SQL replaced by Spark's."""
    out = dict(model)
    out["sql_dialect"] = "spark"
    # Splink keeps the gamma columns, which name each pair's evidence, only with the
    # matching columns; scoring selects what it needs.
    out["retain_matching_columns"] = True
    out["comparisons"] = []
    spark = person_comparisons("spark")
    for trained, target in zip(model["comparisons"], spark, strict=True):
        levels = [
            {**level, "sql_condition": dialect_level["sql_condition"]}
            for level, dialect_level in zip(
                trained["comparison_levels"], target["comparison_levels"], strict=True
            )
        ]
        out["comparisons"].append({**trained, "comparison_levels": levels})
    return out


def spark_session() -> Any:
    """A local Spark session, or a clear error when Spark or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise NohavenError("the spark engine needs pyspark: pip install 'nohaven[spark]'") from None
    if shutil.which("java") is None:
        raise NohavenError(
            "the spark engine needs Java 17 on PATH (apt-get install openjdk-17-jre-headless)"
        )
    return (
        SparkSession.builder.appName("nohaven-resolve")
        .master("local[2]")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def score_on_spark(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], review_floor: float
) -> tuple[pa.Table, LevelLabels]:
    """Train and score on Spark: features and pairs go over as Parquet, scores come back."""
    from splink import Linker, SparkAPI

    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    _quiet()
    workdir = Path(tempfile.mkdtemp(prefix="nohaven-spark-"))
    spark.sparkContext.setCheckpointDir(str(workdir / "checkpoints"))
    try:
        con.execute(
            f"COPY person_model_features TO '{workdir / 'features.parquet'}' (FORMAT parquet)"
        )
        _, trained = train(con, settings)
        # Only the pairs that can reach the floor travel (the same as DuckDB scores).
        promising = promising_pairs(con, trained, review_floor)
        con.execute(
            f"COPY ({blocked_pairs_sql(promising)}) TO '{workdir / 'pairs.parquet'}' "
            "(FORMAT parquet)"
        )
        con.execute(f"DROP TABLE {promising}")
        model = trained.misc.save_model_to_json()
        labels = level_labels(trained)
        api = SparkAPI(spark_session=spark, num_partitions_on_repartition=8)
        features = api.register(spark.read.parquet(str(workdir / "features.parquet")))
        linker = Linker(features, _for_spark(model), log_level=None)
        pairs = api.register(spark.read.parquet(str(workdir / "pairs.parquet")))
        linker.table_management.register_blocked_pairs_for_predict(pairs)
        predicted = linker.inference.predict(threshold_match_probability=review_floor)
        out = workdir / "scored"
        scored = predicted.as_spark_dataframe()
        keep = [c for c in scored.columns if c.startswith("gamma_")]
        scored.select(
            "unique_id_l", "unique_id_r", "match_probability", "match_weight", *keep
        ).write.parquet(str(out))
        return pq.read_table(out), labels
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
