"""Every inbound door refuses a body over 4 Kio, and a message over 2,000 characters, with a 413 and a
French reason (socket.io, which has no status, with a `bot_uttered` saying so)."""

from __future__ import annotations

import asyncio
import json
import uuid
from urllib.parse import urlencode

import requests

from bot.runtime.channels.inputs import MAX_BODY_BYTES
from tests.channels.mattermost import generic, mm_id, slash_command, slash_headers
from tests.faults.support import AGENTS, REST, socketio_exchange

assert MAX_BODY_BYTES == 4096


def padded_rest_body(size: int) -> bytes:
    """A valid REST body of exactly `size` bytes (the padding is in the metadata)."""
    base = {
        "sender": f"taille-{uuid.uuid4().hex[:8]}",
        "message": "Qui organise le serious game ?",
        "metadata": {"p": ""},
    }
    missing = size - len(json.dumps(base).encode())
    base["metadata"]["p"] = "x" * missing
    body = json.dumps(base).encode()
    assert len(body) == size
    return body


def assert_413(reply: requests.Response, words: str) -> None:
    assert reply.status_code == 413, (reply.status_code, reply.text[:200])
    assert words in reply.json()["error"], reply.json()


def test_rest_body_limit_is_4_kio(rasa_server):
    ok = requests.post(
        rasa_server.url + REST,
        data=padded_rest_body(MAX_BODY_BYTES),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert ok.status_code == 200 and "IRA de Nantes" in ok.text
    too_big = requests.post(
        rasa_server.url + REST,
        data=padded_rest_body(MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert_413(too_big, "corps de requête trop volumineux (max. 4 Kio)")


def test_rest_message_over_2000_characters_is_a_413(rasa_server):
    reply = requests.post(rasa_server.url + REST, json={"sender": "taille-message", "message": "a" * 2001}, timeout=30)
    assert_413(reply, "message trop long (max. 2000 caractères)")


def test_agents_body_and_question_limits(rasa_server):
    big = generic("Qui organise le serious game ?", channel_id=mm_id(), user_id=mm_id(), padding="x" * MAX_BODY_BYTES)
    assert_413(requests.post(rasa_server.url + AGENTS, json=big, timeout=30), "trop volumineux (max. 4 Kio)")
    form = urlencode(slash_command("y" * MAX_BODY_BYTES, channel_id=mm_id(), user_id=mm_id())).encode()
    assert_413(
        requests.post(rasa_server.url + AGENTS, data=form, headers=slash_headers(), timeout=30), "trop volumineux"
    )
    long_question = generic("z" * 2001, channel_id=mm_id(), user_id=mm_id())
    assert_413(
        requests.post(rasa_server.url + AGENTS, json=long_question, timeout=30),
        "question trop long (max. 2000 caractères)",
    )
    # Without the token, a large body learns nothing more than a 413 (no field is read).
    anonymous = dict(big, token="mauvais")
    assert requests.post(rasa_server.url + AGENTS, json=anonymous, timeout=30).status_code == 413


def test_socketio_payload_over_4_kio_is_refused(rasa_server):
    session = f"sio-taille-{uuid.uuid4().hex[:8]}"
    big = {"message": "Qui organise le serious game ?", "session_id": session, "metadata": {"p": "x" * MAX_BODY_BYTES}}
    received = asyncio.run(socketio_exchange(rasa_server.url, [("user_uttered", big)], wait_for=1, session_id=session))
    assert received and received[0]["text"] == "Message refusé : message trop volumineux (max. 4 Kio).", received
    long_text = {"message": "a" * 2001, "session_id": session}
    received = asyncio.run(
        socketio_exchange(rasa_server.url, [("user_uttered", long_text)], wait_for=1, session_id=session)
    )
    assert "trop long" in received[0]["text"], received


def test_page_body_limit_is_4_kio(web_page):
    headers = {"Origin": web_page.url, "Content-Type": "application/json"}
    body = json.dumps({"sender": "a" * 16, "message": "x" * MAX_BODY_BYTES}).encode()
    reply = requests.post(web_page.url + "/api/chat", data=body, headers=headers, timeout=30)
    assert reply.status_code == 413 and reply.json()["error"] == "requete_trop_grande"
    assert "4 Kio" in reply.json()["detail"]
