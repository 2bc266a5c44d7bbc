"""The socket.io channel with its Origin check back on (bot/runtime/channels/socket_io.py), over real HTTP."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.runtime.channels.socket_io import OriginCheckedSocketIOInput
from tests.support.servers import Server, free_port, quiet_env, start

PAGE = "https://www.loire-atlantique.gouv.fr"


@pytest.fixture(scope="module")
def socketio_server(web_logs: Path) -> Iterator[Server]:
    port = free_port()
    credentials = {
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
        "allowed_origins": [PAGE],
    }
    server = start(
        "socketio-origin",
        [sys.executable, "-m", "tests.web.socketio_app", str(port), json.dumps(credentials)],
        f"http://127.0.0.1:{port}",
        "/",
        web_logs,
        quiet_env(),
        timeout=90,
    )
    yield server
    server.stop()


def handshake(server: Server, origin: str | None) -> requests.Response:
    headers = {"Origin": origin} if origin else {}
    return requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", headers=headers, timeout=10)


def test_socketio_refuses_pages_of_other_origins(socketio_server: Server) -> None:
    assert handshake(socketio_server, "https://evil.example").status_code == 400
    assert handshake(socketio_server, "http://localhost:8080").status_code == 400
    allowed = handshake(socketio_server, PAGE)
    assert allowed.status_code == 200 and '"sid"' in allowed.text
    assert handshake(socketio_server, None).status_code == 200  # not a browser: no Origin to check


def test_socketio_origins_default_to_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_ALLOWED_ORIGINS", raising=False)
    monkeypatch.setenv("WEB_PORT", "8090")
    channel = OriginCheckedSocketIOInput.from_credentials({"session_persistence": True})
    assert channel.allowed_origins == ("http://localhost:8090", "http://127.0.0.1:8090")
    assert channel.session_persistence is True
    monkeypatch.setenv("WEB_ALLOWED_ORIGINS", PAGE)
    assert OriginCheckedSocketIOInput.from_credentials({}).allowed_origins == (PAGE,)
