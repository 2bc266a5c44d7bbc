"""Parsing and validation of the three request kinds (no Rasa)."""

from __future__ import annotations

import json

import pytest

from bot.runtime.channels.agents.payloads import (
    GENERIC,
    MAX_BODY_BYTES,
    OUTGOING_WEBHOOK,
    SLASH_COMMAND,
    PayloadError,
    decode_body,
    header_token,
    parse_request,
    strip_trigger,
    token_of,
)
from tests.channels.mattermost import form, generic, mm_id, outgoing_webhook, slash_command

CHANNEL, USER = mm_id(), mm_id()
JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def parsed(content_type: str, body: str):
    return parse_request(decode_body(content_type, body.encode()))


def test_outgoing_webhook_json_strips_the_trigger_word():
    payload = outgoing_webhook("@evenements quand a lieu le serious game ?", channel_id=CHANNEL, user_id=USER)
    request = parsed(JSON, json.dumps(payload))
    assert request.kind == OUTGOING_WEBHOOK
    assert request.question == "quand a lieu le serious game ?"
    assert request.post_id == payload["post_id"] and request.trigger == "@evenements"
    assert request.sender_id == f"mattermost:{CHANNEL}:{USER}"
    assert request.response_url is None


def test_outgoing_webhook_form_with_bare_trigger_word_and_colon():
    payload = outgoing_webhook(
        "Evenements : qui organise l'atelier sur les communs ?",
        channel_id=CHANNEL,
        user_id=USER,
        trigger_word="evenements",
    )
    request = parsed(FORM + "; charset=utf-8", form(payload))
    assert request.kind == OUTGOING_WEBHOOK and request.question == "qui organise l'atelier sur les communs ?"


def test_slash_command_form():
    fields = slash_command(
        "quand a lieu le serious game ?",
        channel_id=CHANNEL,
        user_id=USER,
        response_url="https://chat.example.gouv.fr/hooks/commands/abc",
    )
    request = parsed(FORM, form(fields))
    assert request.kind == SLASH_COMMAND and request.trigger == "/evenements"
    assert request.question == "quand a lieu le serious game ?"
    assert request.response_url == "https://chat.example.gouv.fr/hooks/commands/abc"


def test_slash_command_without_usable_response_url_is_still_served():
    # Old Mattermost servers sent "not supported yet" in response_url.
    request = parsed(FORM, form(slash_command("", channel_id=CHANNEL, user_id=USER, response_url="not supported yet")))
    assert request.response_url is None and request.question == ""


@pytest.mark.parametrize(
    "url", ["https://[::1", "https://[::1/hooks/commands/abc", "https://chat.example.gouv.fr:99999/x", "http://h:abc/"]
)
def test_an_unreadable_response_url_is_a_400_in_french(url):
    with pytest.raises(PayloadError, match="champ response_url invalide") as refused:
        parse_request(slash_command("bonjour", channel_id=CHANNEL, user_id=USER, response_url=url))
    assert refused.value.status == 400
    with pytest.raises(PayloadError, match="champ response_url invalide"):
        parse_request(generic("bonjour", channel_id=CHANNEL, user_id=USER, response_url=url))


def test_generic_json():
    request = parsed(
        JSON, json.dumps(generic("quand a lieu le serious game ?", channel_id="salon-42", user_id="agent.7"))
    )
    assert request.kind == GENERIC and request.sender_id == "osmose:salon-42:agent.7"


@pytest.mark.parametrize("flag", [{"from_webhook": "true"}, {"from_bot": True}, {"from_bot": "1"}])
def test_bot_flags(flag):
    payload = outgoing_webhook("@evenements bonjour", channel_id=CHANNEL, user_id=USER, **flag)
    assert parsed(JSON, json.dumps(payload)).from_bot


def test_tokens_from_body_and_header():
    assert token_of({"token": "abc"}) == "abc"
    assert token_of({"token": 12}) is None and token_of({}) is None
    assert header_token("Token xr3j5x3p4pfk7kk6ck7b4e6ghh") == "xr3j5x3p4pfk7kk6ck7b4e6ghh"
    assert header_token("Bearer abc") is None and header_token(None) is None and header_token("Token ") is None


@pytest.mark.parametrize(
    "content_type, body, reason",
    [
        (JSON, "{not json", "JSON invalide"),
        (JSON, "[1, 2]", "objet JSON attendu"),
        ("text/plain", "hello", "Content-Type"),
        (None, "{}", "Content-Type"),
        (FORM, "a=1&&=&b", "formulaire invalide"),
    ],
)
def test_undecodable_bodies(content_type, body, reason):
    with pytest.raises(PayloadError, match=reason):
        decode_body(content_type, body.encode())


def test_oversized_and_non_utf8_bodies():
    with pytest.raises(PayloadError, match="volumineux"):
        decode_body(JSON, b" " * (MAX_BODY_BYTES + 1))
    with pytest.raises(PayloadError, match="UTF-8"):
        decode_body(JSON, '{"text": "é"}'.encode("latin-1"))


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"channel_id": None}, "channel_id manquant"),
        ({"user_id": ""}, "user_id vide"),
        ({"user_id": "a:b"}, "user_id invalide"),
        ({"text": None}, "text manquant"),
        ({"text": ["liste"]}, "text : texte attendu"),
        ({"text": "@evenements " + "x" * 2100}, "trop long"),
    ],
)
def test_invalid_outgoing_webhook_fields(change, reason):
    payload = outgoing_webhook("@evenements bonjour", channel_id=CHANNEL, user_id=USER)
    for key, value in change.items():
        if value is None:
            del payload[key]
        else:
            payload[key] = value
    with pytest.raises(PayloadError, match=reason):
        parse_request(payload)


def test_unknown_kind_and_bad_command():
    with pytest.raises(PayloadError, match="type de requête inconnu"):
        parse_request({"token": "x", "channel_id": CHANNEL, "user_id": USER, "text": "bonjour"})
    with pytest.raises(PayloadError, match="command invalide"):
        parse_request(slash_command("x", channel_id=CHANNEL, user_id=USER, command="evenements"))
    with pytest.raises(PayloadError, match="platform invalide"):
        parse_request(generic("x", channel_id=CHANNEL, user_id=USER, platform="Osmose:1"))


@pytest.mark.parametrize(
    "text, trigger, question",
    [
        ("@evenements quand ?", "@evenements", "quand ?"),
        ("@Evenements, quand ?", "@evenements", "quand ?"),
        ("quand ?", "", "quand ?"),
        ("@evenements", "@evenements", ""),
    ],
)
def test_strip_trigger(text, trigger, question):
    assert strip_trigger(text, trigger) == question


def test_metadata_holds_no_token_nor_user_name():
    request = parse_request(outgoing_webhook("@evenements bonjour", channel_id=CHANNEL, user_id=USER))
    flat = json.dumps(request.metadata())
    assert "token" not in flat and "camille" not in flat and CHANNEL in flat
