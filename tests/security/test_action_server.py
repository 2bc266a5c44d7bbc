"""The action server runs actions for Rasa only: token required, loopback only; Rasa sends the token."""

from __future__ import annotations

import uuid

import requests

from bot.runtime.channels.texts import apology, catalogue_contact
from bot.runtime.launcher import action_server_command
from bot.runtime.settings import load_settings, server_environment
from tests.support.servers import ACTION_TOKEN, API_TOKEN, Server, ask, texts

# What Rasa posts to run a custom action (the real shape, trimmed).
CALL = {
    "next_action": "action_answer_event_organiser",
    "sender_id": "securite",
    "version": "3.6.21",
    "domain": {},
    "tracker": {
        "sender_id": "securite",
        "slots": {},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": None,
        "latest_message": {
            "text": "Qui organise le serious game ?",
            "entities": [],
            "intent": {"name": "ask_event_organiser", "confidence": 1.0},
        },
    },
}


def run_action(server: Server, **request) -> requests.Response:
    return requests.post(f"{server.url}/webhook", json=CALL, timeout=30, **request)


def test_without_the_token_no_action_runs(action_server):
    for request in (
        {},
        {"headers": {"Authorization": "Bearer mauvais-jeton"}},
        {"params": {"token": "mauvais-jeton"}},
        {"headers": {"Authorization": f"Basic {ACTION_TOKEN}"}},
        {"params": {"token": API_TOKEN}},
        {"headers": {"Authorization": f"Bearer {ACTION_TOKEN[:-1]}"}},
    ):
        reply = run_action(action_server, **request)
        assert reply.status_code == 401, (request, reply.status_code, reply.text[:200])
        assert reply.json() == {"error": "jeton du serveur d'actions absent ou invalide"}  # no events, no responses
    assert requests.get(f"{action_server.url}/actions", timeout=10).status_code == 401  # not even the list


def test_with_the_token_the_action_runs(action_server):
    for request in ({"headers": {"Authorization": f"Bearer {ACTION_TOKEN}"}}, {"params": {"token": ACTION_TOKEN}}):
        reply = run_action(action_server, **request)
        assert reply.status_code == 200, reply.text[:300]
        assert "IRA de Nantes" in " ".join(r.get("text") or "" for r in reply.json()["responses"])


def test_health_stays_open_and_no_cors(action_server):
    reply = requests.get(f"{action_server.url}/health", headers={"Origin": "https://site-hostile.example"}, timeout=10)
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}
    assert "Access-Control-Allow-Origin" not in reply.headers


def listening_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on for `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, local_port = local.split(":")
                if state == "0A" and int(local_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_it_listens_on_loopback_only(action_server):
    port = int(action_server.url.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, little-endian hex


def test_make_run_starts_it_on_loopback_with_a_token():
    settings = load_settings({})
    assert settings.action_host == "127.0.0.1"
    assert action_server_command(settings)[1:4] == ["-m", "bot", "action-server"]
    env = server_environment(settings, {})
    assert len(env["ACTION_SERVER_TOKEN"]) >= 32
    assert server_environment(settings, {"ACTION_SERVER_TOKEN": "fourni"})["ACTION_SERVER_TOKEN"] == "fourni"


def test_the_bot_answers_through_the_action_server(rasa_server):
    """Rasa sends the token (endpoints.yml): a question answered by a custom action gets its facts."""
    reply = texts(ask(rasa_server, f"securite-{uuid.uuid4().hex[:8]}", "Qui organise le serious game ?"))
    assert "IRA de Nantes" in reply


def test_a_rasa_without_the_right_token_gets_the_apology(guarded_rasa):
    """The security suite's Rasa is given a wrong action token: the action server refuses it, the user gets
    the apology with the contact rather than silence, and no fact comes from the refused action."""
    sender = f"securite-{uuid.uuid4().hex[:8]}"
    reply = requests.post(
        f"{guarded_rasa.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "Qui organise le serious game ?"},
        headers={"X-Forwarded-For": "192.0.2.250"},
        timeout=30,
    )
    assert reply.status_code == 200
    said = "\n".join(m.get("text") or "" for m in reply.json())
    assert apology(catalogue_contact()) in said and "IRA de Nantes" not in said
