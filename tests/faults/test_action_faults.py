"""Action server stopped or frozen: a short apology with the contact within 5 s, never silence or a
500; once it is back, the next question is answered normally by the same Rasa process."""

from __future__ import annotations

import asyncio
import time
import uuid

import requests

from bot.domain.catalogue import load_catalogue
from tests.channels.mattermost import generic, mm_id
from tests.faults.support import (
    AGENTS,
    FaultStack,
    api_events,
    assert_no_traceback,
    rest,
    socketio_exchange,
    texts,
    turns,
)

CONTACT = load_catalogue().contact.name
APOLOGY = "je ne peux pas répondre pour le moment"
QUESTION = "Qui organise le serious game ?"
ANSWER = "IRA de Nantes"


def sender() -> str:
    return f"panne-actions-{uuid.uuid4().hex[:10]}"


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_stopped_action_server_gets_an_apology_then_answers_again(stack: FaultStack):
    user = sender()
    rasa_pid = stack.rasa.process.pid
    assert ANSWER in texts(rest(stack.rasa, user, QUESTION))

    stack.stop_actions()
    reply, elapsed = timed(lambda: rest(stack.rasa, user, "et c'est quand ?"))
    assert reply.status_code == 200 and elapsed < 5
    assert APOLOGY in texts(reply) and CONTACT in texts(reply)
    assert_no_traceback(reply)
    # What needs no action server still works: the bot degrades, it does not go dark.
    assert "Bonjour" in texts(rest(stack.rasa, user, "bonjour"))

    stack.start_actions()
    reply = rest(stack.rasa, user, QUESTION)
    assert reply.status_code == 200 and ANSWER in texts(reply) and APOLOGY not in texts(reply)
    assert stack.rasa.process.pid == rasa_pid  # no restart of Rasa

    # The tracker has every turn, the apology included, once each.
    conversation = turns(api_events(stack.rasa, f"rest:{user}"))  # the REST channel's namespace
    assert [t for t, _ in conversation] == [QUESTION, "et c'est quand ?", "bonjour", QUESTION]
    assert len(conversation[1][1]) == 1 and APOLOGY in conversation[1][1][0]


def test_frozen_action_server_gets_an_apology_within_five_seconds(stack: FaultStack):
    user = sender()
    stack.freeze_actions()  # SIGSTOP: connections accepted, never answered
    reply, elapsed = timed(lambda: rest(stack.rasa, user, QUESTION))
    assert reply.status_code == 200 and APOLOGY in texts(reply) and CONTACT in texts(reply)
    assert 3 < elapsed < 5, elapsed  # the 4 s action timeout of endpoints.yml, not Rasa's 300 s

    stack.thaw_actions()
    reply = rest(stack.rasa, user, QUESTION)
    assert ANSWER in texts(reply) and APOLOGY not in texts(reply)


def test_agents_and_socketio_channels_also_apologise(stack: FaultStack):
    stack.stop_actions()
    body = requests.post(
        stack.rasa.url + AGENTS, json=generic(QUESTION, channel_id=mm_id(), user_id=mm_id()), timeout=10
    )
    assert body.status_code == 200 and APOLOGY in body.json()["text"] and CONTACT in body.json()["text"]

    session = sender()
    received = asyncio.run(
        socketio_exchange(
            stack.rasa.url,
            [("user_uttered", {"message": QUESTION, "session_id": session})],
            wait_for=1,
            session_id=session,
        )
    )
    assert any(APOLOGY in (m.get("text") or "") for m in received), received
