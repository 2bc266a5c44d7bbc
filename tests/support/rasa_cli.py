"""Run Rasa's own evaluation commands as a user would, quietly, and read their reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.runtime.settings import PROJECT_ROOT
from tests.support.servers import quiet_env


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "bot", "rasa", *args]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=quiet_env(), capture_output=True, text=True, timeout=timeout)


def tail(process: subprocess.CompletedProcess, lines: int = 40) -> str:
    return "\n".join((process.stdout + process.stderr).splitlines()[-lines:])


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""
