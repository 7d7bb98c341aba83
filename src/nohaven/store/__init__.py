"""The DuckDB store: one file, FtM statements with provenance, ledgers, declarations."""

from nohaven.store.store import DATA_TABLES, Source, Store

__all__ = ["DATA_TABLES", "Source", "Store"]
