"""socket.io session hijack, as confirmed from outside: a second client asking for a victim's session id
must never get the victim's room, hence never its bot replies (real Rasa server, real python-socketio
client, long-polling, allowed Origin). The conversation lives on for its own browser after a reload."""

from __future__ import annotations

import asyncio
import uuid

import requests

from bot.runtime.channels.socket_io import NOT_THIS_SESSION, SessionIds
from bot.web.config import load_web_settings
from tests.security.socketio_client import SocketClient
from tests.support.servers import API_TOKEN, Server

QUESTION = "Parle-moi du serious game"


def user_texts(server: Server, conversation: str) -> list[str]:
    reply = requests.get(
        f"{server.url}/conversations/{conversation}/tracker",
        params={"token": API_TOKEN, "include_events": "ALL"},
        timeout=30,
    )
    reply.raise_for_status()
    return [e.get("text") for e in reply.json()["events"] if e.get("event") == "user"]


def test_a_second_client_never_gets_the_victims_room_or_replies(rasa_server: Server) -> None:
    origin = load_web_settings().origins[0]  # an allowed Origin: what a page in a browser sends
    chosen = f"victime-{uuid.uuid4().hex[:12]}"

    async def scenario() -> dict:
        async with SocketClient(rasa_server.url, origin) as victim, SocketClient(rasa_server.url, origin) as attacker:
            session = await victim.session(chosen)
            tampered = session[:-1] + ("0" if session[-1] != "0" else "1")
            attempts = [await attacker.session(asked) for asked in (chosen, session.split(".")[0], tampered)]
            await victim.say(QUESTION, session)
            victim_texts = await victim.texts(1)
            await asyncio.sleep(2)  # the room's replies would reach every socket in it by now
            stolen = list(attacker.replies)
            await attacker.say("qui l'anime ?", session)  # writing into the victim's conversation
            refused = await attacker.texts(1, timeout=10)
            await asyncio.sleep(2)
            return {
                "session": session,
                "attempts": attempts,
                "victim": victim_texts,
                "victim_after": len(victim.replies),
                "stolen": stolen,
                "refused": refused,
            }

    seen = asyncio.run(scenario())
    session = seen["session"]
    assert session != chosen and SessionIds.conversation(session) not in chosen  # issued by the server
    assert session not in seen["attempts"], seen["attempts"]  # the attacker got fresh sessions instead
    assert any("Serious game" in text for text in seen["victim"]), seen["victim"]
    assert seen["stolen"] == [], seen["stolen"]
    assert seen["refused"] == [NOT_THIS_SESSION]
    assert seen["victim_after"] == len(seen["victim"])  # no reply to the attacker's words in the victim's room
    assert user_texts(rasa_server, f"socketio:{SessionIds.conversation(session)}") == [QUESTION]


SERIOUS_GAME = "Serious game : mener un entretien difficile et retour d'expérience"


def test_the_owner_comes_back_to_its_conversation_after_a_reload(rasa_server: Server) -> None:
    async def scenario() -> tuple:
        async with SocketClient(rasa_server.url) as first:
            session = await first.session()
            await first.say(QUESTION, session)
            await first.texts(1)
            await asyncio.sleep(1)
            # The answer about one event also brings its calendar link, as Rasa's `custom` message.
            assert {"custom": {"calendar": {"event": "serious-game", "title": SERIOUS_GAME}}} in first.replies
        async with SocketClient(rasa_server.url) as reloaded:
            again = await reloaded.session(session)
            await reloaded.say("qui l'anime ?", again)
            return session, again, await reloaded.texts(1)

    session, again, texts = asyncio.run(scenario())
    assert again == session
    assert any("IRA de Nantes" in text for text in texts), texts  # the context of the first socket
