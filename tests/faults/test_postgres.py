"""The production set-up's PostgreSQL tracker store, stopped and started again under a running Rasa
server: 503 with a temporary-error text meanwhile, nothing lost, the conversation resumes without
restarting Rasa. Skipped where PostgreSQL's server programs are not installed."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from bot.domain.catalogue import load_catalogue
from tests.channels.mattermost import generic, mm_id
from tests.faults.support import AGENTS, PG_BINARIES, api_events, assert_no_traceback, rest, texts, user_texts

CONTACT = load_catalogue().contact.name
TEMPORARY = "erreur temporaire"

pytestmark = pytest.mark.skipif(not all(PG_BINARIES), reason="PostgreSQL (initdb, pg_ctl, postgres) n'est pas installé")


def test_postgres_stopped_then_started_again(stacks):
    pg_stack, postgres = stacks.pg, stacks.postgres
    user = f"pg-{uuid.uuid4().hex[:10]}"
    assert "Serious game" in texts(rest(pg_stack.rasa, user, "Parle-moi du serious game"))
    assert "Bonjour" in texts(rest(pg_stack.rasa, user, "bonjour"))
    before = api_events(pg_stack.rasa, f"rest:{user}")  # the REST channel's namespace

    postgres.stop()
    try:
        started = time.monotonic()
        reply = rest(pg_stack.rasa, user, "qui l'anime ?")
        assert reply.status_code == 503 and TEMPORARY in texts(reply) and CONTACT in texts(reply), reply.text
        assert time.monotonic() - started < 5
        assert_no_traceback(reply)
        agent = requests.post(
            pg_stack.rasa.url + AGENTS, json=generic("bonjour", channel_id=mm_id(), user_id=mm_id()), timeout=30
        )
        assert agent.status_code == 200 and TEMPORARY in agent.json()["text"]
        assert pg_stack.rasa.process.poll() is None
    finally:
        postgres.start()

    reply = rest(pg_stack.rasa, user, "qui l'anime ?")
    assert reply.status_code == 200 and "IRA de Nantes" in texts(reply)
    after = api_events(pg_stack.rasa, f"rest:{user}")
    assert after[: len(before)] == before
    assert user_texts(after) == ["Parle-moi du serious game", "bonjour", "qui l'anime ?"]
