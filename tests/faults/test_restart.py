"""kill -9 of the Rasa server in the middle of a load: after a restart on the same tracker store,
every acknowledged turn is there once, in order, and the conversations continue with their context."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.faults.support import REST, FaultStack, rest, stored_events, texts

CONVERSATIONS = 10
MAX_MESSAGES = 200  # each load loop stops by itself
LOAD = ["Qui organise le serious game ?", "bonjour", "merci", "et c'est quand ?"]  # the focus stays on the serious game


def load(url: str, sender: str, stop: threading.Event) -> tuple[list[int], int]:
    """Send numbered messages until the server dies; (acknowledged sequence numbers, messages sent)."""
    http = requests.Session()
    acknowledged: list[int] = []
    for seq in range(1, MAX_MESSAGES + 1):
        if stop.is_set():
            return acknowledged, seq - 1
        try:
            reply = http.post(
                url + REST,
                json={"sender": sender, "message": LOAD[seq % len(LOAD)], "metadata": {"seq": seq}},
                timeout=30,
            )
        except requests.RequestException:
            return acknowledged, seq  # the one in flight when the server died: stored or not, never half
        assert reply.status_code == 200 and reply.json(), reply.text[:200]
        acknowledged.append(seq)
    return acknowledged, MAX_MESSAGES


def test_kill_9_mid_load_then_conversations_continue(stack: FaultStack):
    run = uuid.uuid4().hex[:6]
    senders = [f"redemarrage-{run}-{n}" for n in range(CONVERSATIONS)]
    for sender in senders:  # the context each conversation must find again after the restart
        assert "Serious game" in texts(rest(stack.rasa, sender, "Parle-moi du serious game"))

    stop = threading.Event()
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        futures = [pool.submit(load, stack.rasa.url, sender, stop) for sender in senders]
        time.sleep(4)
        stack.kill_rasa()
        stop.set()
        results = dict(zip(senders, (f.result(timeout=60) for f in futures), strict=True))
    acknowledged_total = sum(len(a) for a, _ in results.values())
    assert acknowledged_total >= CONVERSATIONS  # the kill did come mid-load
    before_restart = {s: stored_events(stack.tracker_db, f"rest:{s}") for s in senders}  # REST's namespace

    stack.restart_rasa()
    lost = 0
    for sender, (acknowledged, sent) in results.items():
        events = stored_events(stack.tracker_db, f"rest:{sender}")
        assert events == before_restart[sender]  # the restart itself rewrites nothing
        seqs = [e["metadata"]["seq"] for e in events if e["event"] == "user" and "seq" in (e.get("metadata") or {})]
        assert seqs == sorted(set(seqs)), sender  # in order, no duplicate
        assert set(acknowledged) <= set(seqs) <= set(acknowledged) | {sent}, (sender, acknowledged, sent, seqs)
        lost += len(set(acknowledged) - set(seqs))
        assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"  # no half-stored turn

        # The conversation goes on from the stored tracker: "qui l'anime ?" still means the serious game.
        reply = rest(stack.rasa, sender, "qui l'anime ?")
        assert reply.status_code == 200 and "IRA de Nantes" in texts(reply), texts(reply)
        assert stored_events(stack.tracker_db, f"rest:{sender}")[: len(events)] == events
    assert lost == 0
    print(f"\nkill -9 en charge : {acknowledged_total} tours acquittés avant l'arrêt, {lost} perdus après redémarrage")
