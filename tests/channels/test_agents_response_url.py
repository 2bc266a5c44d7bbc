"""Where the agents' channel may post a slow answer, driven in this process against a real local receiver.

Without AGENTS_RESPONSE_URL_HOSTS the channel never defers: it answers within the webhook timeout, or
says in French that the answer is too slow, and posts nothing anywhere (no SSRF through response_url).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from bot.runtime.channels.agents.channel import AgentsInput
from bot.runtime.channels.agents.options import ChannelOptions, response_url_host
from bot.runtime.channels.agents.replies import TOO_SLOW, WAIT_MESSAGE
from tests.channels.local_http import ResponseUrlReceiver
from tests.channels.mattermost import form, mm_id, slash_command, slash_headers
from tests.support.servers import AGENTS_TEST_TOKEN

ANSWER = "Le serious game a lieu le mercredi 25 novembre 2020."
REPLY_TIMEOUT, WEBHOOK_TIMEOUT = 0.2, 1.0


@pytest.fixture(scope="module")
def receiver() -> Iterator[ResponseUrlReceiver]:
    app = ResponseUrlReceiver().start()
    yield app
    app.stop()


def channel(hosts: frozenset = frozenset()) -> AgentsInput:
    options = ChannelOptions(reply_timeout=REPLY_TIMEOUT, webhook_timeout=WEBHOOK_TIMEOUT, response_url_hosts=hosts)
    return AgentsInput(options, (AGENTS_TEST_TOKEN,))


def ask(agents: AgentsInput, response_url: str, delay: float) -> dict:
    """One slash command whose processing takes `delay` s; the HTTP body, once every background task is done."""
    fields = slash_command(
        "quand a lieu le serious game ?", channel_id=mm_id(), user_id=mm_id(), response_url=response_url
    )
    headers = slash_headers()
    request = SimpleNamespace(
        ip="127.0.0.1",
        headers={k.lower(): v for k, v in headers.items()},
        content_type=headers["Content-Type"],
        body=form(fields).encode(),
    )

    async def on_new_message(message) -> None:  # type: ignore[no-untyped-def]
        await asyncio.sleep(delay)
        await message.output_channel.send_text_message(message.sender_id, ANSWER)

    async def main() -> dict:
        reply = await agents._receive(request, on_new_message)  # type: ignore[arg-type]
        while agents._background:  # the turn, and a deferred delivery if one was started
            await asyncio.gather(*list(agents._background), return_exceptions=True)
        assert reply.status == 200
        return json.loads(reply.body)

    return asyncio.run(main())


def test_without_a_host_list_a_slow_answer_is_apologised_for_and_posted_nowhere(receiver):
    before = receiver.pending()
    body = ask(channel(), receiver.hook_url(mm_id()), delay=WEBHOOK_TIMEOUT + 0.5)
    assert body == {"response_type": "ephemeral", "text": TOO_SLOW}
    assert receiver.pending() == before


def test_without_a_host_list_the_answer_waits_for_the_webhook_timeout(receiver):
    before = receiver.pending()
    body = ask(
        channel(), receiver.hook_url(mm_id()), delay=REPLY_TIMEOUT + 0.3
    )  # past reply_timeout, within the webhook's
    assert body["response_type"] == "ephemeral" and "mercredi 25 novembre 2020" in body["text"]
    assert receiver.pending() == before


def test_a_listed_receiver_gets_the_slow_answer(receiver):
    """The control: the same receiver, listed with its exact port, gets it."""
    hook = mm_id()
    body = ask(channel(frozenset({response_url_host(f"127.0.0.1:{receiver.port}")})), receiver.hook_url(hook), 0.5)
    assert body == {"response_type": "ephemeral", "text": WAIT_MESSAGE}
    delivery = receiver.next_delivery(timeout=10)
    assert delivery.path == f"/hooks/commands/{hook}" and "25 novembre" in delivery.body["text"]


def test_the_same_loopback_host_on_another_port_gets_nothing(receiver):
    before = receiver.pending()
    listed = frozenset({response_url_host(f"127.0.0.1:{receiver.port + 1}")})
    body = ask(channel(listed), receiver.hook_url(mm_id()), delay=WEBHOOK_TIMEOUT + 0.5)
    assert body["text"] == TOO_SLOW and receiver.pending() == before
