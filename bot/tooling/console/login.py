"""Log in, log out, and the audit log page."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import get_session, new_session

from bot.tooling.console.context import ACCOUNTS, AUDIT, current_user
from bot.tooling.console.rendering import notify, redirect, render

routes = web.RouteTableDef()


def safe_next(value: str) -> str:
    """Only a path of this console: never an absolute URL, nor `//other.site` (open redirect)."""
    parts = urlsplit(value or "/")
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return "/"
    return value


@routes.get("/connexion")
async def login_page(request: web.Request) -> web.Response:
    return await render(request, "connexion.html", suite=safe_next(request.query.get("suite", "/")), error="", name="")


@routes.post("/connexion")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name, password = str(form.get("identifiant", "")), str(form.get("mot_de_passe", ""))
    target = safe_next(str(form.get("suite", "/")))
    # argon2 is slow on purpose: off the event loop.
    result = await asyncio.get_running_loop().run_in_executor(None, request.app[ACCOUNTS].log_in, name, password)
    audit = request.app[AUDIT]
    if result.account is None:
        audit.record(
            name.strip().lower()[:64] or "?", "connexion refusée", "compte verrouillé" if result.locked else ""
        )
        return await render(request, "connexion.html", status=401, suite=target, error=result.message, name=name)
    # A new session on log-in: an id planted before cannot be reused (session fixation).
    session = await new_session(request)
    session["user"] = result.account.name
    session["since"] = time.time()
    audit.record(result.account.name, "connexion")
    return redirect(target)


@routes.post("/deconnexion")
async def logout(request: web.Request) -> web.StreamResponse:
    who = current_user(request).name
    request.app[ACCOUNTS].end_sessions(who)
    (await get_session(request)).invalidate()
    request.app[AUDIT].record(who, "déconnexion")
    await new_session(request)
    await notify(request, "Vous êtes déconnecté.", "info")
    return redirect("/connexion")


@routes.get("/journal")
async def journal(request: web.Request) -> web.Response:
    action = request.query.get("action") or None
    entries = request.app[AUDIT].latest(action=action)
    return await render(request, "journal.html", entries=entries, action=action or "")
