"""The socket.io channel with its Origin check back on and server-issued, signed session ids
(bot/runtime/channels/socket_io.py), over real HTTP with a real python-socketio client."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.runtime.channels.socket_io import (
    NO_SESSION,
    NOT_THIS_SESSION,
    OriginCheckedSocketIOInput,
    SessionIds,
    session_room,
    session_secret,
)
from tests.security.socketio_client import SocketClient
from tests.support.servers import Server, free_port, quiet_env, start

PAGE = "https://www.loire-atlantique.gouv.fr"
SECRET = "secret-de-test-des-sessions-socketio"
IDS = SessionIds(SECRET)


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
        quiet_env(SOCKETIO_SESSION_SECRET=SECRET),
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


# --- session ids: issued by the server, signed, checked on every message --------------------------


def test_session_ids_are_signed_and_checked():
    issued = IDS.issue()
    assert IDS.verify(issued) == issued and issued != IDS.issue()
    random_part, signature = issued.split(".")
    assert len(random_part) == len(signature) == 32 and ":" not in issued
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    for forged in (
        f"{random_part}.{flipped}",
        random_part,  # the tracker's id (socketio:<random part>) without its proof
        SessionIds("un-autre-secret").issue(),  # another server's
        issued.upper(),
        issued + "0",
        "mattermost:4xp9fdt6bpbmpf8nqd6xkrsbhe:8fm3nh5dbtg5bjkqzhb3t7ahsw",
        None,
        42,
    ):
        assert IDS.verify(forged) is None, forged
    assert session_room(issued) == f"socketio:{random_part}" == f"socketio:{SessionIds.conversation(issued)}"
    with pytest.raises(ValueError):
        SessionIds("")


def test_the_session_secret_is_generated_once_without_the_variable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SOCKETIO_SESSION_SECRET", raising=False)
    path = tmp_path / "socketio-session-secret"
    first = session_secret(path)
    assert len(first) >= 32 and session_secret(path) == first and oct(path.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("SOCKETIO_SESSION_SECRET", "configuree")
    assert session_secret(path) == "configuree"


def test_the_server_issues_the_session_ids_and_gives_back_only_its_own(socketio_server: Server) -> None:
    async def scenario() -> None:
        async with SocketClient(socketio_server.url, PAGE) as first:
            fresh = await first.session()
            asked = await first.session("choisi-par-le-client")
            foreign = await first.session(SessionIds("un-autre-secret").issue())
            agents = await first.session("mattermost:4xp9fdt6bpbmpf8nqd6xkrsbhe:8fm3nh5dbtg5bjkqzhb3t7ahsw")
        ids = [fresh, asked, foreign, agents]
        assert all(IDS.verify(i) == i for i in ids) and len(set(ids)) == 4, ids
        async with SocketClient(socketio_server.url, PAGE) as reloaded:  # the same browser after a reload
            assert await reloaded.session(fresh) == fresh

    asyncio.run(scenario())


def test_a_message_must_carry_its_own_sockets_session(socketio_server: Server) -> None:
    async def scenario() -> tuple:
        async with SocketClient(socketio_server.url, PAGE) as victim, SocketClient(socketio_server.url, PAGE) as other:
            victims = await victim.session()
            await other.session()
            await other.say("bonjour", victims)  # a valid id, but not this socket's
            not_this = await other.texts(1, timeout=10)
        async with SocketClient(socketio_server.url, PAGE) as unknown:
            await unknown.say("bonjour", "identifiant-invente-0123456789")  # no session_request, forged id
            never_issued = await unknown.texts(1, timeout=10)
        return not_this, never_issued

    not_this, never_issued = asyncio.run(scenario())
    assert not_this == [NOT_THIS_SESSION] and never_issued == [NO_SESSION]
