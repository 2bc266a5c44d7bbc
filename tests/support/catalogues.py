"""Catalogue files for tests: a copy of a real one with one change, to see how the loader takes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml


def mutated_copy(source: Path, folder: Path, mutate: Callable[[dict], object]) -> Path:
    """source's data changed by mutate, written as folder/catalogue.yml."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    mutate(data)
    path = folder / "catalogue.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
