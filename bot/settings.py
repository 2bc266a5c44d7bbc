"""Runtime settings from the environment, with the embedded defaults of `make run`."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VAR_DIR = PROJECT_ROOT / "var"


@dataclass(frozen=True)
class Settings:
    rasa_host: str
    rasa_port: int
    action_host: str
    action_port: int
    tracker_db: str
    models_dir: Path

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
    return Settings(
        rasa_host=env.get("RASA_HOST", "127.0.0.1"),
        rasa_port=_port(env, "RASA_PORT", 5005),
        action_host=env.get("ACTION_HOST", "127.0.0.1"),
        action_port=_port(env, "ACTION_PORT", 5055),
        tracker_db=env.get("TRACKER_DB", str(VAR_DIR / "tracker.db")),
        models_dir=Path(env.get("MODELS_DIR", PROJECT_ROOT / "models")),
    )


def server_environment(settings: Settings, environ: dict | None = None) -> dict[str, str]:
    """Environment for the Rasa and action servers: endpoints.yml reads these variables."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault("ACTION_SERVER_URL", settings.action_server_url)
    env["TRACKER_DB"] = settings.tracker_db
    env["SANIC_HOST"] = settings.action_host  # rasa-sdk binds to this address
    # Keep TensorFlow's C++ logging out of the console.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("PYTHONWARNINGS", "ignore")
    return env


def api_token(path: Path = VAR_DIR / "rasa-api-token") -> str:
    """The HTTP API token: RASA_API_TOKEN, else a local secret generated once and kept in var/."""
    token = os.environ.get("RASA_API_TOKEN")
    if token:
        return token
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path.write_text(token)
    path.chmod(0o600)
    return token
