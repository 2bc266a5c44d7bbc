"""The one admission path of the channels (bot/runtime/channels/pipeline.py) and the REST channel's
mapping of its outcomes, without a Rasa server; the shared validators (bot/runtime/channels/inputs.py)."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.domain.personal_data import PHONE_MASK
from bot.runtime.channels import pipeline
from bot.runtime.channels.admission import OVERLOADED, Admission
from bot.runtime.channels.inputs import (
    InvalidRequest,
    RejectedInput,
    clean_message,
    clean_text,
    validate_chat,
    validate_page_sender,
    validate_public_sender,
    validate_rest_body,
    validate_sender,
)
from bot.runtime.channels.limits import BUSY
from bot.runtime.channels.pipeline import Busy, Failed, Intake, Processed, Refused, masked_text, temporary_error_text
from bot.runtime.channels.ratelimit import TOO_MANY_FROM_ADDRESS, Rate, RateLimits, RateLimitSettings, limit_keys
from bot.runtime.channels.rest import HardenedRestInput
from bot.runtime.channels.texts import TOO_MANY
from bot.runtime.stores.tracker_store import report

PAGE_SENDER = "a" * 16


def intake(sender_burst: int = 100, ip_burst: int = 100, max_in_flight: int = 3) -> Intake:
    limits = RateLimits(RateLimitSettings(sender=Rate(1, sender_burst), ip=Rate(1, ip_burst), redis_url=None))
    return Intake("test", limits=limits, max_in_flight=max_in_flight)


async def answer() -> str:
    await asyncio.sleep(0)
    return "ok"


def test_a_processed_message_leaves_the_gate():
    door = intake(max_in_flight=1)

    async def scenario() -> list:
        return [await door.process("citoyen", "192.0.2.1", answer) for _ in range(3)]

    assert asyncio.run(scenario()) == [Processed()] * 3
    assert Processed.status == 200


def test_rate_limits_are_refused_with_a_429_and_the_seconds_to_wait():
    per_sender, per_address = intake(sender_burst=1), intake(ip_burst=1)

    async def scenario() -> tuple:
        return (
            [await per_sender.process("citoyen", None, answer) for _ in range(2)],
            [await per_address.process(f"citoyen{i}", "192.0.2.1", answer) for i in range(2)],
            await per_address.check_address("192.0.2.1"),
        )

    by_sender, by_address, address_alone = asyncio.run(scenario())
    assert by_sender[0] == Processed() and by_address[0] == Processed()
    assert isinstance(by_sender[1], Refused) and by_sender[1].reason == TOO_MANY and by_sender[1].retry_after >= 1
    assert by_address[1].reason == TOO_MANY_FROM_ADDRESS and by_address[1].status == 429
    assert address_alone == by_address[1]


def test_a_sender_with_too_many_messages_in_progress_is_refused_then_admitted_again():
    door = intake(max_in_flight=1)
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    async def scenario() -> tuple:
        first = asyncio.ensure_future(door.process("citoyen", None, slow))
        await asyncio.sleep(0.01)
        second = await door.process("citoyen", None, answer)
        other = await door.process("autre", None, answer)
        release.set()
        return await first, second, other, await door.process("citoyen", None, answer)

    first, second, other, again = asyncio.run(scenario())
    assert second == Refused(BUSY, pipeline.RETRY_AFTER_SECONDS)
    assert first == other == again == Processed()


def test_no_free_slot_and_a_full_queue_is_busy_503(monkeypatch):
    monkeypatch.setattr(pipeline, "ADMISSION", Admission(slots=1, max_waiting=0))
    door = intake()
    release = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    async def scenario() -> tuple:
        first = asyncio.ensure_future(door.process("un", None, slow))
        await asyncio.sleep(0.01)
        refused = await door.process("deux", None, answer)
        release.set()
        return await first, refused, door.gate._in_flight

    first, refused, in_flight = asyncio.run(scenario())
    assert first == Processed()
    assert refused == Busy(OVERLOADED) and refused.status == 503 and refused.retry_after == 5
    assert not any(in_flight.values())  # both left the gate


def test_processing_that_raises_is_failed_503_logged_in_french_and_leaves_the_gate(caplog):
    door = intake(max_in_flight=1)

    async def broken() -> None:
        raise RuntimeError("panne\nsur deux lignes")

    async def scenario() -> list:
        return [await door.process("citoyen", None, broken) for _ in range(2)]

    with caplog.at_level(logging.ERROR, logger="bot.runtime.channels.pipeline"):
        outcomes = asyncio.run(scenario())
    assert outcomes == [Failed(temporary_error_text(), "RuntimeError", raised=True)] * 2
    assert outcomes[0].status == 503 and outcomes[0].retry_after == 5
    assert "Canal test : échec du traitement (RuntimeError: panne sur deux lignes)." in caplog.text


def test_a_tracker_store_failure_rasa_carried_on_after_is_failed_503():
    door = intake()

    async def without_store() -> None:
        await asyncio.sleep(0)
        report("écriture : OperationalError")  # what GuardedSQLTrackerStore does, Rasa swallowing the error

    outcome = asyncio.run(door.process("citoyen", None, without_store))
    assert outcome == Failed(temporary_error_text(), "écriture : OperationalError", raised=False)
    assert outcome.reason.startswith("Désolé, une erreur temporaire")


def test_start_hands_over_the_running_turn_which_still_owns_the_gate_and_the_store_watch():
    door = intake(max_in_flight=1)
    release = asyncio.Event()

    async def slow_without_store() -> None:
        await release.wait()
        await asyncio.sleep(0)
        report("lecture : OperationalError")

    async def scenario() -> tuple:
        task = await door.start("agent", None, slow_without_store)
        assert isinstance(task, asyncio.Future)
        await asyncio.wait({task}, timeout=0.01)  # the channel stops waiting: its answer comes later
        assert not task.done()
        busy = await door.start("agent", None, answer)
        release.set()
        outcome = await task
        return busy, outcome, await (await door.start("agent", None, answer))

    busy, outcome, again = asyncio.run(scenario())
    assert busy == Refused(BUSY, pipeline.RETRY_AFTER_SECONDS)
    assert isinstance(outcome, Failed) and not outcome.raised and "lecture" in outcome.detail
    assert again == Processed()


# --- the REST channel's mapping of each outcome ------------------------------------------------------


async def rest_reply(handle, door: Intake | None = None, times: int = 1) -> tuple[int, dict, object]:
    channel = HardenedRestInput(door or intake())
    body = json.dumps({"sender": "citoyen", "message": "Bonjour"}).encode()
    for _ in range(times):
        reply = await channel.receive(body, handle, "192.0.2.1")
    return reply.status, dict(reply.headers), json.loads(reply.body)


async def replies(message) -> None:
    await message.output_channel.send_text_message(message.sender_id, "Bonjour !")


async def broken(message) -> None:
    await message.output_channel.send_text_message(message.sender_id, "jamais montré")
    raise RuntimeError("panne")


def test_rest_answers_each_outcome_with_its_status_headers_and_body(monkeypatch):
    status, headers, body = asyncio.run(rest_reply(replies))
    assert (status, body) == (200, [{"recipient_id": "citoyen", "text": "Bonjour !"}])
    assert "Retry-After" not in headers

    status, headers, body = asyncio.run(rest_reply(broken))
    assert (status, headers["Retry-After"]) == (503, "5")
    assert body == [{"recipient_id": "citoyen", "text": temporary_error_text()}]

    status, headers, body = asyncio.run(rest_reply(replies, intake(sender_burst=1), times=2))
    assert (status, body) == (429, {"error": TOO_MANY}) and int(headers["Retry-After"]) >= 1

    full = Admission(slots=1, max_waiting=0)
    monkeypatch.setattr(pipeline, "ADMISSION", full)

    async def while_full() -> tuple:
        async with full.slot():
            return await rest_reply(replies)

    status, headers, body = asyncio.run(while_full())
    assert (status, headers["Retry-After"], body) == (503, "5", {"error": OVERLOADED})


# --- the one validation module -------------------------------------------------------------------


def test_one_cleaning_the_message_is_the_trimmed_text():
    raw = "  a\u0000b\u200bc\r\nd\u202ee\tf\U000e0001 "
    assert clean_text(raw) == "  abc\nde\tf "
    assert clean_message(raw) == clean_text(raw).strip()


def test_one_sender_check_the_page_with_its_stricter_rule():
    assert validate_sender("é" * 128) == "é" * 128
    with pytest.raises(RejectedInput, match="champ session_id : caractères de contrôle interdits"):
        validate_sender("a\x00b", "session_id")
    assert validate_page_sender(PAGE_SENDER) == PAGE_SENDER
    for bad in (None, 42, "court", "a" * 65, PAGE_SENDER + "\n", PAGE_SENDER + "/../x", "é" * 16):
        with pytest.raises(InvalidRequest) as refused:
            validate_page_sender(bad)
        assert (refused.value.status, refused.value.code) == (400, "identifiant_invalide")
        assert refused.value.detail.startswith("Identifiant de conversation invalide : 16 à 64 caractères")


@pytest.mark.parametrize(
    "message, status, code",
    [(None, 400, "message_manquant"), (12, 400, "message_manquant"), (" \u200b ", 400, "message_vide")],
)
def test_the_page_words_the_shared_text_refusals_for_the_visitor(message, status, code):
    with pytest.raises(InvalidRequest) as refused:
        validate_chat({"sender": PAGE_SENDER, "message": message}, max_chars=10)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert refused.value.detail.startswith("Le ")


# --- one namespace of conversations per channel; personal data masked before Rasa ---------------------

AGENT = "mattermost:4xp9fdt6bpbmpf8nqd6xkrsbhe:8fm3nh5dbtg5bjkqzhb3t7ahsw"
TRIGGER_HAPPY = "qui l'anime ? rappelez-moi au 06 12 34 56 78"


def test_public_channels_refuse_the_separator_of_the_namespaces():
    assert validate_public_sender("citoyen-42") == "citoyen-42"
    for forged in (AGENT, "osmose:salon:agent", "rest:autre", ":"):
        with pytest.raises(RejectedInput) as refused:
            validate_public_sender(forged)
        assert (refused.value.status, refused.value.code) == (400, "identifiant_invalide")
        assert refused.value.reason == "champ sender : le caractère « : » est réservé aux canaux internes"
        with pytest.raises(RejectedInput, match="champ sender : le caractère « : »"):
            validate_rest_body(json.dumps({"sender": forged, "message": "bonjour"}).encode())


def test_public_channels_drop_the_metadata_reserved_to_the_agents_channel():
    body = {"sender": "citoyen", "message": "bonjour", "metadata": {"agents": {"platform": "mattermost"}, "x": 1}}
    assert validate_rest_body(json.dumps(body).encode()).metadata == {"x": 1}


def test_rate_limit_keys_are_per_channel_and_ipv6_per_64():
    assert limit_keys("REST", AGENT, None)[1] != limit_keys("agents", AGENT, None)[1]
    assert limit_keys("REST", None, "192.0.2.1")[0] != limit_keys("agents", None, "192.0.2.1")[0]
    assert limit_keys("REST", None, "2001:db8:1:2::1")[0] == limit_keys("REST", None, "2001:db8:1:2:ffff::9")[0]
    assert limit_keys("REST", "a", None)[0] is None and limit_keys("REST", None, "192.0.2.1")[1] is None


def test_a_public_channel_never_spends_an_agents_budget():
    """One shared limiter (as in Rasa: shared_limits()), the same id on two channels: two budgets."""
    limits = RateLimits(RateLimitSettings(sender=Rate(1, 1), ip=Rate(0, 1), redis_url=None))
    public, agents = Intake("REST", limits=limits), Intake("agents", limits=limits)

    async def scenario() -> tuple:
        return (await public.process(AGENT, None, answer), await agents.process(AGENT, None, answer))

    assert asyncio.run(scenario()) == (Processed(), Processed())


def test_the_message_rasa_gets_is_masked_and_in_its_channels_namespace():
    public, agents = Intake("REST", namespace="rest"), Intake("agents")
    message = public.user_message(TRIGGER_HAPPY, None, "citoyen", input_channel="rest", metadata={"agents": 1, "x": 2})
    assert message.text == f"qui l'anime ? rappelez-moi au {PHONE_MASK}"
    assert (message.sender_id, message.input_channel, message.metadata) == ("rest:citoyen", "rest", {"x": 2})
    with pytest.raises(RejectedInput):
        public.user_message("bonjour", None, AGENT)
    message = agents.user_message("mon courriel : jean.dupont@example.org …", None, AGENT, metadata={"agents": 1})
    assert (message.text, message.sender_id) == ("mon courriel : <courriel> …", AGENT)  # the rest untouched
    assert message.metadata == {"agents": 1}  # the agents' channel writes it
    assert masked_text("Le 24/11/2020 à 14h30, salle 12") == "Le 24/11/2020 à 14h30, salle 12"


def test_rest_keeps_its_conversations_apart_and_answers_the_clients_own_id():
    seen = []

    async def handle(message) -> None:
        seen.append(message)
        await message.output_channel.send_text_message(message.sender_id, "Bonjour !")

    async def scenario(body: dict) -> tuple:
        reply = await HardenedRestInput(intake()).receive(json.dumps(body).encode(), handle, "192.0.2.1")
        return reply.status, json.loads(reply.body)

    forged = {"sender": AGENT, "message": "bonjour", "metadata": {"agents": {"platform": "mattermost"}}}
    assert asyncio.run(scenario(forged)) == (
        400,
        {"error": "champ sender : le caractère « : » est réservé aux canaux internes"},
    )
    assert seen == []
    status, body = asyncio.run(scenario({**forged, "sender": "citoyen", "message": TRIGGER_HAPPY}))
    assert (status, body) == (200, [{"recipient_id": "citoyen", "text": "Bonjour !"}])
    assert (seen[0].sender_id, seen[0].metadata, seen[0].text) == (
        "rest:citoyen",
        None,
        f"qui l'anime ? rappelez-moi au {PHONE_MASK}",
    )
