"""Settings of the citizens' web page, read from the environment (defaults fit `make run`)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH
from bot.runtime.settings import PROJECT_ROOT, api_token

DSFR_DIST = PROJECT_ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist"
MAX_MESSAGE_CHARS = 500
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$", re.IGNORECASE)


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    # Origins whose pages may call /api/* (scheme://host[:port], no path).
    allowed_origins: tuple[str, ...] = ()
    catalogue_path: Path = DEFAULT_CATALOGUE_PATH
    dsfr_dir: Path = DSFR_DIST
    rasa_timeout: float = 30.0
    max_message_chars: int = MAX_MESSAGE_CHARS
    # Read only when the history is asked for, so that tests and `make run` share bot.runtime.settings' token.
    token_provider: Callable[[], str] = field(default=api_token, compare=False, repr=False)

    @property
    def origins(self) -> tuple[str, ...]:
        return self.allowed_origins or default_origins(self.host, self.port)


def default_origins(host: str, port: int) -> tuple[str, ...]:
    """The page's own origin as a browser on this machine writes it."""
    names = ["localhost", "127.0.0.1"]
    if host not in ("0.0.0.0", "::", "", *names):
        names.append(f"[{host}]" if ":" in host else host)
    return tuple(f"http://{name}:{port}" for name in names)


def parse_origins(value: str) -> tuple[str, ...]:
    origins = []
    for item in value.split(","):
        item = item.strip().rstrip("/")
        if not item:
            continue
        if not _ORIGIN.match(item):
            raise ValueError(
                f"WEB_ALLOWED_ORIGINS : « {item} » n'est pas une origine (attendu : https://exemple.gouv.fr[:port], sans chemin)"
            )
        parts = urlsplit(item)
        origins.append(f"{parts.scheme.lower()}://{parts.netloc.lower()}")
    return tuple(origins)


def _port(env: dict, name: str, default: int) -> int:
    value = env.get(name, str(default)).strip()
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{name}={value!r} : numéro de port attendu (1-65535)")
    return int(value)


def _url(env: dict, name: str, default: str) -> str:
    value = env.get(name, default).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name}={value!r} : adresse http(s) attendue, par exemple {default}")
    return value


def load_web_settings(environ: Optional[dict] = None) -> WebSettings:
    env = dict(os.environ if environ is None else environ)
    timeout = env.get("WEB_RASA_TIMEOUT", "30")
    try:
        rasa_timeout = float(timeout)
    except ValueError:
        raise ValueError(f"WEB_RASA_TIMEOUT={timeout!r} : nombre de secondes attendu") from None
    return WebSettings(
        host=env.get("WEB_HOST", "127.0.0.1").strip() or "127.0.0.1",
        port=_port(env, "WEB_PORT", 8080),
        rasa_url=_url(env, "RASA_URL", "http://127.0.0.1:5005"),
        allowed_origins=parse_origins(env.get("WEB_ALLOWED_ORIGINS", "")),
        catalogue_path=Path(env.get("MOIS_CATALOGUE", str(DEFAULT_CATALOGUE_PATH))),
        dsfr_dir=Path(env.get("DSFR_DIST", str(DSFR_DIST))),
        rasa_timeout=rasa_timeout,
    )
