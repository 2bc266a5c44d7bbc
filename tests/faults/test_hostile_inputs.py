"""Hostile input on every channel of the running server (REST, socket.io, agents' webhook).

Each request gets a 4xx with a reason or a normal bot reply: never a 5xx, a stack trace or a stuck
conversation. The counts printed at the end feed docs/fiabilite.md.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import requests

from tests.channels.mattermost import generic, mm_id, slash_command, slash_headers
from tests.faults.support import (
    AGENTS,
    REST,
    assert_no_traceback,
    rest,
    rest_raw,
    socketio_exchange,
    stored_events,
    texts,
)

BIG = "x" * 100_000
NESTED = "[" * 50_000
HOSTILE_TEXTS = {
    "vide": "",
    "espaces": " \t\n   ",
    "100 Kio": "bonjour " * 12_800,
    "contrôle": "\x00\x01\x07quand a lieu\x1b[31m le serious game\x7f ?",
    "contrôle seul": "\x00\x01\x02\u200b\ufeff",
    "html": "<script>alert('x')</script><img src=x onerror=alert(1)> quand a lieu le serious game ?",
    "sql": "'; DROP TABLE events; -- OR 1=1 /* qui organise le serious game ?",
    "emoji": "🎉🎉 c'est quand le serious game ? 👩‍💻🇫🇷",
    "mot géant": "a" * 1999,
    "mot trop long": "b" * 2001,
    "rtl": "\u202equand a lieu le serious game ?\u202c",
    "gabarit": "{{7*7}} ${jndi:ldap://x} %s%n",
    "unicode rare": "𝔮𝔲𝔞𝔫𝔡 ︎ ؜ 𒀭",
}
RAW_BODIES = {
    "corps vide": b"",
    "non UTF-8": b'{"sender": "a", "message": "\xff\xfe\xfa"}',
    "JSON invalide": b"{sender: a",
    "imbriqué": NESTED.encode(),
    "imbriqué objet": b'{"sender": "a", "message": "b", "metadata": ' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"}",
    "100 Kio": json.dumps({"sender": "a", "message": BIG}).encode(),
    "tableau": b'["sender", "message"]',
    "chaîne": b'"bonjour"',
    "null": b"null",
    "nombre": b"42",
    "sender nombre": b'{"sender": 42, "message": "bonjour"}',
    "sender objet": b'{"sender": {"$ne": null}, "message": "bonjour"}',
    "sender absent": b'{"message": "bonjour"}',
    "sender contrôle": b'{"sender": "a\\u0000b", "message": "bonjour"}',
    "sender surrogate": b'{"sender": "a\\ud800", "message": "bonjour"}',
    "message nombre": b'{"sender": "a", "message": 3.14}',
    "message liste": b'{"sender": "a", "message": ["bonjour"]}',
    "message objet": b'{"sender": "a", "message": {"text": "bonjour"}}',
    "message null": b'{"sender": "a", "message": null}',
    "message surrogate": b'{"sender": "a", "message": "\\ud800\\udfff quand ?"}',
    "metadata liste": b'{"sender": "a", "message": "bonjour", "metadata": [1, 2]}',
    "metadata chaîne": b'{"sender": "a", "message": "bonjour", "metadata": "x"}',
    "input_channel forgé": b'{"sender": "a", "message": "bonjour", "input_channel": {"x": 1}}',
    # Another channel's conversation id (refused) and metadata (dropped): bot/runtime/channels/inputs.py.
    "sender d'agent": b'{"sender": "mattermost:abc:def", "message": "bonjour"}',
    "metadata d'agent": b'{"sender": "a", "message": "bonjour", "metadata": {"agents": {"platform": "mattermost"}}}',
}
COUNTS: dict[str, int] = {}


def count(channel: str, n: int = 1) -> None:
    COUNTS[channel] = COUNTS.get(channel, 0) + n


def check_http(reply: requests.Response) -> None:
    assert reply.status_code < 500, (reply.status_code, reply.text[:300])
    assert_no_traceback(reply)
    body = reply.json()
    if reply.status_code >= 400:
        assert isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"], body
    return body


def assert_still_answers(server, sender: str) -> None:
    reply = rest(server, sender, "Qui organise le serious game ?")
    assert reply.status_code == 200 and "IRA de Nantes" in texts(reply)


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_rest_hostile_text(rasa_server, name):
    sender = f"hostile-{uuid.uuid4().hex[:8]}"
    reply = rest(rasa_server, sender, HOSTILE_TEXTS[name])
    body = check_http(reply)
    count("REST")
    if reply.status_code == 200:
        shown = ("text", "buttons", "custom")  # custom: a quotation or a calendar link, after its text
        assert body and all(m["recipient_id"] == sender and any(m.get(k) for k in shown) for m in body)
    else:
        assert reply.status_code in (400, 413)
    assert_still_answers(rasa_server, sender)  # never stuck


@pytest.mark.parametrize("name", RAW_BODIES)
def test_rest_hostile_body(rasa_server, name):
    reply = rest_raw(rasa_server, RAW_BODIES[name])
    count("REST")
    body = check_http(reply)
    if name in ("message surrogate", "input_channel forgé", "metadata d'agent"):
        assert reply.status_code == 200 and body
    else:
        assert reply.status_code in (400, 413), (name, reply.status_code, body)


def test_rest_wrong_content_type_and_method(rasa_server):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        check_http(rest_raw(rasa_server, b"sender=a&message=bonjour", content_type))
    assert requests.get(rasa_server.url + REST, timeout=10).status_code == 405
    count("REST", 4)


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_agents_hostile_text(rasa_server, name):
    text = HOSTILE_TEXTS[name]
    for reply in (
        requests.post(rasa_server.url + AGENTS, json=generic(text, channel_id=mm_id(), user_id=mm_id()), timeout=30),
        requests.post(
            rasa_server.url + AGENTS,
            data=urlencode(slash_command(text, channel_id=mm_id(), user_id=mm_id())).encode(),
            headers=slash_headers(),
            timeout=30,
        ),
    ):
        count("Mattermost/Osmose")
        body = check_http(reply)
        if reply.status_code == 200:
            assert body.get("text"), body
        else:
            assert reply.status_code == 413 and "trop" in body["error"]  # trop long, trop volumineux


@pytest.mark.parametrize("name", [n for n in RAW_BODIES if n not in ("sender absent",)])
def test_agents_hostile_body(rasa_server, name):
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        reply = requests.post(
            rasa_server.url + AGENTS, data=RAW_BODIES[name], headers={"Content-Type": content_type}, timeout=30
        )
        count("Mattermost/Osmose")
        check_http(reply)
        # Over 4 Kio the body is refused before anything is read from it (413), token included.
        assert reply.status_code in ((413,) if len(RAW_BODIES[name]) > 4096 else (400, 401)), (
            name,
            content_type,
            reply.status_code,
            reply.text[:200],
        )


def test_agents_wrong_types_with_a_valid_token(rasa_server):
    for field, value in [
        ("question", ["a"]),
        ("question", {"a": 1}),
        ("channel_id", 5),
        ("user_id", None),
        ("platform", "X!"),
        ("response_url", "javascript:alert(1)"),
        ("question", NESTED[:900]),
        ("user_id", "a:b"),
    ]:
        payload = generic("bonjour", channel_id=mm_id(), user_id=mm_id())
        payload[field] = value
        reply = requests.post(rasa_server.url + AGENTS, json=payload, timeout=30)
        count("Mattermost/Osmose")
        check_http(reply)


SESSION = "sio-hostile-0123456789"
SOCKET_PAYLOADS = [
    "bonjour",
    ["bonjour"],
    42,
    None,
    True,
    {"message": "bonjour"},  # no session_id
    {"message": "bonjour", "session_id": 42},
    {"message": "bonjour", "session_id": {"$ne": None}},
    {"message": "bonjour", "session_id": "a\x00b"},
    {"message": 42, "session_id": SESSION},
    {"message": ["a"], "session_id": SESSION},
    {"message": "bonjour", "session_id": SESSION, "metadata": [1]},
    {"message": "bonjour", "session_id": SESSION, "metadata": "{pas du json"},
] + [{"message": text, "session_id": SESSION} for text in HOSTILE_TEXTS.values()]


def test_socketio_hostile_payloads(rasa_server):
    session, issued = SESSION, []
    events = [("user_uttered", p) for p in SOCKET_PAYLOADS]
    events += [("session_request", "x"), ("session_request", {"session_id": ["x"]}), ("session_request", None)]
    received = asyncio.run(
        socketio_exchange(rasa_server.url, events, settle=3, timeout=60, session_id=session, issued=issued)
    )
    count("socket.io", len(events))
    refusals = [m for m in received if isinstance(m, dict) and (m.get("text") or "").startswith("Message refusé")]
    # Every malformed payload (13 + 1 session_request) and every empty/oversized text (5) got a reason;
    # the others a reply (or "patientez" when more than 3 of them were still being processed).
    assert len(refusals) >= 19, received
    assert not any("Traceback" in json.dumps(m) for m in received)
    # Not stuck: the same session (the one the server issued) still gets an answer.
    session = issued[0]
    after = asyncio.run(
        socketio_exchange(
            rasa_server.url,
            [("user_uttered", {"message": "Qui organise le serious game ?", "session_id": session})],
            wait_for=1,
            session_id=session,
        )
    )
    assert any("IRA de Nantes" in (m.get("text") or "") for m in after), after
    assert rasa_server.process.poll() is None


# --- bursts ----------------------------------------------------------------------------------------

BURST = 1000


def burst(send, workers: int = 16) -> list[int]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda i: send(i), range(BURST)))


def test_rest_burst_of_1000_from_one_sender(rasa_server):
    sender = f"rafale-{uuid.uuid4().hex[:8]}"
    session = requests.Session()
    started = time.monotonic()

    def send(i: int) -> int:
        reply = session.post(rasa_server.url + REST, json={"sender": sender, "message": f"bonjour {i}"}, timeout=60)
        body = check_http(reply)
        if reply.status_code == 200:
            assert body and body[0]["recipient_id"] == sender
        return reply.status_code

    statuses = burst(send)
    elapsed = time.monotonic() - started
    count("REST", BURST)
    accepted = statuses.count(200)
    assert set(statuses) <= {200, 429} and 1 <= accepted < 100, {s: statuses.count(s) for s in set(statuses)}
    print(
        f"\nRafale REST : {BURST} messages en {elapsed:.1f} s, {accepted} traités, {statuses.count(429)} refusés (429)"
    )
    # Exactly one stored turn per accepted message, none for the refused ones.
    user_events = [e for e in stored_events(rasa_server.env["TRACKER_DB"], f"rest:{sender}") if e["event"] == "user"]
    assert len(user_events) == accepted
    time.sleep(1.5)  # tokens come back at 2 per second
    assert_still_answers(rasa_server, sender)


def test_agents_burst_of_1000_from_one_sender(rasa_server):
    channel, user = mm_id(), mm_id()
    session = requests.Session()

    def send(i: int) -> int:
        reply = session.post(
            rasa_server.url + AGENTS, json=generic(f"bonjour {i}", channel_id=channel, user_id=user), timeout=60
        )
        check_http(reply)
        return reply.status_code

    statuses = burst(send)
    count("Mattermost/Osmose", BURST)
    assert set(statuses) <= {200, 429} and 1 <= statuses.count(200) < 100
    time.sleep(1.5)
    reply = requests.post(
        rasa_server.url + AGENTS,
        json=generic("Qui organise le serious game ?", channel_id=channel, user_id=user),
        timeout=30,
    )
    assert "IRA de Nantes" in reply.json()["text"]


def test_socketio_burst_of_1000_from_one_sender(rasa_server):
    session, issued = f"sio-rafale-{uuid.uuid4().hex[:8]}", []
    events = [("user_uttered", {"message": f"bonjour {i}", "session_id": session}) for i in range(BURST)]
    received = asyncio.run(
        socketio_exchange(rasa_server.url, events, settle=3, timeout=90, session_id=session, issued=issued)
    )
    count("socket.io", BURST)
    greetings = sum(1 for m in received if (m.get("text") or "").startswith("Bonjour"))
    refused = sum(1 for m in received if "patientez" in (m.get("text") or ""))
    assert greetings >= 1 and greetings + refused == BURST, (greetings, refused, len(received))
    time.sleep(1.5)
    session = issued[0]  # the same conversation, not stuck
    after = asyncio.run(
        socketio_exchange(
            rasa_server.url,
            [("user_uttered", {"message": "Qui organise le serious game ?", "session_id": session})],
            wait_for=1,
            session_id=session,
        )
    )
    assert any("IRA de Nantes" in (m.get("text") or "") for m in after), after


def test_zz_report_counts():
    print("\nEntrées hostiles envoyées : " + ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items())))
