"""A temporary copy of the project, for the staff tests and the retrain benchmark."""
from __future__ import annotations

import shutil
from pathlib import Path

from bot.settings import PROJECT_ROOT

SKIPPED = {".venv", "node_modules", ".rasa", "results", "var", "reports", ".git", "__pycache__", ".pytest_cache",
           "history", "staging", "reviews"}


def copy_project(target: Path, source: Path = PROJECT_ROOT) -> Path:
    """Code, data, tests and the served model; not the venv, caches, logs, conversations or history."""
    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIPPED or n.endswith((".db", ".tmp"))}

    shutil.copytree(source, target, ignore=ignore, symlinks=True)
    return target


def main_cache(source: Path = PROJECT_ROOT) -> Path:
    return source / ".rasa" / "cache"
