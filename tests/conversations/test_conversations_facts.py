"""Hand-written conversations (conversations.yml), each played by one user over the REST channel.

Every turn is checked: the reply must contain each `expect` substring and none of the `forbid`
ones (nor the fallback's apology). A conversation goes on after a failing turn, so that the
failure message lists every failing turn with its question and the bot's reply.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from tests.facts.checks import exact
from tests.support.servers import ask, texts

CONVERSATIONS_FILE = Path(__file__).with_name("conversations.yml")
CONVERSATIONS = yaml.safe_load(CONVERSATIONS_FILE.read_text(encoding="utf-8"))["conversations"]
ALWAYS_FORBIDDEN = ("Désolé, je n'ai pas compris",)


def test_the_conversations_are_well_formed():
    names = [c["name"] for c in CONVERSATIONS]
    assert len(CONVERSATIONS) >= 32
    assert len(names) == len(set(names)), "noms de conversation en double"
    for conversation in CONVERSATIONS:
        assert conversation["who"] in ("citoyen", "agent"), conversation["name"]
        assert 2 <= len(conversation["turns"]) <= 5, conversation["name"]
        for turn in conversation["turns"]:
            assert set(turn) <= {"user", "expect", "forbid"}, (conversation["name"], turn)
            assert turn["user"].strip() and turn["expect"], (conversation["name"], turn)
            assert all(isinstance(s, str) and s for s in (*turn["expect"], *turn.get("forbid", []))), turn


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_conversation(rasa_server, conversation):
    sender = f"{conversation['who']}-{uuid.uuid4().hex[:10]}"
    failures = []
    for number, turn in enumerate(conversation["turns"], start=1):
        reply = texts(ask(rasa_server, sender, turn["user"]))
        missing = [s for s in turn["expect"] if not exact(s, reply)]
        present = [s for s in (*turn.get("forbid", []), *ALWAYS_FORBIDDEN) if exact(s, reply)]
        if missing or present:
            failures.append(
                f"  tour {number} : {turn['user']!r}\n"
                f"    manque   : {missing!r}\n"
                f"    interdit : {present!r}\n"
                f"    réponse  : {reply!r}"
            )
    assert not failures, f"conversation {conversation['name']!r} :\n" + "\n".join(failures)
