"""The citizens' page: aiohttp app serving the programme, the widget and a same-origin proxy to Rasa.

Routes
  GET  /                 the page, rendered from the catalogue (reloaded when the file changes)
  GET  /static/dsfr/...  the State design system (node_modules/@gouvfr/dsfr/dist, installed by npm ci)
  GET  /static/chat/...  the widget's script and styles
  POST /api/chat         {"sender", "message"} -> {"messages": [...]} via Rasa's REST channel
  GET  /api/history      ?sender=... -> {"messages": [...]} from Rasa's tracker `rest:<sender>` (a JWT for that
                         conversation alone, never Rasa's API token: bot/web/config.py)
  GET  /api/status       {"available": bool}: whether Rasa answers
  GET  /healthz          "ok"
  GET  /programme.ics, /evenements/<id>.ics   « Ajouter à mon agenda » (bot/web/calendars.py)

The browser only ever talks to this server, so the Content-Security-Policy allows 'self' alone and
the API checks the Origin header against WebSettings.origins.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote

import aiohttp
import jinja2
from aiohttp import web

from bot.domain.catalogue.live import LiveCatalogue
from bot.runtime.channels.client_ip import client_ip, trusted_proxies

# The limit of every inbound door (docs/securite.md): a larger body gets a 413. One validation module for all.
from bot.runtime.channels.inputs import (
    MAX_BODY_BYTES,
    REST_NAMESPACE,
    InvalidRequest,
    namespaced,
    validate_chat,
    validate_page_sender,
)
from bot.web import calendars
from bot.web.calendars import CATALOGUE, catalogue_source
from bot.web.config import JWT_SECRET_PATH, WebSettings, conversation_jwt, load_web_settings
from bot.web.messages import bot_messages, history
from bot.web.programme import ProgrammeView, programme_source

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        # The widget never writes HTML: Chromium refuses any innerHTML-like sink outright.
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
UNAVAILABLE = "Assistant momentanément indisponible. Réessayez dans quelques instants."
TRUSTED = web.AppKey("trusted_proxies", tuple)


class RasaRefused(Exception):
    """Rasa refused the message for a reason the user should read (413, 429)."""

    def __init__(self, status: int, reason: str, retry_after: Optional[str]) -> None:
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, retry_after


SETTINGS = web.AppKey("settings", WebSettings)
PROGRAMME = web.AppKey("programme", LiveCatalogue[ProgrammeView])
TEMPLATE = web.AppKey("template", jinja2.Template)
HTTP = web.AppKey("http", aiohttp.ClientSession)


class SetupError(RuntimeError):
    """Something to install or fix before the page can be served, said in one French sentence."""


_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def error(status: int, code: str, detail: str) -> web.Response:
    return json_response({"error": code, "detail": detail}, status=status)


# --- middlewares -------------------------------------------------------------------------------


def origin_allowed(request: web.Request, origins: tuple[str, ...]) -> bool:
    """Same-origin requests only: a POST must name an allowed Origin (browsers always send it);
    a GET may omit it, but then must not be flagged cross-site by the browser."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin.strip().rstrip("/").lower() in origins
    if request.method not in ("GET", "HEAD"):
        return False
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


@web.middleware
async def api_guard(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if not request.path.startswith("/api/"):
        return await handler(request)
    if not origin_allowed(request, request.app[SETTINGS].origins):
        return error(403, "origine_refusee", "Origine non autorisée : l'assistant ne répond qu'aux pages de ce site.")
    try:
        response = await handler(request)
    except InvalidRequest as exc:
        return error(exc.status, exc.code, exc.detail)
    except web.HTTPRequestEntityTooLarge:
        return error(413, "requete_trop_grande", f"Requête trop volumineuse (maximum {MAX_BODY_BYTES // 1024} Kio).")
    except web.HTTPMethodNotAllowed as exc:
        return error(
            405, "methode_refusee", f"Méthode non autorisée ; attendue : {', '.join(sorted(exc.allowed_methods))}."
        )
    except web.HTTPNotFound:
        return error(404, "introuvable", "Adresse d'API inconnue.")
    response.headers["Cache-Control"] = "no-store"
    return response


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-cache")


# --- page ----------------------------------------------------------------------------------------


async def page(request: web.Request) -> web.Response:
    programme = request.app[PROGRAMME].get()
    settings = request.app[SETTINGS]
    html = request.app[TEMPLATE].render(p=programme, max_chars=settings.max_message_chars)
    return web.Response(text=html, content_type="text/html", charset="utf-8", headers={"Cache-Control": "no-cache"})


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


# --- proxy to Rasa -------------------------------------------------------------------------------


async def _rasa_json(request: web.Request, method: str, path: str, **kwargs: Any) -> Any:
    """Call Rasa; an unreachable, slow or failing Rasa becomes a 503 in French."""
    settings = request.app[SETTINGS]
    try:
        async with request.app[HTTP].request(method, settings.rasa_url + path, **kwargs) as response:
            if response.status in (413, 429):
                body = await response.json(content_type=None)
                reason = body.get("error") if isinstance(body, dict) else None
                raise RasaRefused(
                    response.status, str(reason or "Message refusé."), response.headers.get("Retry-After")
                )
            if response.status != 200:
                logger.warning("Rasa a répondu %s à %s %s", response.status, method, path.split("?")[0])
                raise web.HTTPServiceUnavailable()
            return await response.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        logger.warning("Rasa injoignable (%s %s) : %s", method, path.split("?")[0], type(exc).__name__)
        raise web.HTTPServiceUnavailable() from None


async def chat(request: web.Request) -> web.Response:
    if request.content_type != "application/json":
        return error(415, "type_non_pris_en_charge", "Envoyez du JSON (Content-Type: application/json).")
    raw = await request.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return error(400, "json_invalide", "Le corps de la requête n'est pas du JSON valide.")
    message = validate_chat(body, request.app[SETTINGS].max_message_chars)
    # Rasa's per-address limit must see the visitor, not this server: it trusts this header from loopback
    # (TRUSTED_PROXIES). Sent alone, so that a visitor's own X-Forwarded-For cannot reach Rasa.
    visitor = client_ip(request.remote, request.headers.get("X-Forwarded-For"), request.app[TRUSTED])
    try:
        reply = await _rasa_json(
            request,
            "POST",
            "/webhooks/rest/webhook",
            json={"sender": message.sender, "message": message.message},
            headers={"X-Forwarded-For": visitor},
        )
    except web.HTTPServiceUnavailable:
        return error(503, "indisponible", UNAVAILABLE)
    except RasaRefused as refused:
        response = error(
            refused.status, "trop_de_messages" if refused.status == 429 else "requete_trop_grande", refused.reason
        )
        if refused.retry_after:
            response.headers["Retry-After"] = refused.retry_after
        return response
    return json_response({"messages": bot_messages(reply)})


async def conversation_history(request: web.Request) -> web.Response:
    sender = validate_page_sender(request.query.get("sender"))
    # The page talks to Rasa's REST channel, which keeps its conversations as `rest:<sender>`.
    conversation = namespaced(REST_NAMESPACE, sender)
    secret = request.app[SETTINGS].token_provider()
    if not secret:
        logger.error(
            "Clé des jetons de la page absente (%s) : `python -m bot run` la crée et la donne à Rasa.", JWT_SECRET_PATH
        )
        return error(503, "indisponible", UNAVAILABLE)
    # A token for this one conversation: it reads this tracker and nothing else (no model loading, no other user's).
    headers = {"Authorization": f"Bearer {conversation_jwt(conversation, secret)}"}
    path = f"/conversations/{quote(conversation, safe='')}/tracker"
    try:
        tracker = await _rasa_json(request, "GET", path, params={"include_events": "AFTER_RESTART"}, headers=headers)
    except web.HTTPServiceUnavailable:
        return error(503, "indisponible", UNAVAILABLE)
    return json_response({"messages": history(tracker)})


async def status(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    try:
        async with request.app[HTTP].get(settings.rasa_url + "/", timeout=aiohttp.ClientTimeout(total=5)) as response:
            available = response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        available = False
    return json_response({"available": available}, status=200 if available else 503)


# --- factory -------------------------------------------------------------------------------------


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("index.html")


def create_app(settings: Optional[WebSettings] = None) -> web.Application:
    """The page's aiohttp application. Refuses to build without the DSFR files or a valid catalogue."""
    settings = settings or load_web_settings()
    if not (settings.dsfr_dir / "dsfr.min.css").is_file():
        raise SetupError(
            f"DSFR absent ({settings.dsfr_dir}) : lancez `make web-assets` (npm ci) à la racine du projet."
        )
    programme = programme_source(settings.catalogue_path)
    programme.get()  # an invalid catalogue stops start-up with its CatalogueError

    app = web.Application(middlewares=[api_guard], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[TRUSTED] = trusted_proxies()
    app[PROGRAMME] = programme
    app[TEMPLATE] = _template()
    app[CATALOGUE] = catalogue_source(settings.catalogue_path)

    async def http_client(app: web.Application):  # type: ignore[no-untyped-def]
        timeout = aiohttp.ClientTimeout(total=settings.rasa_timeout, connect=5)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            app[HTTP] = session
            yield

    app.cleanup_ctx.append(http_client)
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/", page)
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/history", conversation_history)
    app.router.add_get("/api/status", status)
    app.add_routes(calendars.routes)
    app.router.add_static("/static/dsfr/", settings.dsfr_dir, follow_symlinks=False)
    app.router.add_static("/static/chat/", STATIC, follow_symlinks=False)
    return app
