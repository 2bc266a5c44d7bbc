"""Rasa's HTTP API answers nobody without the token; the public routes say nothing sensitive; no client
(page, widget, channels) needs the token; no command starts Rasa's API without one."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import requests

from bot.runtime.launcher import StartupError, rasa_server_command
from bot.runtime.settings import PROJECT_ROOT, api_token, load_settings, local_secret
from tests.support.servers import ACTION_TOKEN, API_TOKEN, Server

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
    assert command[command.index("--enable-api") + 1 : command.index("--enable-api") + 3] == [
        "--auth-token",
        "un-jeton",
    ]


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
