"""The DuckDB store: one file, FtM statements with provenance, ledgers, declarations."""

from nohaven.store.store import DATA_TABLES, STAGED_TABLES, Source, Store, staging_table

__all__ = ["DATA_TABLES", "STAGED_TABLES", "Source", "Store", "staging_table"]
