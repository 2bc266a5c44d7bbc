"""Through the real Rasa server (REST channel, session servers): a message with an email address and a
phone number is understood and answered as usual — the NLU and the actions see it masked already
(bot/runtime/channels/pipeline.py) — and the tracker store holds it masked; a user whose conversation
was purged comes back and is answered."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid

from bot.domain.personal_data import EMAIL_MASK, PHONE_MASK
from bot.runtime.settings import PROJECT_ROOT
from tests.faults.support import stored_events, user_texts
from tests.support.servers import ask, quiet_env, texts

DAY = 86400


def test_personal_data_is_answered_normally_and_stored_masked(rasa_server):
    user = f"pii-{uuid.uuid4().hex[:10]}"
    reply = texts(ask(rasa_server, user, "Parle-moi du serious game, mon courriel est jean.dupont@example.org"))
    assert "Serious game" in reply, reply
    follow_up = texts(ask(rasa_server, user, "qui l'anime ?"))
    assert "IRA de Nantes" in follow_up, follow_up  # the context survived the masked storage
    assert texts(ask(rasa_server, user, "vous pouvez me rappeler au 06 12 34 56 78")).strip()
    events = stored_events(rasa_server.env["TRACKER_DB"], f"rest:{user}")  # the REST channel's namespace
    raw = json.dumps(events, ensure_ascii=False)
    assert "jean.dupont" not in raw and "12 34 56" not in raw, raw
    assert user_texts(events) == [
        f"Parle-moi du serious game, mon courriel est {EMAIL_MASK}",
        "qui l'anime ?",
        f"vous pouvez me rappeler au {PHONE_MASK}",
    ]


def test_a_user_whose_conversation_was_purged_is_answered_again(rasa_server):
    user = f"purge-{uuid.uuid4().hex[:10]}"
    assert "Serious game" in texts(ask(rasa_server, user, "Parle-moi du serious game"))
    db = rasa_server.env["TRACKER_DB"]
    with sqlite3.connect(db, timeout=10) as connection:  # 40 days go by
        connection.execute(
            "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (40 * DAY, f"rest:{user}")
        )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "purge"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=quiet_env(TRACKER_DB=db, TRACKER_RETENTION_DAYS="30"),
        timeout=120,
    )
    assert result.returncode == 0 and "1 supprimée(s) entièrement" in result.stdout, result.stdout + result.stderr
    assert stored_events(db, f"rest:{user}") == []

    assert "Serious game" in texts(ask(rasa_server, user, "Parle-moi du serious game"))
    assert "IRA de Nantes" in texts(ask(rasa_server, user, "qui l'anime ?"))
    assert user_texts(stored_events(db, f"rest:{user}")) == ["Parle-moi du serious game", "qui l'anime ?"]
