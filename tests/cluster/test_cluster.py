"""Two Rasa instances behind nginx share one PostgreSQL tracker store and Redis locks: a conversation
continues on whichever instance gets the next message, and concurrent traffic loses or duplicates nothing."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
import requests

from bot.runtime.channels.socket_io import SessionIds
from bot.runtime.model_signing import copy_signature
from bot.tooling.deploy.cluster import Cluster
from bot.tooling.staff.project import StaffError
from bot.tooling.staff.publish import RasaApi
from tests.faults.support import socketio_exchange
from tests.support.servers import API_TOKEN, free_port

REST = "/webhooks/rest/webhook"
# A realistic conversation of ten turns: follow-up questions only make sense with the stored context.
SCRIPT = [
    "bonjour",
    "Parle-moi du serious game",
    "qui l'anime ?",
    "et c'est quand ?",
    "Qui organise le mind mapping ?",
    "et les communs ?",
    "Comment renouveler mon passeport ?",
    "tu es un robot ?",
    "merci",
    "au revoir",
]


def say(url: str, sender: str, text: str) -> str:
    response = requests.post(url + REST, json={"sender": sender, "message": text}, timeout=120)
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return "\n".join(m.get("text", "") for m in response.json())


def stored_events(cluster: Cluster, sender: str, channel: str = "rest") -> list[dict]:
    """The conversation of `sender` on `channel` as committed in PostgreSQL, in insertion order (a public
    channel's conversations are stored in its namespace: `rest:<sender>`, bot/runtime/channels/inputs.py)."""
    sender = f"{channel}:{sender}"
    connection = psycopg2.connect(**cluster.database_connection())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]
    finally:
        connection.close()


def turns(events: list[dict]) -> list[tuple[str, int]]:
    """[(user text, number of bot messages stored after it)]."""
    result: list[tuple[str, int]] = []
    for event in events:
        if event["event"] == "user":
            result.append((event["text"], 0))
        elif event["event"] == "bot" and result:
            result[-1] = (result[-1][0], result[-1][1] + 1)
    return result


def test_a_conversation_continues_when_consecutive_messages_land_on_different_instances(cluster):
    first, second = cluster.rasa_urls
    sender = f"alterne-{uuid.uuid4().hex[:8]}"
    assert "Serious game : mener un entretien difficile" in say(first, sender, "Parle-moi du serious game")
    assert "IRA de Nantes" in say(second, sender, "qui l'anime ?")
    assert "mercredi 25 novembre 2020" in say(first, sender, "et c'est quand ?")
    assert "Région Pays de la Loire" in say(second, sender, "Qui organise le mind mapping ?")
    assert "Conseil départemental de la Loire-Atlantique" in say(first, sender, "et les communs ?")
    assert [text for text, replies in turns(stored_events(cluster, sender)) if replies] == [
        "Parle-moi du serious game",
        "qui l'anime ?",
        "et c'est quand ?",
        "Qui organise le mind mapping ?",
        "et les communs ?",
    ]


def test_concurrent_conversations_through_nginx_lose_and_duplicate_no_event(cluster):
    senders = [f"charge-{index}-{uuid.uuid4().hex[:6]}" for index in range(20)]

    def converse(sender: str) -> None:
        for text in SCRIPT:
            say(cluster.public_url, sender, text)

    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        list(pool.map(converse, senders))  # re-raises the first failed request
    for sender in senders:
        stored = turns(stored_events(cluster, sender))
        assert [text for text, _ in stored] == SCRIPT, sender  # each message once, in order
        assert all(replies >= 1 for _, replies in stored), (sender, stored)  # the bot's reply right after it


def test_socketio_through_nginx_keeps_its_session_on_one_instance(cluster):
    session, issued = f"socket-{uuid.uuid4().hex[:8]}", []
    received = asyncio.run(
        socketio_exchange(
            cluster.public_url,
            [
                ("user_uttered", {"message": "Parle-moi du serious game", "session_id": session}),
            ],
            wait_for=1,
            timeout=60,
            session_id=session,
            issued=issued,  # the server replaces the asked-for session id by one it issued
        )
    )
    assert any("Serious game : mener un entretien difficile" in (m.get("text") or "") for m in received), received
    assert [
        text
        for text, replies in turns(stored_events(cluster, SessionIds.conversation(issued[0]), "socketio"))
        if replies
    ] == ["Parle-moi du serious game"]


def test_only_the_public_channels_and_the_page_are_exposed_by_nginx(cluster):
    assert requests.get(cluster.public_url + "/", timeout=10).status_code == 200  # the citizens' page
    # Rasa's HTTP API (models, trackers) stays on the instances, never on the public entry.
    assert requests.get(cluster.public_url + "/status", timeout=10).status_code == 404


def signed_copy(model: Path, folder: Path) -> Path:
    """The same signed model under another name: /status then tells which file an instance loaded."""
    candidate = folder / "candidat.tar.gz"
    shutil.copyfile(model, candidate)
    copy_signature(model, candidate)
    return candidate


def loaded_models(cluster: Cluster) -> list[str]:
    return [Path(RasaApi(url, API_TOKEN).loaded_model() or "").name for url in cluster.rasa_urls]


def test_publishing_stops_before_loading_anything_when_one_instance_does_not_answer(cluster, tmp_path):
    before = loaded_models(cluster)
    unreachable = f"http://127.0.0.1:{free_port()}"
    api = RasaApi(cluster.rasa_urls[0], API_TOKEN, others=(cluster.rasa_urls[1], unreachable))
    with pytest.raises(StaffError, match=f"le serveur Rasa \\({unreachable}\\) ne répond pas"):
        api.load(signed_copy(cluster.model, tmp_path))
    assert loaded_models(cluster) == before


def test_a_published_model_is_loaded_into_every_instance_listed_in_rasa_urls(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_URLS", ",".join(cluster.rasa_urls))
    monkeypatch.setenv("RASA_API_TOKEN", API_TOKEN)
    RasaApi.from_settings().load(signed_copy(cluster.model, tmp_path))
    assert loaded_models(cluster) == ["candidat.tar.gz", "candidat.tar.gz"]
    assert "Serious game : mener un entretien difficile" in say(
        cluster.public_url, "apres-publication", "Parle-moi du serious game"
    )
