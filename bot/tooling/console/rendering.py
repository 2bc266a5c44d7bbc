"""Pages from Jinja2 templates (autoescaped), with what every page needs: the user, the CSRF token,
the navigation, and the one-time notices (« Exemple ajouté », errors) kept in the session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.tooling.console.context import USER
from bot.tooling.console.security import csrf_token

TEMPLATES = Path(__file__).resolve().parent / "templates"
ENVIRONMENT = web.AppKey("templates", jinja2.Environment)

# (path, label): the console's main navigation, in the order staff work.
NAVIGATION = (
    ("/", "Tableau de bord"),
    ("/conversations", "Conversations"),
    ("/histoires", "Histoires"),
    ("/catalogue", "Catalogue"),
    ("/entrainement", "Entraîner et publier"),
    ("/journal", "Journal"),
)


def template_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


async def notify(request: web.Request, message: str, kind: str = "success") -> None:
    """A notice shown once, on the next page (kind: success, error, info, warning: DSFR alerts)."""
    session = await get_session(request)
    session["notices"] = [*session.get("notices", []), {"kind": kind, "message": message}]


async def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    session = await get_session(request)
    notices = session.pop("notices", [])
    section = next(
        (path for path, _ in reversed(NAVIGATION) if request.path == path or request.path.startswith(path + "/")),
        "/",
    )
    html = (
        request.app[ENVIRONMENT]
        .get_template(template)
        .render(
            user=request.get(USER),
            csrf=csrf_token(session),
            navigation=NAVIGATION,
            section=section,
            notices=notices,
            **context,
        )
    )
    return web.Response(
        text=html, status=status, content_type="text/html", charset="utf-8", headers={"Cache-Control": "no-store"}
    )


def redirect(location: str) -> web.HTTPSeeOther:
    """After a POST: 303 to the page that shows the result (the browser's back button stays harmless)."""
    return web.HTTPSeeOther(location)
