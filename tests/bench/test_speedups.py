"""What the bench led to change, checked without servers: same behaviour, the faster way."""

from __future__ import annotations

import asyncio

import jsonschema
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.action_calls import ResilientRemoteAction
from bot.runtime.settings import load_settings, server_environment
from bot.runtime.stores import sqlite_tuning
from bot.runtime.stores.tracker_store import GuardedSQLTrackerStore


def _turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text))
    tracker.update(BotUttered(f"réponse à {text}"))
    tracker.update(ActionExecuted("action_listen"))


def test_make_run_puts_the_sqlite_tracker_store_in_wal_mode():
    env = server_environment(load_settings({}), {})
    assert env["TRACKER_SQLITE_WAL"] == "1"
    assert server_environment(load_settings({}), {"TRACKER_SQLITE_WAL": "0"})["TRACKER_SQLITE_WAL"] == "0"


def test_wal_store_keeps_every_turn_and_stays_in_wal(tmp_path, monkeypatch):
    monkeypatch.setenv(sqlite_tuning.WAL_VARIABLE, "1")
    store = GuardedSQLTrackerStore(Domain.empty(), db=str(tmp_path / "t.db"))

    async def scenario() -> list[str]:
        for text in ("un", "deux", "trois"):
            tracker = await store.retrieve("citoyen") or DialogueStateTracker("citoyen", [])
            _turn(tracker, text)
            await store.save(tracker)
        stored = await store.retrieve("citoyen")
        return [e.text for e in stored.events if isinstance(e, UserUttered)]

    assert asyncio.run(scenario()) == ["un", "deux", "trois"]
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_without_the_variable_sqlite_keeps_its_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv(sqlite_tuning.WAL_VARIABLE, raising=False)
    store = GuardedSQLTrackerStore(Domain.empty(), db=str(tmp_path / "t.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"


def test_a_wrong_wal_value_is_refused_in_french(monkeypatch):
    monkeypatch.setenv(sqlite_tuning.WAL_VARIABLE, "peut-être")
    with pytest.raises(ValueError, match="attendu"):
        sqlite_tuning.wal_enabled()


@pytest.mark.parametrize(
    "result",
    [
        {
            "events": [{"event": "slot", "name": "focus_events", "value": ["mind-mapping"]}],
            "responses": [{"text": "Le 19."}],
        },
        {"events": [], "responses": []},
        {"events": [{"event": "nope"}]},
        {"events": "pas une liste"},
        {"responses": [1]},
    ],
)
def test_action_replies_are_judged_as_rasa_judges_them(result):
    """The compiled schema accepts and refuses exactly what jsonschema.validate() does, with the same message."""
    action = ResilientRemoteAction("action_answer_event_date", None)
    try:
        jsonschema.validate(result, action.action_response_format_spec())
    except jsonschema.ValidationError as expected:
        with pytest.raises(jsonschema.ValidationError) as raised:
            action._validate_action_result(result)
        assert (
            raised.value.message.startswith(expected.message)
            and "Failed to validate Action server response" in raised.value.message
        )
    else:
        assert action._validate_action_result(result) is True


def test_admission_slots_come_from_the_environment_and_a_bad_value_is_said_in_french():
    from bot.runtime.channels.admission import DEFAULT_SLOTS, slots_from_environment

    assert slots_from_environment({}) == DEFAULT_SLOTS
    assert slots_from_environment({"ADMISSION_SLOTS": "4"}) == 4
    for bad in ("0", "quatre", "-2"):
        with pytest.raises(ValueError, match="ADMISSION_SLOTS"):
            slots_from_environment({"ADMISSION_SLOTS": bad})


def test_make_run_processes_four_messages_at_once():
    from bot.runtime.settings import load_settings, server_environment

    assert server_environment(load_settings({}), {"ACTION_SERVER_TOKEN": "x"})["ADMISSION_SLOTS"] == "4"
