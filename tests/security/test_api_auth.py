"""Rasa's HTTP API answers nobody without the token; the public routes say nothing sensitive; no client
(page, widget, channels) needs the token; no command starts Rasa's API without one.

The page, facing the internet, never holds the API token (with it, PUT /model loads a model without its
signature): it reads a conversation with a JWT for that conversation alone, signed with a key of its own,
and Rasa refuses any other JWT signed with that key (an admin one above all)."""

from __future__ import annotations

import asyncio
import re
import stat
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import requests
from aiohttp.test_utils import TestClient, TestServer

from bot.runtime.launcher import StartupError, rasa_server_command, web_environment
from bot.runtime.settings import PROJECT_ROOT, api_token, load_settings, local_secret
from bot.web import config as web_config
from bot.web.app import create_app
from bot.web.config import WebSettings, conversation_jwt, load_web_settings, rasa_jwt_arguments
from tests.support.servers import ACTION_TOKEN, AGENTS_TEST_TOKEN, API_TOKEN, Server, start_rasa_server

CONVERSATION = f"securite-{uuid.uuid4().hex[:8]}"
# Every route of rasa/server.py (Rasa 3.6) but the two public ones; each with a body that would do no
# harm if the check were missing, so that a failure here cannot break the session server for other suites.
PROTECTED = [
    ("GET", "/status", None),
    ("GET", "/domain", None),
    ("GET", f"/conversations/{CONVERSATION}/tracker", None),
    ("POST", f"/conversations/{CONVERSATION}/tracker/events", {"event": "slot", "name": "inconnu", "value": 1}),
    ("PUT", f"/conversations/{CONVERSATION}/tracker/events", []),
    ("GET", f"/conversations/{CONVERSATION}/story", None),
    ("POST", f"/conversations/{CONVERSATION}/execute", {"name": "action_inexistante"}),
    ("POST", f"/conversations/{CONVERSATION}/trigger_intent", {"name": "intention_inexistante"}),
    ("POST", f"/conversations/{CONVERSATION}/predict", None),
    ("POST", f"/conversations/{CONVERSATION}/messages", {"text": "bonjour", "sender": "user"}),
    ("POST", "/model/train", {}),
    ("POST", "/model/test/stories", None),
    ("POST", "/model/test/intents", None),
    ("POST", "/model/predict", {}),
    ("POST", "/model/parse", {"text": "bonjour"}),
    ("PUT", "/model", {"model_file": "/chemin/inexistant.tar.gz"}),
]
# Unloading the model is checked on the security suite's own server: if the check were missing, the
# session server would lose its model and every other suite would fail for the wrong reason.
UNLOAD = ("DELETE", "/model", None)
PUBLIC = {"/", "/version"}


def call(server: Server, method: str, path: str, body, **params) -> requests.Response:
    return requests.request(method, server.url + path, json=body, params=params or None, timeout=30)


def assert_refused(reply: requests.Response, where: str) -> None:
    assert reply.status_code in (401, 403), (where, reply.status_code, reply.text[:200])
    assert "Traceback" not in reply.text


def test_the_list_covers_every_route_of_this_rasa_version():
    """A Rasa upgrade that adds a route makes this test name it, so that it gets checked too."""
    import rasa.server

    app = rasa.server.create_app(auth_token="x")
    app.router.finalize()
    served = {
        (method, "/" + route.path) for route in app.router.routes for method in route.methods if method != "OPTIONS"
    }
    checked = {
        (method, re.sub(r"/conversations/[^/]+/", "/conversations/<conversation_id:path>/", path))
        for method, path, _ in [*PROTECTED, UNLOAD]
    }
    public = {("GET", path) for path in PUBLIC}
    assert served - public == checked, served ^ (checked | public)


@pytest.mark.parametrize(
    "method, path, body", PROTECTED, ids=[f"{m} {p.replace(CONVERSATION, '<id>')}" for m, p, _ in PROTECTED]
)
def test_every_api_route_refuses_a_missing_or_wrong_token(rasa_server, method, path, body):
    assert_refused(call(rasa_server, method, path, body), "sans jeton")
    assert_refused(call(rasa_server, method, path, body, token="mauvais-jeton"), "mauvais jeton")
    assert_refused(call(rasa_server, method, path, body, token=API_TOKEN[:-1]), "jeton tronqué")
    assert_refused(call(rasa_server, method, path, body, token=ACTION_TOKEN), "jeton du serveur d'actions")


def test_the_right_token_opens_the_api(rasa_server):
    reply = requests.get(f"{rasa_server.url}/status", params={"token": API_TOKEN}, timeout=30)
    assert reply.status_code == 200 and reply.json()["model_file"]


def test_unloading_the_model_needs_the_token(guarded_rasa):
    assert_refused(call(guarded_rasa, *UNLOAD), "sans jeton")
    assert_refused(call(guarded_rasa, *UNLOAD, token="mauvais-jeton"), "mauvais jeton")
    status = requests.get(f"{guarded_rasa.url}/status", params={"token": API_TOKEN}, timeout=30)
    assert status.status_code == 200 and status.json()["model_file"]  # still loaded


def test_public_routes_say_nothing_sensitive(rasa_server):
    hello = requests.get(rasa_server.url + "/", timeout=10)
    version = requests.get(rasa_server.url + "/version", timeout=10)
    assert hello.status_code == 200 and hello.text.startswith("Hello from Rasa")
    assert version.status_code == 200 and set(version.json()) == {"version", "minimum_compatible_version"}
    for reply in (hello, version):
        text = reply.text
        for secret in (API_TOKEN, ACTION_TOKEN, str(PROJECT_ROOT), "mois-innovation", "tracker", "/webhook"):
            assert secret not in text, (reply.url, secret)


def test_the_page_and_the_widget_never_carry_a_token(web_page):
    served = [
        requests.get(web_page.url + path, timeout=10) for path in ("/", "/static/chat/chat.js", "/static/chat/chat.css")
    ]
    assert all(reply.status_code == 200 for reply in served)
    for reply in served:
        assert API_TOKEN not in reply.text and ACTION_TOKEN not in reply.text, reply.url
        assert "/conversations/" not in reply.text, reply.url  # the page's server reads the history, not the browser


def test_the_widget_source_never_talks_to_rasa_directly():
    static = PROJECT_ROOT / "bot" / "web"
    for path in [*static.glob("static/*"), *static.glob("templates/*")]:
        text = path.read_text(encoding="utf-8")
        assert "token" not in text.lower() and ":5005" not in text, path


def test_secrets_never_reach_the_logs(rasa_server, action_server, guarded_rasa):
    for server in (rasa_server, action_server, guarded_rasa):
        log = server.log_path.read_text(errors="replace")
        assert API_TOKEN not in log and ACTION_TOKEN not in log, server.name


# --- no API without a token --------------------------------------------------------------------------


def test_no_rasa_command_is_built_without_a_token(tmp_path):
    settings = load_settings({})
    for empty in ("", "   "):
        with pytest.raises(StartupError, match="jeton"):
            rasa_server_command(settings, tmp_path / "m.tar.gz", empty)
    command = rasa_server_command(settings, tmp_path / "m.tar.gz", "un-jeton")
    assert command[command.index("--enable-api") + 1] == "--auth-token=un-jeton"
    # A token that starts like an option is still the token's value for Rasa's argument parser.
    dashed = rasa_server_command(settings, tmp_path / "m.tar.gz", "-commence-par-un-tiret")
    assert "--auth-token=-commence-par-un-tiret" in dashed


def test_every_command_that_enables_the_api_passes_a_token():
    """No code path (make run, tests, staff tools, cluster) starts Rasa's API open."""
    sources = [*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "tests").rglob("*.py")]
    sources += [PROJECT_ROOT / "Makefile", *(PROJECT_ROOT / "scripts").glob("*")]
    for path in sources:
        if path == Path(__file__) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for found in re.finditer(r"[\"']--enable-api[\"']", text):  # in a command, not in prose
            assert "--auth-token" in text[found.start() : found.start() + 120], (
                f"{path}: --enable-api sans --auth-token"
            )


def test_local_secrets_are_generated_once_private_and_never_empty(tmp_path, monkeypatch):
    path = tmp_path / "var" / "secret"
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    first = api_token(path)
    assert len(first) >= 32 and path.stat().st_mode & 0o777 == 0o600
    assert api_token(path) == first
    path.write_text("  \n")  # an emptied file must not mean "no token"
    again = api_token(path)
    assert again.strip() and again != first
    assert (
        local_secret("RASA_API_TOKEN", path, {"RASA_API_TOKEN": "depuis-l-environnement"}) == "depuis-l-environnement"
    )


# --- the page's tokens: one conversation, never the API ----------------------------------------------

PAGE_KEY = "cle-des-jetons-de-la-page-" + "0123456789abcdef" * 2
PAGE_ORIGIN = "http://localhost:8080"


def page_id() -> str:
    return uuid.uuid4().hex  # as the widget draws them (PAGE_SENDER)


@pytest.fixture(scope="module")
def jwt_rasa(
    trained_model: Path, action_server: Server, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A Rasa server as `make run` starts it: the API token and the page's key (rasa_server_command)."""
    folder = tmp_path_factory.mktemp("jwt-rasa")
    server = start_rasa_server(
        trained_model,
        action_server.url,
        folder,
        folder / "tracker.db",
        extra_args=rasa_jwt_arguments(PAGE_KEY),
        AGENTS_WEBHOOK_TOKENS=AGENTS_TEST_TOKEN,
    )
    yield server
    server.stop()


def bearer(server: Server, method: str, path: str, body, token: str) -> requests.Response:
    return requests.request(
        method, server.url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def signed(claims: dict, key: str = PAGE_KEY) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


def chat(server: Server, sender: str, text: str) -> None:
    reply = requests.post(f"{server.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert reply.status_code == 200, reply.text


def test_the_page_is_never_given_the_api_token(tmp_path, monkeypatch):
    settings = load_settings({"RASA_HOST": "0.0.0.0", "RASA_PORT": "5006"})
    # `make run` and the cluster pass their whole environment, RASA_API_TOKEN included.
    env = web_environment(settings, {"WEB_PORT": "9000", "RASA_API_TOKEN": API_TOKEN}, API_TOKEN)
    assert "RASA_API_TOKEN" not in env and API_TOKEN not in env.values()
    assert env == {"WEB_PORT": "9000", "RASA_URL": "http://127.0.0.1:5006"}
    # What the page does with it: reads its key from var/, never the API token (environment or var/rasa-api-token).
    monkeypatch.setattr(web_config, "JWT_SECRET_PATH", tmp_path / "rasa-jwt-secret")
    assert load_web_settings(env).token_provider() == ""  # no key yet: the history is unavailable, nothing else
    for path in (PROJECT_ROOT / "bot" / "web").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "api_token" not in source and "RASA_API_TOKEN" not in source, path


def test_rasa_is_started_with_the_page_key_and_the_page_reads_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(web_config, "JWT_SECRET_PATH", tmp_path / "var" / "rasa-jwt-secret")
    command = rasa_server_command(load_settings({}), tmp_path / "m.tar.gz", "un-jeton")
    key = next(a for a in command if a.startswith("--jwt-secret=")).removeprefix("--jwt-secret=")
    assert command[command.index("--jwt-method") + 1] == "HS256" and len(key) >= 32
    assert stat.S_IMODE((tmp_path / "var" / "rasa-jwt-secret").stat().st_mode) == 0o600
    assert key != "un-jeton" and load_web_settings({}).token_provider() == key
    again = rasa_server_command(load_settings({}), tmp_path / "m.tar.gz", "un-jeton")
    assert f"--jwt-secret={key}" in again  # generated once


def test_a_conversation_token_reads_its_own_conversation_and_nothing_else(jwt_rasa):
    mine, other = page_id(), page_id()
    chat(jwt_rasa, mine, "quand a lieu le serious game ?")
    chat(jwt_rasa, other, "qui organise l'atelier sur les communs ?")
    token = conversation_jwt(f"rest:{mine}", PAGE_KEY)
    reply = bearer(jwt_rasa, "GET", f"/conversations/rest:{mine}/tracker", None, token)
    assert reply.status_code == 200, reply.text
    assert "quand a lieu le serious game ?" in [e.get("text") for e in reply.json()["events"]]
    refused = bearer(jwt_rasa, "GET", f"/conversations/rest:{other}/tracker", None, token)
    assert refused.status_code == 403 and "communs" not in refused.text
    for method, path, body in [
        ("PUT", "/model", {"model_file": "/chemin/inexistant.tar.gz"}),
        ("POST", "/model/train", {}),
    ]:
        assert bearer(jwt_rasa, method, path, body, token).status_code == 403, path
    status = requests.get(f"{jwt_rasa.url}/status", params={"token": API_TOKEN}, timeout=30)
    assert status.status_code == 200 and status.json()["model_file"]  # the API token still works, the model is there


@pytest.mark.parametrize(
    "method, path, body",
    [*PROTECTED, UNLOAD],
    ids=[f"{m} {p.replace(CONVERSATION, '<id>')}" for m, p, _ in [*PROTECTED, UNLOAD]],
)
def test_no_route_opens_to_another_conversation_s_token(jwt_rasa, method, path, body):
    assert_refused(bearer(jwt_rasa, method, path, body, conversation_jwt(f"rest:{page_id()}", PAGE_KEY)), "autre")


@pytest.mark.parametrize("method, path, body", [("GET", "/status", None), *PROTECTED[2:4], PROTECTED[-1], UNLOAD])
def test_the_page_key_cannot_sign_any_other_token(jwt_rasa, method, path, body):
    """Whoever holds the page's key could sign an admin token (Rasa gives it every route): refused (401)."""
    now = int(time.time())
    conversation = f"rest:{page_id()}"
    path = path.replace(CONVERSATION, conversation)
    forged = {
        "admin": {"user": {"username": conversation, "role": "admin"}, "exp": now + 60},
        "no role": {"user": {"username": conversation}, "exp": now + 60},
        "agents' conversation": {"user": {"username": "mattermost:canal:agent", "role": "user"}, "exp": now + 60},
        "no expiry": {"user": {"username": conversation, "role": "user"}},
        "valid for a day": {"user": {"username": conversation, "role": "user"}, "exp": now + 86400},
        "expired": {"user": {"username": conversation, "role": "user"}, "exp": now - 600},  # sanic-jwt: 60 s leeway
    }
    for name, claims in forged.items():
        reply = bearer(jwt_rasa, method, path, body, signed(claims))
        assert reply.status_code == 401, (name, reply.status_code, reply.text[:200])
    assert bearer(jwt_rasa, method, path, body, conversation_jwt(conversation, "une-autre-cle" * 4)).status_code == 401
    status = requests.get(f"{jwt_rasa.url}/status", params={"token": API_TOKEN}, timeout=30)
    assert status.status_code == 200 and status.json()["model_file"]


def test_the_page_reads_its_history_without_the_api_token(jwt_rasa):
    """The page's own code, against the real Rasa server: chat, then the history, with the page's key only."""
    sender = page_id()

    async def main() -> None:
        settings = WebSettings(rasa_url=jwt_rasa.url, token_provider=lambda: PAGE_KEY, rasa_timeout=60)
        async with TestClient(TestServer(create_app(settings))) as client:
            said = await client.post(
                "/api/chat",
                json={"sender": sender, "message": "quand a lieu le serious game ?"},
                headers={"Origin": PAGE_ORIGIN},
            )
            assert said.status == 200, await said.text()
            history = await client.get(f"/api/history?sender={sender}")
            assert history.status == 200, await history.text()
            messages = (await history.json())["messages"]
            assert messages[0] == {"from": "user", "text": "quand a lieu le serious game ?"}
            assert any("25 novembre" in m["text"] for m in messages if m["from"] == "bot")

        wrong = WebSettings(rasa_url=jwt_rasa.url, token_provider=lambda: "une-autre-cle" * 4, rasa_timeout=60)
        async with TestClient(TestServer(create_app(wrong))) as client:
            assert (await client.get(f"/api/history?sender={sender}")).status == 503

    asyncio.run(main())
