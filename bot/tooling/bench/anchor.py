"""The anchor: the bare bot `rasa init` creates and trains, cached per Rasa version so it is trained once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.runtime.settings import VAR_DIR, process_environment

CACHE_DIR = VAR_DIR / "bench"


def anchor_dir(version: str) -> Path:
    return CACHE_DIR / f"rasa-init-{version}"


def cached_model(directory: Path) -> Path | None:
    models = sorted((directory / "models").glob("*.tar.gz")) if directory.is_dir() else []
    return models[-1] if models else None


def prepare_anchor(version: str | None = None) -> tuple[Path, Path]:
    """(project directory, model) of the `rasa init` bot; created and trained only if not cached yet (~1-3 min)."""
    import rasa

    directory = anchor_dir(version or rasa.__version__)
    model = cached_model(directory)
    if model:
        return directory, model
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as scratch:
        fresh = Path(scratch) / "rasa-init"
        env = process_environment(TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", RASA_TELEMETRY_ENABLED="false")
        done = subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(fresh)],
            cwd=scratch,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not cached_model(fresh):
            raise RuntimeError(
                f"`rasa init` a échoué (code {done.returncode}) :\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        shutil.rmtree(directory, ignore_errors=True)
        shutil.move(str(fresh), directory)
    model = cached_model(directory)
    assert model is not None
    return directory, model
