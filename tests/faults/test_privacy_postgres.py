"""Privacy on the production set-up's PostgreSQL tracker store, through the real Rasa server of the fault
stacks: personal data is answered normally and stored masked; `python -m bot purge` deletes a conversation
beyond TRACKER_RETENTION_DAYS and its user is answered again. Skipped where PostgreSQL is not installed."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from bot.domain.personal_data import EMAIL_MASK
from bot.runtime.settings import PROJECT_ROOT
from tests.faults.support import PG_BINARIES, api_events, rest, texts, user_texts
from tests.support.servers import quiet_env

pytestmark = pytest.mark.skipif(not all(PG_BINARIES), reason="PostgreSQL (initdb, pg_ctl, postgres) n'est pas installé")
DAY = 86400


def stored(port: int, sender: str) -> list[dict]:
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    try:
        with engine.connect() as connection:
            result = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            return [json.loads(data) for (data,) in result]
    finally:
        engine.dispose()


def test_postgres_store_masks_and_purges(stacks):
    pg_stack, port = stacks.pg, stacks.postgres.port
    user = f"pg-rgpd-{uuid.uuid4().hex[:8]}"
    reply = rest(pg_stack.rasa, user, "Parle-moi du serious game, écrivez-moi à jean.dupont@example.org")
    assert reply.status_code == 200 and "Serious game" in texts(reply), reply.text
    assert "IRA de Nantes" in texts(rest(pg_stack.rasa, user, "qui l'anime ?"))
    events = stored(port, f"rest:{user}")  # the REST channel's namespace
    assert "jean.dupont" not in json.dumps(events)
    assert user_texts(events) == [f"Parle-moi du serious game, écrivez-moi à {EMAIL_MASK}", "qui l'anime ?"]

    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    with engine.begin() as connection:  # 40 days go by
        connection.execute(
            sa.text("UPDATE events SET timestamp = timestamp - :d WHERE sender_id = :s"),
            {"d": 40 * DAY, "s": f"rest:{user}"},
        )
    engine.dispose()
    endpoints = pg_stack.extra_args[pg_stack.extra_args.index("--endpoints") + 1]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "purge", "--endpoints", endpoints],
        cwd=PROJECT_ROOT,
        env=quiet_env(TRACKER_RETENTION_DAYS="30"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "1 supprimée(s) entièrement" in result.stdout, result.stdout + result.stderr
    assert stored(port, f"rest:{user}") == []

    assert "Serious game" in texts(rest(pg_stack.rasa, user, "Parle-moi du serious game"))
    assert user_texts(api_events(pg_stack.rasa, f"rest:{user}")) == ["Parle-moi du serious game"]
