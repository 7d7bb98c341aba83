"""Ingest: read the files investigators receive into the store, keeping provenance."""

from nohaven.ingest.files import Kind, guess_kind
from nohaven.ingest.loader import LoadResult, ProgressReporter, load_paths

__all__ = ["Kind", "LoadResult", "ProgressReporter", "guess_kind", "load_paths"]
