"""Runtime settings from the environment, with the embedded defaults of `make run`."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"


@dataclass(frozen=True)
class Settings:
    rasa_host: str
    rasa_port: int
    action_host: str
    action_port: int
    tracker_db: str
    models_dir: Path
    tracker_dialect: str = "sqlite"

    @property
    def action_server_url(self) -> str:
        return f"http://{self.action_host}:{self.action_port}/webhook"


def _port(environ: dict, name: str, default: int) -> int:
    value = environ.get(name, str(default))
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{name}={value!r} : numéro de port attendu (1-65535)")
    return int(value)


def load_settings(environ: dict | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    dialect = _tracker_dialect(env)
    return Settings(
        rasa_host=env.get("RASA_HOST", "127.0.0.1"),
        rasa_port=_port(env, "RASA_PORT", 5005),
        action_host=env.get("ACTION_HOST", "127.0.0.1"),
        action_port=_port(env, "ACTION_PORT", 5055),
        tracker_db=env.get("TRACKER_DB") or (str(VAR_DIR / "tracker.db") if dialect == "sqlite" else "rasa"),
        models_dir=Path(env.get("MODELS_DIR", PROJECT_ROOT / "models")),
        tracker_dialect=dialect,
    )


# Tracker store connection (endpoints.yml reads every one of them: Rasa's ${VAR} has no default value).
# SQLite (default): TRACKER_DB is the file. PostgreSQL: TRACKER_DIALECT=postgresql, TRACKER_HOST, TRACKER_PORT,
# TRACKER_DB (database name), TRACKER_USER and TRACKER_PASSWORD (from the environment only, never a file).
TRACKER_DIALECTS = ("sqlite", "postgresql")
TRACKER_CONNECTION_VARIABLES = ("TRACKER_HOST", "TRACKER_PORT", "TRACKER_USER", "TRACKER_PASSWORD")


def tracker_database_url(environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The SQLAlchemy URL of a server tracker store (PostgreSQL), None for the embedded SQLite file."""
    env = dict(os.environ if environ is None else environ)
    settings = load_settings(env)
    if settings.tracker_dialect == "sqlite":
        return None
    from sqlalchemy.engine import URL  # installed with Rasa; only the staff tools reading PostgreSQL need it

    port = env.get("TRACKER_PORT")
    return URL.create(
        settings.tracker_dialect,
        username=env.get("TRACKER_USER") or None,
        password=env.get("TRACKER_PASSWORD") or None,
        host=env.get("TRACKER_HOST"),
        port=int(port) if port else None,
        database=settings.tracker_db,
    ).render_as_string(hide_password=False)


def _tracker_dialect(env: dict) -> str:
    dialect = env.get("TRACKER_DIALECT") or "sqlite"
    if dialect not in TRACKER_DIALECTS:
        raise ValueError(f"TRACKER_DIALECT={dialect!r} : valeurs possibles {', '.join(TRACKER_DIALECTS)}")
    if dialect != "sqlite" and not env.get("TRACKER_HOST"):
        raise ValueError(f"TRACKER_DIALECT={dialect} demande TRACKER_HOST (hôte de la base des conversations)")
    if env.get("TRACKER_PORT") and not env["TRACKER_PORT"].isdigit():
        raise ValueError(f"TRACKER_PORT={env['TRACKER_PORT']!r} : numéro de port attendu (1-65535)")
    return dialect


def tracker_environment(settings: Settings, environ: dict) -> dict[str, str]:
    """The tracker store variables of endpoints.yml, each set (empty when unused) so that Rasa can expand them."""
    env = dict(environ)
    env["TRACKER_DIALECT"] = settings.tracker_dialect
    env["TRACKER_DB"] = settings.tracker_db
    for name in TRACKER_CONNECTION_VARIABLES:
        env.setdefault(name, "")
    return env


def server_environment(settings: Settings, environ: dict | None = None) -> dict[str, str]:
    """Environment for the Rasa and action servers: endpoints.yml reads these variables."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault("ACTION_SERVER_URL", settings.action_server_url)
    env = tracker_environment(settings, env)
    env["SANIC_HOST"] = settings.action_host  # rasa-sdk binds to this address
    # The action server refuses calls without it; endpoints.yml makes Rasa send it (bot/runtime/action_server.py).
    if not env.get(ACTION_TOKEN_VARIABLE):
        env[ACTION_TOKEN_VARIABLE] = action_server_token(environ=env)
    # Keep TensorFlow's C++ logging out of the console.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore")
    # SQLite tracker store in write-ahead-log mode: no disk wait per turn in Rasa's event loop (+30 % messages/s
    # at 16 conversations, reports/bench.md; bot/runtime/stores/sqlite_tuning.py). 0 = SQLite's defaults.
    env.setdefault("TRACKER_SQLITE_WAL", "1")
    # 4 messages processed at once rather than 8: the same throughput on 2 cores with a shorter tail of latency
    # (reports/bench.md, bot/runtime/channels/admission.py).
    env.setdefault("ADMISSION_SLOTS", "4")
    return env


API_TOKEN_VARIABLE = "RASA_API_TOKEN"
ACTION_TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"


def local_secret(variable: str, path: Path, environ: Optional[Mapping[str, str]] = None) -> str:
    """The secret in `variable`, else one generated once into `path` (mode 600, never printed)."""
    token = (os.environ if environ is None else environ).get(variable, "").strip()
    if token:
        return token
    if path.exists():
        token = path.read_text().strip()
        if token:
            return token
        path.unlink(missing_ok=True)  # an empty file would mean "no secret": make a new one
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    # Created with mode 600 from the start: no moment where another account could read it.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the same start-up wrote it first: use theirs
        time.sleep(0.1)
        return path.read_text().strip() or local_secret(variable, path, environ)
    with os.fdopen(descriptor, "w") as file:
        file.write(token)
    return token


def api_token(path: Path = VAR_DIR / "rasa-api-token") -> str:
    """The HTTP API token: RASA_API_TOKEN, else a local secret generated once and kept in var/."""
    return local_secret(API_TOKEN_VARIABLE, path)


def action_server_token(
    path: Path = VAR_DIR / "action-server-token", environ: Optional[Mapping[str, str]] = None
) -> str:
    """The action server's token: ACTION_SERVER_TOKEN, else a local secret generated once and kept in var/."""
    return local_secret(ACTION_TOKEN_VARIABLE, path, environ)
