"""Readers for a generated scenario, shared by the scenario tests.

The CSV reader applies the ``.mapping.yml`` files with a deliberately small
reference implementation of the mapping format the loaders implement, so the
tests check the mappings mean what the generator intends.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SEED = 7

Entity = dict[str, Any]


def read_ftm(path: Path) -> Iterator[Entity]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def mapped_entities(csv_path: Path) -> Iterator[tuple[str, Entity]]:
    """(local entity name, FtM entity) for every row of a mapped CSV."""
    mapping = yaml.safe_load(csv_path.with_name(csv_path.stem + ".mapping.yml").read_text())
    specs: dict[str, Any] = mapping["entities"]
    for row in read_csv(csv_path):
        ids = {name: row[spec["id_column"]] for name, spec in specs.items()}
        for name, spec in specs.items():
            if not ids[name]:
                continue
            props: dict[str, list[str]] = {}
            for prop, source in spec["properties"].items():
                if "column" in source:
                    value = row[source["column"]]
                elif "literal" in source:
                    value = source["literal"]
                else:
                    value = ids[source["entity"]]
                if value:
                    props[prop] = [value]
            yield name, {"id": ids[name], "schema": spec["schema"], "properties": props}


def data_files(root: Path) -> list[Path]:
    """Every file the loaders read: everything but truth/ and scenario.json."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.name != "scenario.json" and "truth" not in p.relative_to(root).parts
    )
