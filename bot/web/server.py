"""`python -m bot web`: serve the citizens' page on WEB_HOST:WEB_PORT (default 127.0.0.1:8080)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.runtime.startup_errors import explained
from bot.web.app import SetupError, create_app
from bot.web.config import load_web_settings


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s : %(message)s")
    return explained(serve, "Impossible de démarrer la page", (SetupError, ValueError))


def serve() -> int:
    settings = load_web_settings()
    app = create_app(settings)
    print(
        f"Page citoyenne : http://{'localhost' if settings.host in ('127.0.0.1', '0.0.0.0', '::') else settings.host}:{settings.port}/ "
        f"(Rasa : {settings.rasa_url})",
        flush=True,
    )
    # No access log: the history URL carries the conversation id, which is the only key to it.
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        access_log=None,
        print=None,
        handle_signals=True,
        shutdown_timeout=2,
    )
    return 0
