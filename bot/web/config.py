"""Settings of the citizens' web page, from the environment's settings (bot/runtime/settings.py; defaults fit `make run`).

The page never holds Rasa's API token (with it, `PUT /model` loads a model without checking its
signature). It reads a conversation's history with a JWT it signs for that one conversation
(`{"user": {"username": "rest:<id>", "role": "user"}}`, one minute), under a key of its own:
`var/rasa-jwt-secret` (0600, created by the launcher, given to Rasa as `--jwt-secret`). Rasa lets
such a token read that conversation only; and since whoever holds the key could sign an admin
token, Rasa is told to refuse every JWT but these (`only_conversation_jwts`, installed by the
agents' channel on Rasa's app).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH
from bot.runtime.channels.inputs import PAGE_SENDER, REST_NAMESPACE, namespaced
from bot.runtime.settings import DSFR_DIST, VAR_DIR, load_settings, local_secret, parse_origins

__all__ = ["DSFR_DIST", "MAX_MESSAGE_CHARS", "WebSettings", "default_origins", "load_web_settings", "parse_origins"]
MAX_MESSAGE_CHARS = 500
JWT_SECRET_PATH = VAR_DIR / "rasa-jwt-secret"
JWT_METHOD = "HS256"
JWT_LIFETIME_SECONDS = 60
# Rasa refuses a token valid for longer (a leaked one is of little use).
MAX_JWT_LIFETIME_SECONDS = 300
# The conversations of the page: Rasa's REST channel keeps them as `rest:<id>`.
PAGE_CONVERSATION_PREFIX = namespaced(REST_NAMESPACE, "")


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
    # The key the page signs its one-conversation tokens with (not Rasa's API token), read when the history is
    # asked for: var/rasa-jwt-secret, which `make run` creates and gives Rasa.
    token_provider: Callable[[], str] = field(default=lambda: page_jwt_secret(), compare=False, repr=False)

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


# --- the page's tokens for Rasa's API ------------------------------------------------------------------


def page_jwt_secret(create: bool = False, path: Optional[Path] = None) -> str:
    """The key of the page's tokens: a 0600 file, never an environment variable. `create` (the launcher, before
    Rasa starts) generates it once; the page only reads it ("" when absent)."""
    path = JWT_SECRET_PATH if path is None else path
    if create:
        return local_secret("", path, {})
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def rasa_jwt_arguments(secret: str) -> list[str]:
    """What `rasa run` needs to check the page's tokens (`=`: a secret may start with « - »)."""
    return [f"--jwt-secret={secret}", "--jwt-method", JWT_METHOD]


def conversation_jwt(conversation_id: str, secret: str, now: Optional[float] = None) -> str:
    """A token that lets its bearer read `conversation_id` only (Rasa: role `user`), for one minute."""
    import jwt  # PyJWT, installed with Rasa

    issued = int(time.time() if now is None else now)
    claims = {
        "user": {"username": conversation_id, "role": "user"},
        "iat": issued,
        "exp": issued + JWT_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, secret, algorithm=JWT_METHOD)


def is_conversation_jwt(payload: Mapping[str, Any]) -> bool:
    """The only JWTs Rasa accepts: role `user` on one page conversation (`rest:<id>`), expiring within five minutes.

    Rasa itself gives a `user` token its own conversation's routes, and an `admin` token everything.
    """
    user = payload.get("user")
    if not isinstance(user, Mapping) or user.get("role") != "user":
        return False
    username = user.get("username")
    if not isinstance(username, str) or not username.startswith(PAGE_CONVERSATION_PREFIX):
        return False
    if not PAGE_SENDER.fullmatch(username[len(PAGE_CONVERSATION_PREFIX) :]):
        return False
    expires = payload.get("exp")
    return isinstance(expires, (int, float)) and expires - time.time() <= MAX_JWT_LIFETIME_SECONDS


def only_conversation_jwts(app: Any) -> bool:
    """On Rasa's Sanic app: any other JWT is refused (401) by sanic-jwt's extra verifications. True when Rasa
    checks JWTs at all (`--jwt-secret`); the API token keeps working as before."""
    auth = getattr(app.ctx, "auth", None)
    if auth is None:
        return False
    checks = list(getattr(auth, "_extra_verifications", None) or ())
    if is_conversation_jwt not in checks:
        checks.append(is_conversation_jwt)
    auth._extra_verifications = checks  # what sanic-jwt's Initialize(extra_verifications=...) sets
    return True
