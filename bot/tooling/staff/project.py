"""Where things live in a project tree (the real one, or a temporary copy in tests)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bot.runtime.settings import PROJECT_ROOT, load_settings, process_environment, tracker_database_url

MODEL_NAME = "mois-innovation"


class StaffError(RuntimeError):
    """A failure explained to staff in French; the live bot has not been touched."""


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def here(cls) -> Project:
        return cls(PROJECT_ROOT)

    @property
    def catalogue(self) -> Path:
        return self.root / "data" / "catalogue.yml"

    @property
    def generated(self) -> Path:
        return self.root / "data" / "nlu" / "generated" / "catalogue.yml"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def stories_dir(self) -> Path:
        return self.root / "data" / "stories"

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def live_model(self) -> Path:
        return self.models_dir / f"{MODEL_NAME}.tar.gz"

    @property
    def history_dir(self) -> Path:
        return self.models_dir / "history"

    @property
    def staging_dir(self) -> Path:
        return self.models_dir / "staging"

    @property
    def results_dir(self) -> Path:
        return self.root / "results" / "retrain"

    @property
    def nlu_test_set(self) -> Path:
        """The held-out set: engineers' measure only, never shown to whoever writes training phrases."""
        return self.root / "tests" / "nlu" / "test_nlu.yml"

    @property
    def nlu_check_set(self) -> Path:
        """The development set (tests/dev/nlu/), which gates a retrain and whose errors staff may read."""
        return self.root / "tests" / "dev" / "nlu"

    @property
    def nlu_check_files(self) -> list[Path]:
        return sorted(self.nlu_check_set.glob("*.yml"))

    @property
    def conversation_tests(self) -> list[Path]:
        """tests/test_stories.yml and the cases imported from reviews (tests/test_stories_*.yml)."""
        tests = self.root / "tests"
        return sorted(p for p in tests.glob("test_stories*.yml") if p.is_file())

    @property
    def tracker_db(self) -> Path | str:
        """The SQLite file, or the PostgreSQL URL when TRACKER_DIALECT=postgresql (bot/runtime/settings.py)."""
        settings = load_settings()
        given = Path(settings.tracker_db) if settings.is_set("tracker_db") else self.root / "var" / "tracker.db"
        return tracker_database_url() or given


def rasa_environment(extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    env = process_environment()
    env.update(
        TF_CPP_MIN_LOG_LEVEL="3",
        TQDM_DISABLE="1",
        PYTHONWARNINGS="ignore",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra or {})
    return env


def run_rasa(project: Project, args: Sequence[str], timeout: float = 1800) -> subprocess.CompletedProcess:
    """`python -m bot rasa ...` in the project folder, output captured."""
    command = [sys.executable, "-m", "bot", "rasa", *args]
    return subprocess.run(
        command, cwd=project.root, env=rasa_environment(), capture_output=True, text=True, timeout=timeout
    )


def start_rasa(project: Project, args: Sequence[str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "bot", "rasa", *args]
    return subprocess.Popen(
        command, cwd=project.root, env=rasa_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def output_tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])
