"""The console's aiohttp application: the page families of this package behind log-in, CSRF and roles.

Routes (each family in its module):
  GET/POST /connexion, POST /deconnexion, GET /journal          login.py
  GET /  (tableau de bord), GET /tableau-de-bord.csv             dashboard.py
  /conversations...  inbox, a conversation, annotate a message   inbox.py
  /histoires...      correct a conversation into a story         story_editor.py
  /catalogue...      edit events, organisers, topics, terms      catalogue_editor.py
  /entrainement...   retrain (live progress), publish, roll back  training.py
  GET /healthz, /static/dsfr/..., /static/dsfr-chart/..., /static/console/...
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from aiohttp import web

from bot.runtime.settings import Settings, load_settings, local_secret
from bot.tooling.console import catalogue_editor, dashboard, inbox, login, story_editor, training
from bot.tooling.console.accounts import Accounts
from bot.tooling.console.audit import AuditLog
from bot.tooling.console.context import ACCOUNTS, AUDIT, PROJECT, SETTINGS
from bot.tooling.console.database import connect
from bot.tooling.console.rendering import ENVIRONMENT, render, template_environment
from bot.tooling.console.security import Handler, install_sessions, require_csrf, require_login, wants_html
from bot.tooling.staff.project import Project, StaffError

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
PAGE_FAMILIES = (login, dashboard, inbox, story_editor, catalogue_editor, training)
MAX_BODY_BYTES = 2 * 1024 * 1024  # a catalogue form is a few kilobytes

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
ERROR_TITLES = {
    400: "Demande incorrecte",
    401: "Connexion nécessaire",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    409: "Action impossible pour le moment",
    413: "Envoi trop volumineux",
    500: "Erreur de la console",
}


class SetupError(RuntimeError):
    """Something to install or fix before the console can be served, in one French sentence."""


@web.middleware
async def french_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors as a French DSFR page for a browser, as French text otherwise; never a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not wants_html(request) and exc.status != 403:
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else ""
        if exc.status == 413:
            message = f"Envoi trop volumineux (maximum {MAX_BODY_BYTES // (1024 * 1024)} Mio)."
        return await _error_page(request, exc.status, message)
    except StaffError as exc:
        return await _error_page(request, 409, str(exc))
    except Exception:
        logger.exception("Erreur de la console sur %s %s", request.method, request.path)
        return await _error_page(request, 500, "Une erreur inattendue s'est produite ; rien n'a été modifié.")


async def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    title = ERROR_TITLES.get(status, "Erreur")
    return await render(request, "erreur.html", status=status, title=title, message=message or title)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)


async def healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def session_key(settings: Settings, project: Project) -> str:
    return local_secret(
        "CONSOLE_SESSION_KEY",
        project.root / "var" / "console-session-key",
        {"CONSOLE_SESSION_KEY": settings.console_session_key},
    )


def create_console_app(settings: Optional[Settings] = None, project: Optional[Project] = None) -> web.Application:
    settings = settings or load_settings()
    project = project or Project.here()
    if not (settings.dsfr_dist / "dsfr.min.css").is_file():
        raise SetupError(
            f"DSFR absent ({settings.dsfr_dist}) : lancez `make web-assets` (npm ci) à la racine du projet."
        )
    engine = connect(project.tracker_db)

    app = web.Application(client_max_size=MAX_BODY_BYTES)
    install_sessions(app, session_key(settings, project), settings.console_https)
    # After the session middleware: french_errors renders pages that read the session.
    app.middlewares.extend([french_errors, require_login, require_csrf])
    app[SETTINGS] = settings
    app[PROJECT] = project
    app[ACCOUNTS] = Accounts(engine)
    app[AUDIT] = AuditLog(engine)
    app[ENVIRONMENT] = template_environment()
    app.on_response_prepare.append(security_headers)
    for family in PAGE_FAMILIES:
        app.add_routes(family.routes)
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static/dsfr/", settings.dsfr_dist, follow_symlinks=False)
    if settings.dsfr_chart_dist.is_dir():  # without it the dashboard shows its tables, not its charts
        app.router.add_static("/static/dsfr-chart/", settings.dsfr_chart_dist, follow_symlinks=False)
    app.router.add_static("/static/console/", STATIC, follow_symlinks=False)
    return app
