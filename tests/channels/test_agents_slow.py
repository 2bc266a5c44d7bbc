"""A second Rasa server behind a slow action endpoint: wait message, then the answer on response_url.

Its own credentials file (small post size, a bot user id to ignore, short delays), two tokens, and the
only response_url hosts it may post to: the receiver and a redirector (127.0.0.1 with their ports).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from aiohttp import web

from bot.runtime.channels.agents.markdown import CUT_NOTICE
from bot.runtime.channels.agents.replies import TOO_SLOW, WAIT_MESSAGE
from tests.channels.agents_client import post_json, senders, slash
from tests.channels.local_http import BackgroundApp, ResponseUrlReceiver, SlowActionProxy
from tests.channels.mattermost import generic, mm_id, outgoing_webhook, slash_command
from tests.support.servers import AGENTS_TEST_TOKEN, Server, start_rasa_server

SECOND_TOKEN = "xbsecondmattermosttoken002"
BOT_USER_ID = "bot0000000000000000000000a"
REPLY_TIMEOUT = 1.0
SLOW = 3.0  # action delay, above REPLY_TIMEOUT and the webhook timeout
OPTIONS = {
    "slash_response_type": "in_channel",
    "reply_timeout": REPLY_TIMEOUT,
    "webhook_timeout": 2.0,
    "bot_user_ids": [BOT_USER_ID],
    "max_post_chars": 600,
}


class Redirector(BackgroundApp):
    """A listed host that answers every POST with a 307 to `target` (a loopback path outside the list)."""

    def __init__(self, target: str) -> None:
        app = web.Application()
        app.router.add_post("/hooks/commands/{hook_id}", self._redirect)
        super().__init__(app)
        self.target = target
        self.hits = 0

    def hook_url(self, hook_id: str) -> str:
        return f"{self.url}/hooks/commands/{hook_id}"

    async def _redirect(self, request: web.Request) -> web.Response:
        await request.read()
        self.hits += 1
        raise web.HTTPTemporaryRedirect(self.target)


@pytest.fixture(scope="module")
def receiver() -> Iterator[ResponseUrlReceiver]:
    app = ResponseUrlReceiver().start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def outside() -> Iterator[ResponseUrlReceiver]:
    """A loopback server that is not in the list: its counter must stay at 0."""
    app = ResponseUrlReceiver().start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def redirector(outside: ResponseUrlReceiver) -> Iterator[Redirector]:
    app = Redirector(outside.hook_url("interne")).start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def proxy(action_server: Server) -> Iterator[SlowActionProxy]:
    app = SlowActionProxy(action_server.url).start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def slow_rasa(
    trained_model: Path,
    proxy: SlowActionProxy,
    receiver: ResponseUrlReceiver,
    redirector: Redirector,
    server_logs: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("slow-rasa")
    credentials = folder / "credentials.yml"
    credentials.write_text(yaml.safe_dump({"bot.runtime.channels.agents.channel.AgentsInput": OPTIONS}))
    server = start_rasa_server(
        trained_model,
        proxy.url,
        server_logs,
        folder / "tracker.db",
        extra_args=["--credentials", str(credentials)],
        AGENTS_WEBHOOK_TOKENS=f"{AGENTS_TEST_TOKEN}, {SECOND_TOKEN}",
        AGENTS_RESPONSE_URL_HOSTS=f"127.0.0.1:{receiver.port},127.0.0.1:{redirector.port}",
    )
    yield server
    server.stop()


@pytest.fixture
def delay(proxy: SlowActionProxy) -> Iterator[SlowActionProxy]:
    proxy.delay = SLOW
    yield proxy
    proxy.delay = 0.0


def test_slow_answer_goes_to_response_url(slow_rasa, receiver, delay):
    channel, user, hook = mm_id(), mm_id(), mm_id()
    fields = slash_command(
        "quand a lieu le serious game ?", channel_id=channel, user_id=user, response_url=receiver.hook_url(hook)
    )
    reply, latency = slash(slow_rasa, fields)
    sent_at = time.monotonic()
    assert reply.status_code == 200
    assert reply.json() == {"response_type": "ephemeral", "text": WAIT_MESSAGE}  # only the agent sees it
    assert latency < REPLY_TIMEOUT + 0.5
    delivery = receiver.next_delivery(timeout=30)
    assert delivery.path == f"/hooks/commands/{hook}" and delivery.content_type == "application/json"
    assert delivery.body["response_type"] == "in_channel" and "mercredi 25 novembre 2020" in delivery.body["text"]
    assert delivery.received_at - sent_at >= SLOW - REPLY_TIMEOUT - 0.5


def test_slow_generic_answer_is_deferred(slow_rasa, receiver, delay):
    channel, user = mm_id(), mm_id()
    payload = generic(
        "qui organise le serious game ?", channel_id=channel, user_id=user, response_url=receiver.hook_url("osmose")
    )
    body = post_json(slow_rasa, payload).json()
    assert body["deferred"] is True and body["text"] == WAIT_MESSAGE
    later = receiver.next_delivery(timeout=30).body
    assert later["deferred"] is False and later["reply_to"] == payload["message_id"]
    assert "IRA de Nantes" in later["text"]


def test_slow_outgoing_webhook_says_so_before_mattermost_gives_up(slow_rasa, delay):
    started = time.monotonic()
    body = post_json(
        slow_rasa, outgoing_webhook("@evenements quand a lieu le serious game ?", channel_id=mm_id(), user_id=mm_id())
    ).json()
    assert body == {"text": TOO_SLOW, "response_type": "comment"}
    assert time.monotonic() - started < 3


def test_fast_answer_comes_in_the_response_and_nothing_is_posted_later(slow_rasa, receiver):
    fields = slash_command(
        "quand a lieu le serious game ?",
        channel_id=mm_id(),
        user_id=mm_id(),
        response_url=receiver.hook_url(mm_id()),
        token=SECOND_TOKEN,
    )
    reply, _ = slash(slow_rasa, fields)
    assert reply.json()["response_type"] == "in_channel" and "25 novembre" in reply.json()["text"]
    time.sleep(0.5)
    assert receiver.pending() == 0


def test_long_reply_is_cut_on_a_line_boundary(slow_rasa, rasa_server):
    question = "quel est le programme ?"
    full = slash(rasa_server, slash_command(question, channel_id=mm_id(), user_id=mm_id()))[0].json()["text"]
    reply, _ = slash(slow_rasa, slash_command(question, channel_id=mm_id(), user_id=mm_id()))
    text = reply.json()["text"]
    assert len(full) > OPTIONS["max_post_chars"] >= len(text) and text.endswith(CUT_NOTICE)
    kept = text[: -len(CUT_NOTICE)]
    assert kept.startswith("**Programme du Mois de l'innovation publique") and kept.count("\n") >= 3
    assert full.startswith(kept) and full[len(kept)] == "\n"  # whole lines, nothing rewritten


def test_configured_bot_user_is_ignored(slow_rasa):
    channel = mm_id()
    body = post_json(
        slow_rasa, outgoing_webhook("@evenements quel est le programme ?", channel_id=channel, user_id=BOT_USER_ID)
    )
    assert body.status_code == 200 and body.json() == {}
    assert f"mattermost:{channel}:{BOT_USER_ID}" not in senders(slow_rasa)


def test_a_redirect_from_a_listed_host_is_not_followed(slow_rasa, redirector, outside, delay):
    """A 307 from an allowed host must not carry the POST to a loopback path outside the list."""
    fields = slash_command(
        "quand a lieu le serious game ?", channel_id=mm_id(), user_id=mm_id(), response_url=redirector.hook_url(mm_id())
    )
    hits = redirector.hits
    reply, _ = slash(slow_rasa, fields)
    assert reply.json() == {"response_type": "ephemeral", "text": WAIT_MESSAGE}  # the redirector is listed: deferred
    deadline = time.monotonic() + 30
    while redirector.hits == hits and time.monotonic() < deadline:
        time.sleep(0.1)
    assert redirector.hits == hits + 1
    time.sleep(1.5)  # a followed redirect would have reached `outside` by now
    assert outside.pending() == 0
    log = slow_rasa.log_path.read_text(errors="replace")
    assert "redirection (307), non suivie" in log


def test_a_listed_address_on_another_port_or_in_plain_http_elsewhere_gets_nothing(slow_rasa, outside, receiver, delay):
    """Host and port are matched exactly: 127.0.0.1 is listed, but not the port of `outside`."""
    before = receiver.pending()
    for url in (outside.hook_url(mm_id()), f"http://localhost:{receiver.port}/hooks/commands/{mm_id()}"):
        fields = slash_command("quand a lieu le serious game ?", channel_id=mm_id(), user_id=mm_id(), response_url=url)
        reply, latency = slash(slow_rasa, fields)
        assert reply.json()["text"] == TOO_SLOW and latency < OPTIONS["webhook_timeout"] + 1
    time.sleep(SLOW)  # the answers are ready now: none is posted
    assert outside.pending() == 0 and receiver.pending() == before
