"""50 conversations x 20 messages sent concurrently to one Rasa server: every message gets exactly one
set of replies, and each conversation's stored tracker holds its turns in order, none duplicated or
missing, each with the replies its sender received."""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.faults.support import REST, stored_events

CONVERSATIONS = 50
MESSAGES = 20
# Cheap messages (answered by the domain's responses) with real questions (NLU entities, the action
# server, context carried between turns) in between: 6 of 20 call the action server.
QUESTIONS = [
    "bonjour",
    "Quand a lieu l'atelier sur les communs ?",
    "merci",
    "qui l'organise ?",
    "aide",
    "t'es un bot ?",
    "Qui organise le serious game ?",
    "merci",
    "et c'est quand ?",
    "bonjour",
]
APOLOGY = "je ne peux pas répondre pour le moment"


def conversation(server_url: str, sender: str, latencies: list, lock: threading.Lock) -> list[list[str]]:
    """The bot texts received for each message, in order."""
    http = requests.Session()
    received = []
    for seq in range(MESSAGES):
        started = time.monotonic()
        reply = http.post(
            server_url + REST,
            json={"sender": sender, "message": QUESTIONS[seq % len(QUESTIONS)], "metadata": {"seq": seq}},
            timeout=120,
        )
        with lock:
            latencies.append(time.monotonic() - started)
        assert reply.status_code == 200, (sender, seq, reply.status_code, reply.text[:200])
        body = reply.json()
        assert body and all(m["recipient_id"] == sender for m in body), (sender, seq, body)
        # A quotation or calendar link comes as its own `custom` message (Rasa's REST channel); the tracker
        # keeps it in the bot event of its text.
        received.append([m.get("text") or "" for m in body if "custom" not in m])
    return received


def test_50_conversations_of_20_messages_concurrently(rasa_server):
    run = uuid.uuid4().hex[:6]
    senders = [f"charge-{run}-{n:02d}" for n in range(CONVERSATIONS)]
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.monotonic()
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        results = dict(
            zip(senders, pool.map(lambda s: conversation(rasa_server.url, s, latencies, lock), senders), strict=True)
        )
    elapsed = time.monotonic() - started
    total = CONVERSATIONS * MESSAGES
    assert len(latencies) == total

    apologies = 0
    for sender, received in results.items():
        events = stored_events(rasa_server.env["TRACKER_DB"], f"rest:{sender}")  # the REST channel's namespace
        users = [e for e in events if e["event"] == "user"]
        assert [u["metadata"]["seq"] for u in users] == list(range(MESSAGES)), sender  # in order, no dup, no gap
        assert [u["text"] for u in users] == [QUESTIONS[i % len(QUESTIONS)] for i in range(MESSAGES)]
        stored_replies: list[list[str]] = []
        for event in events:
            if event["event"] == "user":
                stored_replies.append([])
            elif event["event"] == "bot" and stored_replies:
                stored_replies[-1].append(event.get("text") or "")
        assert stored_replies == received, sender  # exactly the replies each message got, in its own turn
        assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"
        # Under overload an action call can exceed its 4 s timeout: that turn gets the apology (still one
        # set of replies, stored once); every other turn must be the normal answer.
        degraded = [i for i, texts_ in enumerate(received) if any(APOLOGY in t for t in texts_)]
        apologies += len(degraded)
        if 6 not in degraded:
            assert "IRA de Nantes" in " ".join(received[6]), (sender, received[6])

    # On a machine of its own: none. Several trainings sharing the 2 cores made a few turns degrade.
    assert apologies <= total // 20, apologies
    ordered = sorted(latencies)
    print(
        f"\nCharge : {total} messages ({CONVERSATIONS} conversations x {MESSAGES}) en {elapsed:.1f} s, "
        f"{total / elapsed:.1f} msg/s ; latence médiane {statistics.median(ordered) * 1000:.0f} ms, "
        f"p95 {ordered[int(0.95 * total)] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms ; {apologies} excuses (délai d'action dépassé)"
    )
