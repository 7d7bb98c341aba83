"""The UI's front-end packages, fetched from the npm registry at install time.

Each tarball is checked against the integrity hash pinned in vendor.json before the
files the UI serves are taken out of it; nothing fetched is committed. Node is not
needed: the registry serves plain tarballs.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

PINS = Path(__file__).with_name("vendor.json")
TARGET = Path(__file__).parent / "static" / "vendor"


def missing(target: Path = TARGET) -> list[str]:
    """The vendored files not (yet) in place."""
    pins = json.loads(PINS.read_text(encoding="utf-8"))["packages"]
    return [name for p in pins for name in p["files"].values() if not (target / name).is_file()]


def fetch(target: Path = TARGET) -> list[Path]:
    """Download, verify and unpack every pinned package's files; returns them."""
    written = []
    target.mkdir(parents=True, exist_ok=True)
    for package in json.loads(PINS.read_text(encoding="utf-8"))["packages"]:
        if all((target / name).is_file() for name in package["files"].values()):
            continue
        with urllib.request.urlopen(package["tarball"], timeout=60) as response:
            data = response.read()
        algorithm, _, expected = package["integrity"].partition("-")
        digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        if digest != expected:
            raise RuntimeError(f"{package['name']}@{package['version']}: integrity mismatch")
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member, name in package["files"].items():
                source = archive.extractfile(member)
                if source is None:
                    raise RuntimeError(f"{package['name']}: no {member} in the tarball")
                path = target / name
                path.write_bytes(source.read())
                written.append(path)
    return written


if __name__ == "__main__":
    for path in fetch():
        print(f"fetched {path}")
    sys.exit(1 if missing() else 0)
