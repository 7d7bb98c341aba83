"""The store's tables, as an ordered list of migrations the code applies on open.

Each migration runs once, in one transaction, and bumps `schema_version`; never edit a
migration that has shipped, append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            """
            CREATE TABLE sources (
                source_id   INTEGER PRIMARY KEY,
                path        VARCHAR NOT NULL,
                sha256      VARCHAR NOT NULL,
                dataset     VARCHAR NOT NULL,
                kind        VARCHAR NOT NULL,
                rows        BIGINT NOT NULL,
                loaded_at   TIMESTAMP NOT NULL,
                UNIQUE (sha256, dataset, kind)
            )
            """,
            # One FtM statement per row: a single property value of an entity, with the
            # source file and record it came from (the unit of provenance).
            """
            CREATE TABLE statements (
                entity_id       VARCHAR NOT NULL,
                schema          VARCHAR NOT NULL,
                prop            VARCHAR NOT NULL,
                value           VARCHAR NOT NULL,
                original_value  VARCHAR,
                dataset         VARCHAR NOT NULL,
                source_id       INTEGER NOT NULL,
                record          BIGINT NOT NULL
            )
            """,
            # Ledger rows are located in their file by (source_id, id): a transaction id
            # is unique within its dataset, so no separate record number is kept.
            """
            CREATE TABLE ledger (
                id            VARCHAR NOT NULL,
                timestamp     TIMESTAMP NOT NULL,
                from_account  VARCHAR NOT NULL,
                to_account    VARCHAR NOT NULL,
                amount        DECIMAL(20, 2) NOT NULL,
                currency      VARCHAR NOT NULL,
                channel       VARCHAR,
                from_country  VARCHAR,
                to_country    VARCHAR,
                memo          VARCHAR,
                dataset       VARCHAR NOT NULL,
                source_id     INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE accounts (
                account    VARCHAR NOT NULL,
                holder     VARCHAR,
                bank       VARCHAR,
                country    VARCHAR,
                kind       VARCHAR NOT NULL,
                dataset    VARCHAR NOT NULL,
                source_id  INTEGER NOT NULL
            )
            """,
            # A declaration is kept whole as JSON; amendments are new versions, never
            # overwrites.
            """
            CREATE TABLE declarations (
                declaration_id  VARCHAR NOT NULL,
                official_id     VARCHAR NOT NULL,
                filing_date     DATE NOT NULL,
                kind            VARCHAR NOT NULL,
                version         INTEGER NOT NULL,
                amends          VARCHAR,
                document        JSON NOT NULL,
                dataset         VARCHAR NOT NULL,
                source_id       INTEGER NOT NULL,
                record          BIGINT NOT NULL
            )
            """,
        ],
    ),
]

MIGRATIONS.append(
    (
        2,
        [
            # Entity resolution output, rebuilt by every `nohaven resolve` run.
            """
            CREATE TABLE clusters (
                entity_id     VARCHAR PRIMARY KEY,
                canonical_id  VARCHAR NOT NULL,
                kind          VARCHAR NOT NULL
            )
            """,
            # Scored candidate pairs (above a floor), kept for review and explanation.
            """
            CREATE TABLE resolution_pairs (
                left_id            VARCHAR NOT NULL,
                right_id           VARCHAR NOT NULL,
                kind               VARCHAR NOT NULL,
                match_probability  DOUBLE NOT NULL,
                match_weight       DOUBLE NOT NULL,
                evidence           VARCHAR NOT NULL,
                PRIMARY KEY (left_id, right_id)
            )
            """,
            # Investigators' judgements: appended, never overwritten; the latest per pair
            # applies. left_id < right_id always.
            """
            CREATE TABLE judgements (
                left_id     VARCHAR NOT NULL,
                right_id    VARCHAR NOT NULL,
                judgement   VARCHAR NOT NULL CHECK (judgement IN ('same', 'different', 'unsure')),
                author      VARCHAR NOT NULL,
                reason      VARCHAR,
                created_at  TIMESTAMP NOT NULL
            )
            """,
            """
            CREATE TABLE resolution_runs (
                run_id       INTEGER PRIMARY KEY,
                started_at   TIMESTAMP NOT NULL,
                engine       VARCHAR NOT NULL,
                summary      JSON NOT NULL
            )
            """,
        ],
    )
)

# Resolution rewrites millions of scored pairs per run; their (left_id, right_id) index
# had to fit in memory at commit, which a million-record world's pairs do not within
# the default limit. Each run writes each pair once, by construction.
MIGRATIONS.append(
    (
        3,
        [
            """
            CREATE TABLE resolution_pairs_unindexed (
                left_id            VARCHAR NOT NULL,
                right_id           VARCHAR NOT NULL,
                kind               VARCHAR NOT NULL,
                match_probability  DOUBLE NOT NULL,
                match_weight       DOUBLE NOT NULL,
                evidence           VARCHAR NOT NULL
            )
            """,
            "INSERT INTO resolution_pairs_unindexed FROM resolution_pairs",
            "DROP TABLE resolution_pairs",
            "ALTER TABLE resolution_pairs_unindexed RENAME TO resolution_pairs",
        ],
    )
)


# Detection results: each run appended with its alerts, so an alert an investigator
# cited stays findable; `alert_id` is stable across runs for the same evidence.
MIGRATIONS.append(
    (
        4,
        [
            """
            CREATE TABLE detection_runs (
                run_id       INTEGER PRIMARY KEY,
                started_at   TIMESTAMP NOT NULL,
                typologies   VARCHAR[] NOT NULL,
                alerts       INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE alerts (
                run_id        INTEGER NOT NULL,
                alert_id      VARCHAR NOT NULL,
                rank          INTEGER NOT NULL,
                typology      VARCHAR NOT NULL,
                score         DOUBLE NOT NULL,
                accounts      VARCHAR[] NOT NULL,
                transactions  VARCHAR[] NOT NULL,
                explanation   VARCHAR NOT NULL,
                details       JSON NOT NULL,
                people        JSON NOT NULL,
                PRIMARY KEY (run_id, alert_id)
            )
            """,
        ],
    )
)

# Case files and the audit log. The log is append-only and hash-chained: each entry's
# hash covers the previous entry's hash, so any change, deletion or reordering shows.
MIGRATIONS.append(
    (
        5,
        [
            """
            CREATE TABLE cases (
                case_id     VARCHAR PRIMARY KEY,
                title       VARCHAR NOT NULL,
                status      VARCHAR NOT NULL,
                created_at  TIMESTAMP NOT NULL,
                created_by  VARCHAR NOT NULL
            )
            """,
            """
            CREATE TABLE case_subjects (
                case_id    VARCHAR NOT NULL,
                entity_id  VARCHAR NOT NULL,
                role       VARCHAR NOT NULL,
                added_at   TIMESTAMP NOT NULL,
                added_by   VARCHAR NOT NULL
            )
            """,
            """
            CREATE TABLE case_findings (
                case_id     VARCHAR NOT NULL,
                finding_id  VARCHAR NOT NULL,
                kind        VARCHAR NOT NULL,
                ref         JSON NOT NULL,
                summary     VARCHAR NOT NULL,
                details     JSON NOT NULL,
                added_at    TIMESTAMP NOT NULL,
                added_by    VARCHAR NOT NULL
            )
            """,
            """
            CREATE TABLE case_notes (
                case_id     VARCHAR NOT NULL,
                text        VARCHAR NOT NULL,
                author      VARCHAR NOT NULL,
                created_at  TIMESTAMP NOT NULL
            )
            """,
            """
            CREATE TABLE audit_log (
                seq        BIGINT PRIMARY KEY,
                logged_at  TIMESTAMP NOT NULL,
                actor      VARCHAR NOT NULL,
                action     VARCHAR NOT NULL,
                object     VARCHAR NOT NULL,
                payload    JSON NOT NULL,
                prev_hash  VARCHAR NOT NULL,
                hash       VARCHAR NOT NULL
            )
            """,
        ],
    )
)

# Users of the UI and the API: roles in agencies, a password hash (scrypt) for the UI,
# and API tokens kept only as their SHA-256.
MIGRATIONS.append(
    (
        6,
        [
            """
            CREATE TABLE users (
                user_id        VARCHAR PRIMARY KEY,
                name           VARCHAR NOT NULL UNIQUE,
                agency         VARCHAR NOT NULL,
                role           VARCHAR NOT NULL,
                password_hash  VARCHAR,
                created_at     TIMESTAMP NOT NULL
            )
            """,
            """
            CREATE TABLE api_tokens (
                token_hash  VARCHAR PRIMARY KEY,
                user_id     VARCHAR NOT NULL,
                created_at  TIMESTAMP NOT NULL
            )
            """,
        ],
    )
)

# Which agency owns a dataset and which agencies it is shared with.
MIGRATIONS.append(
    (
        7,
        [
            """
            CREATE TABLE dataset_access (
                dataset  VARCHAR NOT NULL,
                agency   VARCHAR NOT NULL,
                owner    BOOLEAN NOT NULL,
                PRIMARY KEY (dataset, agency)
            )
            """,
        ],
    )
)

# Alerts remember the datasets their transactions come from, cases the agency that
# owns them: what a user of another agency may not see.
MIGRATIONS.append(
    (
        8,
        [
            "ALTER TABLE alerts ADD COLUMN datasets VARCHAR[]",
            "ALTER TABLE cases ADD COLUMN agency VARCHAR",
        ],
    )
)

# The ids an entity was merged from (OpenSanctions' `referents`: "ofac-1234" for the
# canonical "NK-…"), so a client that knows a source id still finds the entity.
MIGRATIONS.append(
    (
        9,
        [
            """
            CREATE TABLE referents (
                referent   VARCHAR NOT NULL,
                entity_id  VARCHAR NOT NULL,
                dataset    VARCHAR NOT NULL,
                source_id  INTEGER NOT NULL,
                record     BIGINT NOT NULL
            )
            """,
        ],
    )
)

# What a publisher says of an entity beside its properties (OpenSanctions' `datasets`,
# `first_seen`, `last_seen`, `last_change`, `target`): screening answers with them.
MIGRATIONS.append(
    (
        10,
        [
            """
            CREATE TABLE entity_meta (
                entity_id    VARCHAR NOT NULL,
                dataset      VARCHAR NOT NULL,
                source_id    INTEGER NOT NULL,
                record       BIGINT NOT NULL,
                datasets     VARCHAR[],
                first_seen   TIMESTAMP,
                last_seen    TIMESTAMP,
                last_change  TIMESTAMP,
                target       BOOLEAN
            )
            """,
        ],
    )
)

LATEST_VERSION = MIGRATIONS[-1][0]
