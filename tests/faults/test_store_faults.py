"""Tracker store unavailable (SQLite file locked for reading and writing, or for writing only):
every channel answers a clear temporary error (REST: 503), nothing crashes, the conversation
resumes with its context when the store is back, and no event stored before the fault is lost."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from bot.domain.catalogue import load_catalogue
from tests.channels.mattermost import generic, mm_id
from tests.faults.support import (
    AGENTS,
    FaultStack,
    assert_no_traceback,
    rest,
    socketio_exchange,
    stored_events,
    texts,
    user_texts,
)

CONTACT = load_catalogue().contact.name
TEMPORARY = "erreur temporaire"


@contextmanager
def locked(db_path, mode: str) -> Iterator[None]:
    """EXCLUSIVE: nobody reads or writes; IMMEDIATE: readers go on, every write fails (unwritable)."""
    lock = sqlite3.connect(str(db_path), timeout=5)
    lock.execute(f"BEGIN {mode}")
    try:
        yield
    finally:
        lock.rollback()
        lock.close()


def check_fault(stack: FaultStack, mode: str) -> dict:
    user = f"panne-base-{mode.lower()}-{uuid.uuid4().hex[:8]}"
    assert "Serious game" in texts(rest(stack.rasa, user, "Parle-moi du serious game"))
    assert "Bonjour" in texts(rest(stack.rasa, user, "bonjour"))
    before = stored_events(stack.tracker_db, f"rest:{user}")  # the REST channel's namespace
    figures = {"messages": 2, "refused": 0}

    with locked(stack.tracker_db, mode):
        started = time.monotonic()
        reply = rest(stack.rasa, user, "qui l'anime ?")
        elapsed = time.monotonic() - started
        assert reply.status_code == 503 and reply.headers.get("Retry-After"), reply.text
        assert TEMPORARY in texts(reply) and CONTACT in texts(reply)
        assert_no_traceback(reply)
        assert elapsed < 10
        agent = requests.post(
            stack.rasa.url + AGENTS,
            json=generic("qui organise le serious game ?", channel_id=mm_id(), user_id=mm_id()),
            timeout=30,
        )
        assert agent.status_code == 200 and TEMPORARY in agent.json()["text"]
        session = f"sio-{uuid.uuid4().hex[:12]}"
        received = asyncio.run(
            socketio_exchange(
                stack.rasa.url,
                [("user_uttered", {"message": "bonjour", "session_id": session})],
                wait_for=1,
                session_id=session,
                timeout=20,
            )
        )
        assert any(TEMPORARY in (m.get("text") or "") for m in received), received
        figures["messages"] += 3
        figures["refused"] += 3
    assert stack.rasa.process.poll() is None  # nothing crashed

    # Back: the same conversation, with the context stored before the fault.
    reply = rest(stack.rasa, user, "qui l'anime ?")
    assert reply.status_code == 200 and "IRA de Nantes" in texts(reply)
    figures["messages"] += 1
    after = stored_events(stack.tracker_db, f"rest:{user}")
    assert after[: len(before)] == before  # nothing stored before the fault is lost or rewritten
    assert user_texts(after) == [
        "Parle-moi du serious game",
        "bonjour",
        "qui l'anime ?",
    ]  # the refused turn: not stored
    figures["events_lost"] = len(before) - sum(1 for a, b in zip(before, after, strict=False) if a == b)
    return figures


def test_locked_store_gives_503_and_the_conversation_resumes(stack: FaultStack):
    figures = check_fault(stack, "EXCLUSIVE")
    assert figures["events_lost"] == 0


def test_unwritable_store_gives_503_and_nothing_half_written(stack: FaultStack):
    figures = check_fault(stack, "IMMEDIATE")
    assert figures["events_lost"] == 0
