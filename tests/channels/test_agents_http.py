"""The agents' channel over real HTTP on the running Rasa server (credentials.yml, test token)."""

from __future__ import annotations

import json
import statistics

import pytest
import requests

from tests.channels.agents_client import PATH, numbered, post_form, post_json, senders, slash
from tests.channels.mattermost import COMMAND, generic, mm_id, outgoing_webhook, slash_command, slash_headers
from tests.support.servers import AGENTS_TEST_TOKEN

SERIOUS_GAME_DATE = "mercredi 25 novembre 2020"


@pytest.fixture
def place():
    """A fresh (channel, user): each test has its own conversations."""
    return mm_id(), mm_id()


def test_outgoing_webhook_json_answers_in_the_thread(rasa_server, place):
    channel, user = place
    payload = outgoing_webhook("@evenements quand a lieu le serious game ?", channel_id=channel, user_id=user)
    reply = post_json(rasa_server, payload)
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    assert body["response_type"] == "comment"  # Mattermost threads it under the question
    assert SERIOUS_GAME_DATE in body["text"]
    assert f"mattermost:{channel}:{user}" in senders(rasa_server)


def test_outgoing_webhook_form_encoded(rasa_server, place):
    channel, user = place
    payload = outgoing_webhook(
        "evenements qui organise le serious game ?", channel_id=channel, user_id=user, trigger_word="evenements"
    )
    reply = post_form(rasa_server, payload)
    assert reply.status_code == 200
    body = reply.json()
    assert body["response_type"] == "comment"
    assert "SGAR Pays de la Loire" in body["text"] and "IRA de Nantes" in body["text"]


def test_slash_command_answers_ephemerally_within_mattermost_delay(rasa_server, place):
    channel, user = place
    reply, latency = slash(
        rasa_server, slash_command("quand a lieu le serious game ?", channel_id=channel, user_id=user)
    )
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    assert body["response_type"] == "ephemeral" and SERIOUS_GAME_DATE in body["text"]
    assert latency < 3


def test_commons_workshop_organiser(rasa_server, place):
    channel, user = place
    reply, _ = slash(
        rasa_server, slash_command("qui organise l'atelier sur les communs ?", channel_id=channel, user_id=user)
    )
    text = reply.json()["text"]
    assert "Tout comprendre sur les communs" in text and "Conseil départemental de la Loire-Atlantique" in text
    # The citizens' page serves the event's calendar file (WEB_PUBLIC_URL, here `make run`'s page).
    assert text.endswith("[Ajouter à mon agenda](http://localhost:8080/evenements/communs.ics)"), text


def test_ambiguous_question_gets_a_numbered_list_answered_by_number(rasa_server, place):
    channel, user = place
    reply, _ = slash(rasa_server, slash_command("quand a lieu l'atelier du SGAR ?", channel_id=channel, user_id=user))
    text = reply.json()["text"]
    choices = numbered(text)
    assert sorted(choices) == [1, 2, 3, 4], text
    assert "**Plusieurs événements correspondent :**" in text
    assert f"`{COMMAND} 1`" in text  # how to answer, shown as code
    reply, _ = slash(rasa_server, slash_command("2", channel_id=channel, user_id=user))
    answer = reply.json()["text"]
    assert choices[2] in answer and "a lieu le" in answer and not numbered(answer)
    # The list is used up: "2" now is just a word again, not a hidden choice.
    reply, _ = slash(rasa_server, slash_command("2", channel_id=channel, user_id=user))
    assert choices[2] + " a lieu" not in reply.json()["text"]


def test_context_is_per_channel(rasa_server):
    user, channel_a, channel_b = mm_id(), mm_id(), mm_id()
    slash(rasa_server, slash_command("quand a lieu le serious game ?", channel_id=channel_a, user_id=user))
    same_channel = slash(rasa_server, slash_command("qui l'organise ?", channel_id=channel_a, user_id=user))[0].json()[
        "text"
    ]
    assert "SGAR Pays de la Loire" in same_channel and "IRA de Nantes" in same_channel
    other_channel = slash(rasa_server, slash_command("qui l'organise ?", channel_id=channel_b, user_id=user))[0].json()[
        "text"
    ]
    assert "IRA de Nantes" not in other_channel and "De quel événement parlez-vous" in other_channel
    assert {f"mattermost:{channel_a}:{user}", f"mattermost:{channel_b}:{user}"} <= senders(rasa_server)


def test_empty_slash_command_gives_help(rasa_server, place):
    channel, user = place
    reply, _ = slash(rasa_server, slash_command("", channel_id=channel, user_id=user))
    assert reply.status_code == 200 and "Je peux vous renseigner" in reply.json()["text"]


def test_generic_json_webhook(rasa_server, place):
    channel, user = place
    payload = generic("quand a lieu le serious game ?", channel_id=channel, user_id=user)
    body = post_json(rasa_server, payload).json()
    assert SERIOUS_GAME_DATE in body["text"] and body["messages"] and body["deferred"] is False
    assert body["reply_to"] == payload["message_id"] and body["choices"] == []
    assert f"osmose:{channel}:{user}" in senders(rasa_server)


@pytest.mark.parametrize("case", ["missing", "wrong", "wrong header", "other kind of header"])
def test_bad_tokens_get_401_and_reach_no_conversation(rasa_server, place, case):
    channel, user = place
    fields = slash_command("quand a lieu le serious game ?", channel_id=channel, user_id=user)
    headers = slash_headers()
    if case == "missing":
        del fields["token"]
        del headers["Authorization"]
    elif case == "wrong":
        fields["token"] = "x" * 26
        headers["Authorization"] = "Token " + "x" * 26
    elif case == "wrong header":
        headers["Authorization"] = "Token " + "x" * 26
    else:
        del fields["token"]
        headers["Authorization"] = f"Bearer {AGENTS_TEST_TOKEN}"  # Mattermost's scheme is "Token"
    before = senders(rasa_server)
    reply = post_form(rasa_server, fields, headers)
    assert reply.status_code == 401 and reply.json() == {"error": "jeton absent ou invalide"}
    assert senders(rasa_server) == before


def test_bad_token_on_outgoing_webhook_and_generic(rasa_server, place):
    channel, user = place
    before = senders(rasa_server)
    assert (
        post_json(
            rasa_server, outgoing_webhook("@evenements bonjour", channel_id=channel, user_id=user, token="nope")
        ).status_code
        == 401
    )
    assert post_json(rasa_server, generic("bonjour", channel_id=channel, user_id=user, token="")).status_code == 401
    assert senders(rasa_server) == before


@pytest.mark.parametrize(
    "body, content_type, reason",
    [
        (b"{pas du json", "application/json", "JSON invalide"),
        (b"<xml/>", "text/xml", "Content-Type"),
        (
            json.dumps({"token": AGENTS_TEST_TOKEN, "text": "bonjour"}).encode(),
            "application/json",
            "type de requête inconnu",
        ),
    ],
)
def test_malformed_payloads_get_400_with_a_reason(rasa_server, body, content_type, reason):
    reply = requests.post(rasa_server.url + PATH, data=body, headers={"Content-Type": content_type}, timeout=10)
    assert reply.status_code == 400 and reason in reply.json()["error"]


def test_missing_field_gets_400(rasa_server, place):
    channel, user = place
    payload = outgoing_webhook("@evenements bonjour", channel_id=channel, user_id=user)
    del payload["channel_id"]
    before = senders(rasa_server)
    reply = post_json(rasa_server, payload)
    assert reply.status_code == 400 and reply.json() == {"error": "champ channel_id manquant"}
    assert senders(rasa_server) == before


@pytest.mark.parametrize("url", ["https://[::1", "https://chat.example.gouv.fr:99999/hooks/commands/x"])
def test_an_unreadable_response_url_is_a_400_not_a_500(rasa_server, place, url):
    channel, user = place
    before = senders(rasa_server)
    fields = slash_command("quand a lieu le serious game ?", channel_id=channel, user_id=user, response_url=url)
    reply = post_form(rasa_server, fields, slash_headers())
    assert reply.status_code == 400 and reply.json() == {"error": "champ response_url invalide (adresse illisible)"}
    generic_reply = post_json(rasa_server, generic("bonjour", channel_id=channel, user_id=user, response_url=url))
    assert generic_reply.status_code == 400 and "response_url invalide" in generic_reply.json()["error"]
    assert senders(rasa_server) == before


def test_posts_from_webhooks_are_ignored(rasa_server, place):
    channel, user = place
    payload = outgoing_webhook(
        "@evenements quand a lieu le serious game ?", channel_id=channel, user_id=user, from_webhook="true"
    )
    reply = post_json(rasa_server, payload)
    assert reply.status_code == 200 and reply.json() == {}
    assert f"mattermost:{channel}:{user}" not in senders(rasa_server)


def test_latency_of_slash_commands(rasa_server):
    """Ten questions in one conversation: every reply well inside Mattermost's 3 s."""
    channel, user = mm_id(), mm_id()
    questions = [
        "quand a lieu le serious game ?",
        "qui organise l'atelier sur les communs ?",
        "quel est le programme ?",
        "qu'y a-t-il le 26 novembre ?",
        "qui l'organise ?",
    ] * 2
    latencies = []
    for question in questions:
        reply, latency = slash(rasa_server, slash_command(question, channel_id=channel, user_id=user))
        assert reply.status_code == 200 and "Je cherche la réponse" not in reply.json()["text"]
        latencies.append(latency)
    print(
        f"\nLatence commande slash : médiane {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    assert max(latencies) < 2.5
