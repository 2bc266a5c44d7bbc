"""Log-in sessions, CSRF tokens and roles, as aiohttp middlewares.

Sessions are aiohttp-session cookies encrypted with Fernet (the key: CONSOLE_SESSION_KEY, else
var/console-session-key): HttpOnly, SameSite=Strict, Secure when CONSOLE_HTTPS says the console is
behind https. Every route needs a session except the log-in page, the static files and /healthz.
Every POST carries the session's CSRF token (form field `csrf` or header X-CSRF-Token).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Optional
from urllib.parse import quote

from aiohttp import web
from aiohttp_session import Session, get_session
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.tooling.console.accounts import Account
from bot.tooling.console.context import ACCOUNTS, USER

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

COOKIE_NAME = "console_session"
SESSION_SECONDS = 8 * 3600  # a working day; after that, log in again
PUBLIC_PATHS = ("/connexion", "/healthz")
PUBLIC_PREFIXES = ("/static/",)
FORBIDDEN_FORM = "Formulaire expiré ou envoyé depuis un autre site : rechargez la page puis recommencez."


def install_sessions(app: web.Application, key: str, https: bool) -> None:
    # Any length of secret becomes the 32-byte key Fernet wants.
    storage = EncryptedCookieStorage(
        hashlib.sha256(key.encode()).digest(),
        cookie_name=COOKIE_NAME,
        max_age=SESSION_SECONDS,
        httponly=True,
        secure=https,
        samesite="Strict",
        path="/",
    )
    setup_sessions(app, storage)


def csrf_token(session: Session) -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def wants_html(request: web.Request) -> bool:
    return request.method in ("GET", "HEAD") and "text/event-stream" not in request.headers.get("Accept", "")


@web.middleware
async def require_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    if is_public(request.path):
        return await handler(request)
    session = await get_session(request)
    account = _account(request, session)
    if account is None:
        if wants_html(request):
            raise web.HTTPFound(f"/connexion?suite={quote(request.path_qs, safe='')}")
        raise web.HTTPUnauthorized(text="Session absente ou expirée : connectez-vous.", content_type="text/plain")
    request[USER] = account
    return await handler(request)


def _account(request: web.Request, session: Session) -> Optional[Account]:
    name = session.get("user")
    if not name:
        return None
    # Read again on every request: a changed role or a removed account takes effect at once.
    account = request.app[ACCOUNTS].get(name)
    if account is None or float(session.get("since", 0)) <= account.sessions_valid_after:
        session.invalidate()
        return None
    return account


@web.middleware
async def require_csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method in ("GET", "HEAD", "OPTIONS") or request.path == "/healthz":
        return await handler(request)
    session = await get_session(request)
    expected = session.get("csrf")
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        given = (await request.post()).get("csrf")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise web.HTTPForbidden(text=FORBIDDEN_FORM, content_type="text/plain")
    return await handler(request)


def requires_publisher(handler: Handler) -> Handler:
    """Publishing and rolling back are for the "publieur" role only; an "éditeur" gets a French 403."""

    @wraps(handler)
    async def checked(request: web.Request) -> web.StreamResponse:
        if not request[USER].may_publish:
            raise web.HTTPForbidden(
                text="Action réservée au rôle « publieur » : demandez à un publieur de votre équipe.",
                content_type="text/plain",
            )
        return await handler(request)

    return checked
