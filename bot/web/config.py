"""Settings of the citizens' web page, from the environment's settings (bot/runtime/settings.py; defaults fit `make run`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH
from bot.runtime.settings import DSFR_DIST, api_token, load_settings, parse_origins

__all__ = ["DSFR_DIST", "MAX_MESSAGE_CHARS", "WebSettings", "default_origins", "load_web_settings", "parse_origins"]
MAX_MESSAGE_CHARS = 500


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


def load_web_settings(environ: Optional[Mapping[str, str]] = None) -> WebSettings:
    """The page's settings from this process' environment, or from `environ`; a bad value is a French ValueError."""
    s = load_settings(environ)
    return WebSettings(
        host=s.web_host,
        port=s.web_port,
        rasa_url=s.rasa_url,
        allowed_origins=s.allowed_origins,
        catalogue_path=s.catalogue_path,
        dsfr_dir=s.dsfr_dist,
        rasa_timeout=s.web_rasa_timeout,
    )
