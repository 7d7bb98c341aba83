"""Where the Splink model runs: the embedded DuckDB (default) or Apache Spark.

Both engines take the same candidate pairs and per-record features, built in DuckDB by
the same code, and the same comparisons written in each engine's SQL dialect. The model
is trained once, on the embedded engine from a seeded sample, and Spark scores with those
parameters, so both engines give identical clusters; scores come back as Arrow. Spark (`pip install
nohaven[spark]`, Java 17) runs in local mode here; pointed at a cluster with
`SPARK_REMOTE` or `spark.master`, the same code scales out.
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from nohaven.errors import NohavenError
from nohaven.resolve.model import person_comparisons

ENGINES = ("duckdb", "spark")
U_SAMPLE_PAIRS = 2_000_000
MIN_LABELLED_PAIRS = 10  # "same" judgements from which m is estimated from them
SEED = 1
_EM_RULES = ("birth_date",)
_PAIRS_SQL = (
    "SELECT CAST(match_key AS VARCHAR) AS match_key, unique_id_l AS join_key_l, "
    "unique_id_r AS join_key_r FROM pairs"
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


def _train(linker: Any, labelled: int) -> None:
    """u from a seeded random sample, m by EM, then m from investigators' judgements when
    there are enough of them (they know what EM can only guess); an EM block with no
    pairs (a small store) leaves those m values at Splink's defaults rather than failing."""
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
    for column in _EM_RULES:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(column))
        except EMTrainingException:
            continue
    if labelled >= MIN_LABELLED_PAIRS:
        linker.training.estimate_m_from_pairwise_labels("labelled_pairs")


LevelWeights = list[tuple[str, str, float]]


def level_weights(linker: Any) -> LevelWeights:
    """(comparison, level label, match weight) for every non-null level of a trained model,
    with Splink's own fallbacks for levels training never saw."""
    out: LevelWeights = []
    for comparison in linker._settings_obj.comparisons:  # no public accessor in Splink 5
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            try:
                weight = level._log2_bayes_factor
            except (TypeError, ValueError):
                continue
            if math.isfinite(weight):
                out.append((comparison.output_column_name, level.label_for_charts, weight))
    return out


def train(con: duckdb.DuckDBPyConnection, settings: dict[str, Any]) -> tuple[Any, Any]:
    """Estimate the model on the embedded engine: u from a seeded random sample, m by EM.

    Training always runs here, whatever engine scores: parameters then do not depend on
    how each engine samples, so DuckDB and Spark produce identical clusters.
    """
    from splink import DuckDBAPI, Linker

    _quiet()
    api = DuckDBAPI(connection=con)
    linker = Linker(api.register("person_features"), dict(settings), log_level=None)
    _train(linker, labelled_pair_count(con))
    return api, linker


def score_on_duckdb(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], review_floor: float
) -> tuple[pa.Table, LevelWeights]:
    """Train and score on the DuckDB connection that holds `person_features` and `pairs`."""
    api, linker = train(con, settings)
    linker.table_management.register_blocked_pairs_for_predict(api.register(con.sql(_PAIRS_SQL)))
    predicted = linker.inference.predict(threshold_match_probability=review_floor)
    scored = con.sql(f"SELECT * FROM {predicted.physical_name}").to_arrow_table()
    return scored, level_weights(linker)


def _for_spark(model: dict[str, Any]) -> dict[str, Any]:
    """The trained model with each level's SQL replaced by Spark's."""
    out = dict(model)
    out["sql_dialect"] = "spark"
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
) -> tuple[pa.Table, LevelWeights]:
    """Train and score on Spark: features and pairs go over as Parquet, scores come back."""
    from splink import Linker, SparkAPI

    spark = spark_session()
    spark.sparkContext.setLogLevel("ERROR")
    _quiet()
    workdir = Path(tempfile.mkdtemp(prefix="nohaven-spark-"))
    spark.sparkContext.setCheckpointDir(str(workdir / "checkpoints"))
    try:
        con.execute(f"COPY person_features TO '{workdir / 'features.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY ({_PAIRS_SQL}) TO '{workdir / 'pairs.parquet'}' (FORMAT parquet)")
        _, trained = train(con, settings)
        model = trained.misc.save_model_to_json()
        weights = level_weights(trained)
        api = SparkAPI(spark_session=spark, num_partitions_on_repartition=8)
        features = api.register(spark.read.parquet(str(workdir / "features.parquet")))
        linker = Linker(features, _for_spark(model), log_level=None)
        pairs = api.register(spark.read.parquet(str(workdir / "pairs.parquet")))
        linker.table_management.register_blocked_pairs_for_predict(pairs)
        predicted = linker.inference.predict(threshold_match_probability=review_floor)
        out = workdir / "scored"
        predicted.as_spark_dataframe().write.parquet(str(out))
        return pq.read_table(out), weights
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
