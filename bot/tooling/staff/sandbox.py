"""A temporary copy of the project, for the staff tests and the retrain benchmark."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bot.runtime.settings import PROJECT_ROOT

# The event a staff member adds in the staff-loop test and the retrain benchmark (a catalogue entry).
EXAMPLE_EVENT = """\
  - id: hackathon-donnees
    title: "Hackathon des données publiques"
    date: 2020-11-27
    organisers: [sgar]
    kind: atelier
    topics: [numerique]
    aliases: [hackathon des données, hackathon des données publiques, hackathon]
    description: >-
      Une journée pour construire des services à partir des données publiques de la région.
"""

SKIPPED = {
    ".venv",
    "node_modules",
    ".rasa",
    "results",
    "var",
    "reports",
    ".git",
    "__pycache__",
    ".pytest_cache",
    "history",
    "staging",
    "reviews",
}


def copy_project(target: Path, source: Path = PROJECT_ROOT) -> Path:
    """Code, data, tests and the served model; not the venv, caches, logs, conversations or history."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIPPED or n.endswith((".db", ".tmp"))}

    shutil.copytree(source, target, ignore=ignore, symlinks=True)
    key = source / "var" / "model-signing-key"  # the copied model's signature stays valid in the copy
    if key.exists():
        (target / "var").mkdir(exist_ok=True)
        shutil.copy2(key, target / "var" / key.name)
    return target


def main_cache(source: Path = PROJECT_ROOT) -> Path:
    return source / ".rasa" / "cache"


def project_with_cache(base: Path, source: Path = PROJECT_ROOT) -> tuple[Path, Path]:
    """base/projet, a copy of the project, and base/rasa-cache, a copy of its Rasa training cache.

    The copied cache reuses the project's trained NLU as a staff member's checkout would, and neither a
    training in the project nor one in the copy can disturb the other's cache (RASA_CACHE_DIRECTORY).
    """
    root = copy_project(base / "projet", source)
    cache = base / "rasa-cache"
    shutil.copytree(main_cache(source), cache)
    _relocate_cache_entries(cache)
    return root, cache


def _relocate_cache_entries(cache: Path) -> None:
    """Point the copied cache's entries at the copied files.

    Rasa records where each cached output lies relative to the working directory (".rasa/cache/tmpX")
    or as the original absolute path: from the copy, the first would not be found — Rasa would then
    retrain DIET for minutes — and the second would read the main project's cache.
    """
    with sqlite3.connect(cache / "cache.db") as db:
        rows = db.execute(
            "SELECT fingerprint_key, result_location FROM cache_entry WHERE result_location IS NOT NULL"
        ).fetchall()
        db.executemany(
            "UPDATE cache_entry SET result_location = ? WHERE fingerprint_key = ?",
            [(str(cache / Path(location).name), key) for key, location in rows],
        )
