"""The tracker store Rasa uses (GuardedSQLTrackerStore) on a real SQLite file and a real PostgreSQL
server: what reaches the database is masked, and what is older than TRACKER_RETENTION_DAYS goes away
(at start-up, after a write once the interval has passed, and with `python -m bot purge`) without
breaking the conversation of a user who comes back. PostgreSQL tests are skipped where its server
programs are not installed."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain.personal_data import EMAIL_MASK, PHONE_MASK
from bot.runtime.settings import PROJECT_ROOT
from bot.runtime.stores.tracker_store import GuardedSQLTrackerStore
from tests.faults.support import PG_BINARIES, Postgres, pg_endpoints
from tests.support.servers import quiet_env

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
DAY = 86400.0
NOW = time.time()
EMAIL, PHONE = "jean.dupont@example.org", "06 12 34 56 78"


def session(start: float, text: str) -> list:
    """One conversation session as Rasa stores it: start, a user message with an entity, a slot, a reply."""
    entity_start = text.index("serious game")
    return [
        # Rasa dates action_session_start after the SessionStarted it produced, and counts from the latter.
        ActionExecuted("action_session_start", timestamp=start + 1),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start + 2),
        UserUttered(
            text,
            intent={"name": "ask_date", "confidence": 0.93},
            entities=[{"entity": "event", "start": entity_start, "end": entity_start + 12, "value": "serious-game"}],
            timestamp=start + 3,
        ),
        SlotSet("last_question", text, timestamp=start + 4),
        BotUttered(f"Le serious game a lieu le 24 novembre. Nous avons noté {EMAIL}.", timestamp=start + 5),
        ActionExecuted("action_listen", timestamp=start + 6),
    ]


def save(store: GuardedSQLTrackerStore, sender: str, events: list) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)))


def rows(store: GuardedSQLTrackerStore, sender: str) -> list[dict]:
    with store.engine.connect() as connection:
        result = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
        return [json.loads(data) for (data,) in result]


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    if not all(PG_BINARIES):
        pytest.skip("PostgreSQL (initdb, pg_ctl, postgres) n'est pas installé")
    server = Postgres().init()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_config(request, tmp_path) -> dict:
    """Connection arguments as endpoints.yml gives them, for a fresh database of each kind."""
    if request.param == "sqlite":
        return {"dialect": "sqlite", "db": str(tmp_path / "tracker.db")}
    postgres = request.getfixturevalue("postgres")
    database = f"t{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {database}"))
    engine.dispose()
    return {"dialect": "postgresql", "host": "127.0.0.1", "port": postgres.port, "db": database, "username": "postgres"}


def open_store(config: dict, monkeypatch, days: str = "30", **options) -> GuardedSQLTrackerStore:
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", days)
    return GuardedSQLTrackerStore(domain=DOMAIN, **config, **options)


def test_personal_data_is_masked_in_the_database_and_entities_still_fit(store_config, monkeypatch):
    store = open_store(store_config, monkeypatch)
    text = f"écrivez à {EMAIL} ou au {PHONE} : le serious game c'est quand ?"
    save(store, "masque", session(NOW - 60, text))
    stored = rows(store, "masque")
    raw = json.dumps(stored, ensure_ascii=False)
    assert "jean.dupont" not in raw and "12 34 56" not in raw, raw
    user = next(e for e in stored if e["event"] == "user")
    assert (
        user["text"]
        == user["parse_data"]["text"]
        == f"écrivez à {EMAIL_MASK} ou au {PHONE_MASK} : le serious game c'est quand ?"
    )
    entity = user["parse_data"]["entities"][0]
    assert user["text"][entity["start"] : entity["end"]] == "serious game" and entity["value"] == "serious-game"
    assert next(e for e in stored if e["event"] == "slot")["value"] == user["text"]
    assert EMAIL_MASK in next(e for e in stored if e["event"] == "bot")["text"]
    tracker = asyncio.run(store.retrieve("masque"))  # Rasa reads the masked conversation back without complaint
    assert tracker.latest_message.text == user["text"] and tracker.get_slot("last_question") == user["text"]


def test_old_conversations_and_old_sessions_go_recent_ones_stay(store_config, monkeypatch):
    store = open_store(store_config, monkeypatch, days="0")  # nothing deleted while the history is written
    save(store, "parti", session(NOW - 40 * DAY, "le serious game c'est quand ?"))
    save(store, "revenu", session(NOW - 40 * DAY, "le serious game c'est quand ?"))
    old_count = len(rows(store, "revenu"))
    save(
        store,
        "revenu",
        [*session(NOW - 40 * DAY, "le serious game c'est quand ?"), *session(NOW - 3600, "et le serious game ?")],
    )
    save(store, "recent", session(NOW - 2 * DAY, "le serious game c'est quand ?"))
    before = {sender: len(rows(store, sender)) for sender in ("parti", "revenu", "recent")}

    store = open_store(store_config, monkeypatch, days="30")  # start-up: the purge runs once
    assert rows(store, "parti") == []
    kept = rows(store, "revenu")
    assert len(kept) == before["revenu"] - old_count and all(e["timestamp"] >= NOW - 30 * DAY for e in kept)
    assert len(rows(store, "recent")) == before["recent"]

    # The user who came back goes on: Rasa's next turn is stored right after the kept events, in order.
    tracker = asyncio.run(store.retrieve("revenu"))
    assert tracker.get_slot("last_question") == "et le serious game ?"
    tracker.update(UserUttered("qui l'anime ?", intent={"name": "ask_organiser", "confidence": 0.9}, timestamp=NOW))
    asyncio.run(store.save(tracker))
    assert [e.get("text") for e in rows(store, "revenu") if e["event"] == "user"] == [
        "et le serious game ?",
        "qui l'anime ?",
    ]


def test_a_running_store_purges_again_after_its_interval(store_config, monkeypatch):
    text = "le serious game c'est quand ?"
    store = open_store(store_config, monkeypatch, purge_interval=0.0)
    lazy = open_store(store_config, monkeypatch)  # default interval: one purge at start-up, the next in an hour
    archive = open_store(store_config, monkeypatch, days="0")  # another instance, keeping everything
    save(archive, "ancien", session(NOW - 31 * DAY, text))
    save(lazy, "recent", session(NOW - 60, text))
    assert len(rows(lazy, "ancien")) == 7  # not purged yet: the lazy store's hour has not passed
    save(store, "recent", [*session(NOW - 60, text), UserUttered("merci", timestamp=NOW)])  # purged on this write
    assert rows(store, "ancien") == [] and len(rows(store, "recent")) == 8


def test_an_event_older_than_the_retention_period_is_never_written(store_config, monkeypatch):
    store = open_store(store_config, monkeypatch)
    save(store, "ancien", session(NOW - 31 * DAY, "le serious game c'est quand ?"))
    assert rows(store, "ancien") == []


def test_a_purge_racing_a_turn_does_not_bring_the_purged_events_back(store_config, monkeypatch):
    """Rasa reads a conversation, a purge deletes it (another instance, `python -m bot purge`, this store after
    another conversation's write), then Rasa saves the turn: its store counts 0 stored events and would write
    the whole tracker back, old events included, until the next purge an hour later."""
    old_text, new_text = "le serious game c'est quand ?", "et qui organise le serious game ?"
    save(open_store(store_config, monkeypatch, days="0"), "course", session(NOW - 40 * DAY, old_text))
    store = open_store(store_config, monkeypatch, days="30", purge_on_start=False)
    tracker = asyncio.run(store.retrieve("course"))  # the user comes back: Rasa holds the old session
    assert tracker is not None and len(tracker.events) == 7
    counts = store.purge()  # meanwhile, the conversation is purged
    assert counts.conversations == 1 and rows(store, "course") == []
    now = time.time()
    for event in session(now, new_text):  # Rasa starts a new session and answers
        tracker.update(event)
    asyncio.run(store.save(tracker))
    stored = rows(store, "course")
    assert all(e["timestamp"] >= now for e in stored), [(e["event"], e["timestamp"]) for e in stored]
    assert [e.get("text") for e in stored if e["event"] == "user"] == [new_text]
    assert len(stored) == 7  # the new session whole
    # The conversation goes on, aligned: the next turn is stored after it, once.
    tracker = asyncio.run(store.retrieve("course"))
    tracker.update(UserUttered("merci", intent={"name": "thanks", "confidence": 0.9}, timestamp=time.time()))
    asyncio.run(store.save(tracker))
    assert [e.get("text") for e in rows(store, "course") if e["event"] == "user"] == [new_text, "merci"]


def test_zero_keeps_everything(store_config, monkeypatch):
    store = open_store(store_config, monkeypatch, days="0", purge_interval=0.0)
    save(store, "archive", session(NOW - 5000 * DAY, "le serious game c'est quand ?"))
    assert len(rows(store, "archive")) == 7


def purge_command(store_config: dict, tmp_path: Path, days: str) -> subprocess.CompletedProcess:
    env = quiet_env(TRACKER_RETENTION_DAYS=days, SQLALCHEMY_SILENCE_UBER_WARNING="1")
    args = [sys.executable, "-m", "bot", "purge"]
    if store_config["dialect"] == "sqlite":
        env["TRACKER_DB"] = store_config["db"]
    else:  # the production set-up's endpoints.yml, pointed at this test database
        endpoints = pg_endpoints(tmp_path, store_config["port"])
        endpoints.write_text(endpoints.read_text().replace("db: postgres", f"db: {store_config['db']}"))
        args += ["--endpoints", str(endpoints)]
    return subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_purge_command_deletes_and_counts_in_french(store_config, monkeypatch, tmp_path):
    store = open_store(store_config, monkeypatch, days="0")
    save(store, "parti", session(NOW - 100 * DAY, "le serious game c'est quand ?"))
    save(store, "recent", session(NOW - DAY, "le serious game c'est quand ?"))
    result = purge_command(store_config, tmp_path, "90")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Conversations de plus de 90 jours : 1 supprimée(s) entièrement, 7 événement(s) supprimé(s) au total."
    ), result.stdout + result.stderr
    assert rows(store, "parti") == [] and len(rows(store, "recent")) == 7
    again = purge_command(store_config, tmp_path, "90")
    assert "0 supprimée(s)" in again.stdout


def test_purge_command_refuses_a_bad_retention_in_one_french_line(tmp_path):
    result = purge_command({"dialect": "sqlite", "db": str(tmp_path / "absent.db")}, tmp_path, "trois mois")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Purge impossible — TRACKER_RETENTION_DAYS='trois mois' : "
        "nombre de jours entier attendu (0 = conserver sans limite)"
    ]


def test_staff_review_reads_the_same_store_masked(store_config, monkeypatch):
    """`make review` on the embedded SQLite file or, in the clustered deployment, on PostgreSQL."""
    from bot.runtime.settings import tracker_database_url
    from bot.tooling.staff.review import collect, read_tracker_store

    store = open_store(store_config, monkeypatch)
    misunderstood = f"mon adresse {EMAIL}, vous pouvez me rappeler ?"
    save(
        store,
        "revue",
        [
            ActionExecuted("action_listen", timestamp=NOW - 10),
            UserUttered(misunderstood, intent={"name": "nlu_fallback", "confidence": 0.5}, timestamp=NOW - 9),
            ActionExecuted("action_fallback", timestamp=NOW - 8),
        ],
    )
    if store_config["dialect"] == "sqlite":
        source = Path(store_config["db"])
    else:
        source = tracker_database_url(
            {
                "TRACKER_DIALECT": "postgresql",
                "TRACKER_HOST": "127.0.0.1",
                "TRACKER_PORT": str(store_config["port"]),
                "TRACKER_DB": store_config["db"],
                "TRACKER_USER": "postgres",
            }
        )
    items = collect(read_tracker_store(source))
    assert [item.text for item in items] == [f"mon adresse {EMAIL_MASK}, vous pouvez me rappeler ?"]
