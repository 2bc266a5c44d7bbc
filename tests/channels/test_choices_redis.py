"""Numbered choices in a cluster: the list offered by one Rasa instance is resolved by another."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from bot.runtime.channels.agents.choices import HELP_PAYLOAD, PendingChoices, RedisPendingChoices, pending_choices
from bot.runtime.channels.agents.markdown import Choice
from tests.support.redis_server import RedisServer, needs_redis, start_redis

pytestmark = needs_redis
OFFER = [
    Choice("Serious game", '/ask_event_date{"event": "serious-game"}'),
    Choice("Vu d'ailleurs", '/ask_event_date{"event": "vu-d-ailleurs"}'),
]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    yield server
    server.stop()


def test_a_list_offered_by_one_instance_is_resolved_by_another(redis_server: RedisServer) -> None:
    instance_a, instance_b = (
        pending_choices({"REDIS_URL": redis_server.url}),
        pending_choices({"REDIS_URL": redis_server.url}),
    )
    assert isinstance(instance_a, RedisPendingChoices)
    instance_a.remember("mattermost:canal:agent", OFFER)
    assert instance_b.resolve("mattermost:canal:agent", "2") == OFFER[1].payload
    assert instance_b.resolve("mattermost:canal:autre-agent", "2") == "2"  # someone else's list is not theirs
    assert instance_b.resolve("mattermost:canal:agent", "  ") == HELP_PAYLOAD


def test_a_reply_without_buttons_forgets_the_list_everywhere(redis_server: RedisServer) -> None:
    instance_a, instance_b = (
        pending_choices({"REDIS_URL": redis_server.url}),
        pending_choices({"REDIS_URL": redis_server.url}),
    )
    instance_a.remember("agent-2", OFFER)
    instance_b.remember("agent-2", [])
    assert instance_a.resolve("agent-2", "1") == "1"


def test_choices_expire_in_redis(redis_server: RedisServer) -> None:
    import redis

    store = RedisPendingChoices(redis.Redis.from_url(redis_server.url), ttl_seconds=1)
    store.remember("agent-3", OFFER)
    assert store.resolve("agent-3", "1") == OFFER[0].payload
    time.sleep(2.1)
    assert store.resolve("agent-3", "1") == "1"


def test_redis_down_passes_the_number_on_instead_of_failing() -> None:
    import redis

    from tests.support.servers import free_port

    store = RedisPendingChoices(redis.Redis(port=free_port(), socket_timeout=0.5, socket_connect_timeout=0.5))
    store.remember("agent-4", OFFER)  # logged, not raised
    assert store.resolve("agent-4", "1") == "1"


def test_without_redis_url_choices_stay_in_memory() -> None:
    assert isinstance(pending_choices({}), PendingChoices)
