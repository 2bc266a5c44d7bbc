"""The reliability helpers without a Rasa server: texts, action timeout, apology, guarded tracker store."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.domain.catalogue import load_catalogue
from bot.runtime import action_calls as actions
from bot.runtime.channels import texts
from bot.runtime.stores.tracker_store import GuardedSQLTrackerStore, StoreUnavailable, watching

CONTACT = load_catalogue().contact.name


def test_apology_and_temporary_error_name_the_catalogue_contact():
    assert texts.catalogue_contact() == CONTACT
    for text in (texts.apology(CONTACT), texts.temporary_error(CONTACT)):
        assert CONTACT in text and text.startswith("Désolé") and len(text) < 300
    assert "contacter" not in texts.apology(None)  # a catalogue that cannot be read: no invented contact


@pytest.mark.parametrize(
    "raw, expected",
    [
        (4, 4.0),
        ("2.5", 2.5),
        (None, actions.DEFAULT_TIMEOUT),
        ("x", actions.DEFAULT_TIMEOUT),
        (0, actions.DEFAULT_TIMEOUT),
        (-1, actions.DEFAULT_TIMEOUT),
        (10_000, actions.DEFAULT_TIMEOUT),
    ],
)
def test_action_timeout_comes_from_the_endpoint(raw, expected):
    config = EndpointConfig("http://localhost:5055/webhook", **({} if raw is None else {"timeout": raw}))
    assert actions.action_timeout(config) == expected
    assert actions.action_timeout(None) == actions.DEFAULT_TIMEOUT


def test_endpoints_yml_sets_an_action_timeout_below_five_seconds(monkeypatch):
    from rasa.core.utils import AvailableEndpoints

    from bot.runtime.settings import PROJECT_ROOT

    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("TRACKER_DB", "var/tracker.db")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "jeton-de-test")
    for name in ("TRACKER_DIALECT", "TRACKER_HOST", "TRACKER_PORT", "TRACKER_USER", "TRACKER_PASSWORD"):
        monkeypatch.setenv(name, "sqlite" if name == "TRACKER_DIALECT" else "")
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    assert 0 < actions.action_timeout(endpoints.action) <= 4.5
    assert endpoints.tracker_store.type == "bot.runtime.stores.tracker_store.GuardedSQLTrackerStore"


def test_apology_once_per_turn():
    apology = actions.apology_event(CONTACT)
    assert not actions.apologised_this_turn([UserUttered("bonjour")])
    assert actions.apologised_this_turn([UserUttered("a"), ActionExecuted("x"), apology])
    assert not actions.apologised_this_turn([apology, UserUttered("b"), BotUttered("autre")])


def test_unreachable_action_server_gives_the_apology_not_an_exception():
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    action = actions.ResilientRemoteAction(
        "action_answer_contact", EndpointConfig("http://127.0.0.1:9/webhook", timeout=1)
    )
    tracker = DialogueStateTracker("u", [])
    tracker.update(UserUttered("contact ?"))
    events = asyncio.run(
        action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, Domain.empty())
    )
    assert len(events) == 1 and isinstance(events[0], BotUttered) and CONTACT in events[0].text


def test_install_replaces_rasas_remote_action_once():
    import rasa.core.actions.action as rasa_action

    actions.install()
    actions.install()
    assert rasa_action.RemoteAction is actions.ResilientRemoteAction
    assert (
        type(
            rasa_action.action_for_name_or_text(
                "action_answer_contact", Domain.from_yaml("actions: [action_answer_contact]"), None
            )
        )
        is actions.ResilientRemoteAction
    )


# --- tracker store --------------------------------------------------------------------------------


def _turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text))
    tracker.update(BotUttered(f"réponse à {text}"))
    tracker.update(ActionExecuted("action_listen"))


def test_guarded_store_refuses_to_write_a_conversation_it_could_not_read(tmp_path):
    db_path = tmp_path / "t.db"
    store = GuardedSQLTrackerStore(Domain.empty(), db=str(db_path), busy_timeout=0.2)

    async def scenario() -> None:
        tracker = DialogueStateTracker("citoyen", [])
        _turn(tracker, "un")
        await store.save(tracker)
        before = [e.as_dict() for e in (await store.retrieve("citoyen")).events]

        lock = sqlite3.connect(db_path, timeout=0.1)
        lock.execute("BEGIN EXCLUSIVE")
        with watching() as watch, pytest.raises(Exception):  # noqa: B017 - the channel relies on the watch, not the type
            await store.retrieve("citoyen")
        assert watch.failed and "lecture" in watch.detail
        lock.rollback()
        lock.close()

        # The store is back, but this request's tracker is a fresh one: writing it would misalign.
        fresh = DialogueStateTracker("citoyen", [])
        _turn(fresh, "deux")
        with watching() as watch, pytest.raises(StoreUnavailable):
            await store.save(fresh)
        assert watch.failed
        assert [e.as_dict() for e in (await store.retrieve("citoyen")).events] == before  # a read clears the guard

        again = await store.retrieve("citoyen")
        _turn(again, "trois")
        with watching() as watch:
            await store.save(again)
        assert not watch.failed
        stored = await store.retrieve("citoyen")
        assert [e.as_dict() for e in stored.events][: len(before)] == before
        assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["un", "trois"]

    asyncio.run(scenario())


def test_write_lock_fails_the_save_and_keeps_the_stored_turns(tmp_path):
    db_path = tmp_path / "t.db"
    store = GuardedSQLTrackerStore(Domain.empty(), db=str(db_path), busy_timeout=0.2)

    async def scenario() -> None:
        tracker = DialogueStateTracker("agent", [])
        _turn(tracker, "un")
        await store.save(tracker)
        lock = sqlite3.connect(db_path, timeout=0.1)
        lock.execute("BEGIN IMMEDIATE")  # readers go on, writers wait
        tracker = await store.retrieve("agent")
        _turn(tracker, "deux")
        with watching() as watch, pytest.raises(Exception):  # noqa: B017 - the channel relies on the watch, not the type
            await store.save(tracker)
        assert watch.failed and "écriture" in watch.detail
        lock.rollback()
        lock.close()
        stored = await store.retrieve("agent")
        assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["un"]

    asyncio.run(scenario())


def test_credentials_open_the_hardened_rest_channel_at_the_usual_address(monkeypatch):
    from rasa.core.channels.rest import RestInput
    from rasa.core.run import create_http_input_channels

    from bot.runtime.channels.rest import HardenedRestInput
    from bot.runtime.settings import PROJECT_ROOT

    monkeypatch.setenv("AGENTS_WEBHOOK_TOKENS", "xbtestmattermosttoken00001")
    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    rest = [c for c in channels if c.name() == "rest"]
    assert len(rest) == 1 and isinstance(rest[0], HardenedRestInput) and rest[0].url_prefix() == "rest"
    assert not any(type(c) is RestInput for c in channels)  # -> /webhooks/rest/webhook, hardened
