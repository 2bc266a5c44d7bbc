"""Each channel has its own conversations (real Rasa server): a REST client cannot name an agent's
conversation (Mattermost ids are visible to the whole team), forge the agents' metadata, or share a
conversation with another channel; and the NLU never sees the personal data the store masks."""

from __future__ import annotations

import json
import uuid

import requests

from tests.channels.mattermost import generic, mm_id
from tests.faults.support import AGENTS, REST, api_events, rest, stored_events, texts, user_texts
from tests.support.servers import Server

SEPARATOR_REFUSED = "champ sender : le caractère « : » est réservé aux canaux internes"
PHONE = "06 12 34 56 78"


def test_a_citizen_cannot_write_into_an_agents_conversation(rasa_server: Server) -> None:
    channel, user = mm_id(), mm_id()
    agent = requests.post(
        rasa_server.url + AGENTS,
        json=generic("Parle-moi du serious game", channel_id=channel, user_id=user),
        timeout=30,
    )
    assert agent.status_code == 200 and "Serious game" in agent.json()["text"], agent.text
    conversation = f"osmose:{channel}:{user}"
    forged_agents = {"agents": {"platform": "mattermost", "channel_id": channel, "kind": "outgoing_webhook"}}
    for sender in (conversation, f"mattermost:{channel}:{user}", f"rest:{uuid.uuid4().hex}"):
        reply = rest(rasa_server, sender, "qui l'anime ?", metadata=forged_agents)
        assert (reply.status_code, reply.json()) == (400, {"error": SEPARATOR_REFUSED}), reply.text
    assert user_texts(api_events(rasa_server, conversation)) == ["Parle-moi du serious game"]


def test_rest_conversations_are_in_their_own_namespace_without_forged_metadata(rasa_server: Server) -> None:
    sender = f"citoyen-{uuid.uuid4().hex[:10]}"
    metadata = {"agents": {"platform": "mattermost", "channel_id": mm_id()}, "page": "accueil"}
    reply = rest(rasa_server, sender, "Parle-moi du serious game", metadata=metadata)
    assert reply.status_code == 200 and "Serious game" in texts(reply), reply.text
    assert all(m["recipient_id"] == sender for m in reply.json())  # the client's own id, as before
    events = api_events(rasa_server, f"rest:{sender}")
    assert user_texts(events) == ["Parle-moi du serious game"]
    stored = [e for e in events if e.get("event") == "user"][0]
    assert stored["input_channel"] == "rest" and stored["metadata"]["page"] == "accueil"
    assert "agents" not in stored["metadata"]  # the agents' channel's key, forged: dropped
    assert user_texts(api_events(rasa_server, sender)) == []  # the bare id is nobody's conversation


def test_the_nlu_never_sees_the_phone_number_it_might_take_for_a_date(rasa_server: Server) -> None:
    sender = f"pii-{uuid.uuid4().hex[:10]}"
    assert "Serious game" in texts(rest(rasa_server, sender, "Parle-moi du serious game"))
    reply = rest(rasa_server, sender, f"qui l'anime ? rappelez-moi au {PHONE}")
    assert reply.status_code == 200 and "IRA de Nantes" in texts(reply), texts(reply)  # the organiser
    events = stored_events(rasa_server.env["TRACKER_DB"], f"rest:{sender}")
    assert user_texts(events)[-1] == "qui l'anime ? rappelez-moi au <téléphone>"
    last = [e for e in events if e["event"] == "user"][-1]
    assert last["parse_data"]["text"] == "qui l'anime ? rappelez-moi au <téléphone>"
    assert not any(e.get("value") == "06" for e in last["parse_data"]["entities"])  # no date read in the number
    assert "12 34 56" not in json.dumps(events, ensure_ascii=False)
    assert requests.post(rasa_server.url + REST, json={"sender": sender, "message": "merci"}, timeout=30).ok
