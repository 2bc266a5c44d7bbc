"""rasa-sdk's action server, on loopback and behind a token: `python -m bot.runtime.action_server --port 5055`.

rasa-sdk 3.6 has no authentication: anyone who reaches its port can run any action with any
tracker. This launcher builds the same Sanic app (rasa_sdk.endpoint.create_app, same arguments as
`python -m rasa_sdk`) and adds a check before every route but /health:

- the token is ACTION_SERVER_TOKEN, else var/action-server-token (generated once, bot/runtime/settings.py);
- Rasa sends it in `Authorization: Bearer …` (endpoints.yml, action_endpoint.headers); `?token=…`
  (what `action_endpoint.token` would send) is accepted too; compared in constant time;
- a missing or wrong token gets a 401 with a French JSON reason, and no action runs;
- the server binds to ACTION_HOST, default 127.0.0.1 (rasa-sdk's own default is 0.0.0.0);
- no CORS headers (rasa-sdk allows every origin) and no access log (it would hold `?token=`);
- a body over 16 MiB gets Sanic's 413 before it is read (Sanic's default: 100 MB, read whole before
  the token check); 16 MiB is what nginx lets through to the action servers in the cluster.
"""

from __future__ import annotations

import hmac
import logging
import sys
from collections.abc import Sequence
from typing import Optional

from sanic import Sanic, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.runtime.settings import ACTION_TOKEN_VARIABLE, action_server_token, load_settings

logger = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})
REFUSED = "jeton du serveur d'actions absent ou invalide"
# Rasa sends the whole conversation (tracker) with each action call: far more than a channel's 4 KiB.
REQUEST_MAX_SIZE = 16 * 1024 * 1024
TOO_LARGE = f"corps de requête trop volumineux (max. {REQUEST_MAX_SIZE // (1024 * 1024)} Mio)"


def presented_token(request: Request) -> Optional[str]:
    """The token in `Authorization: Bearer <token>`, else in `?token=`."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.args.get("token") or None


def token_matches(presented: Optional[str], expected: str) -> bool:
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def protect(app: Sanic, token: str) -> Sanic:
    """Refuse every request but OPEN_PATHS without the right token (401), before any handler runs."""
    if not token:
        raise ValueError(f"{ACTION_TOKEN_VARIABLE} vide : le serveur d'actions ne démarre pas sans jeton")

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or token_matches(presented_token(request), token):
            return None
        logger.warning("Serveur d'actions : appel refusé, %s (client %s).", REFUSED, request.ip)
        return response.json({"error": REFUSED}, status=401, headers={"WWW-Authenticate": "Bearer"})

    return app


def build_app(actions_package: str, token: str, auto_reload: bool = False) -> Sanic:
    from rasa_sdk.endpoint import create_app

    # cors_origins=None: no Access-Control-Allow-Origin header; only Rasa calls this server.
    app = create_app(actions_package, cors_origins=None, auto_reload=auto_reload)
    # Its own limit, whatever SANIC_REQUEST_MAX_SIZE says for the Rasa server (same environment).
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX_SIZE

    @app.exception(PayloadTooLarge)  # more specific than rasa-sdk's handler, which makes every error a 500
    async def too_large(request: Request, exception: PayloadTooLarge) -> HTTPResponse:
        return response.json({"error": TOO_LARGE}, status=413)

    return protect(app, token)


def main(argv: Optional[Sequence[str]] = None) -> None:
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from rasa_sdk.endpoint import create_argument_parser, create_ssl_context
    from rasa_sdk.plugin import plugin_manager

    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()
    try:
        host = load_settings().action_host
        app = build_app(args.actions, action_server_token(), args.auto_reload)
    except ValueError as exc:
        print(f"Impossible de démarrer le serveur d'actions — {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    logger.info("Serveur d'actions (jeton exigé) sur %s://%s:%s", "https" if ssl_context else "http", host, args.port)
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers(), access_log=False)
