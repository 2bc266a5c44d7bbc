"""Per-sender and per-address rate limits: 429 with Retry-After and a French reason on the real server
(limits shared through a real redis-server), the client address believed from trusted proxies only, and
the Redis backend itself: one budget for several limiters, never a refusal or a 500 because Redis fails."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import signal
import uuid

import pytest
import redis
import requests

from bot.runtime.channels.client_ip import client_ip, limit_address, parse_networks
from bot.runtime.channels.ratelimit import (
    TOO_MANY_FROM_ADDRESS,
    MemoryBackend,
    Rate,
    RateLimits,
    RateLimitSettings,
    RedisBackend,
)
from bot.runtime.channels.texts import TOO_MANY
from tests.channels.mattermost import generic, mm_id
from tests.faults.support import AGENTS, REST, socketio_exchange
from tests.security.conftest import GUARDED_LIMITS
from tests.support.redis_server import start_redis
from tests.support.servers import free_port

IP_BURST = int(GUARDED_LIMITS["RATE_LIMIT_IP_BURST"])
SENDER_BURST = int(GUARDED_LIMITS["RATE_LIMIT_SENDER_BURST"])


def new_sender() -> str:
    return f"debit-{uuid.uuid4().hex[:10]}"


def rest_from(server, visitor: str, sender: str | None = None) -> requests.Response:
    """A REST message from `visitor`, as nginx or the page (on loopback, trusted) forwards it."""
    return requests.post(
        server.url + REST,
        json={"sender": sender or new_sender(), "message": "bonjour"},
        headers={"X-Forwarded-For": visitor},
        timeout=30,
    )


def assert_429(reply, reason: str) -> None:
    assert reply.status_code == 429, (reply.status_code, reply.text[:200])
    assert reply.json()["error"] == reason
    assert 1 <= int(reply.headers["Retry-After"]) <= 10


# --- on the real server ------------------------------------------------------------------------------


def test_per_address_limit_on_rest(guarded_rasa):
    statuses = [rest_from(guarded_rasa, "198.51.100.1").status_code for _ in range(IP_BURST)]
    assert statuses == [200] * IP_BURST
    assert_429(rest_from(guarded_rasa, "198.51.100.1"), TOO_MANY_FROM_ADDRESS)
    assert rest_from(guarded_rasa, "198.51.100.2").status_code == 200  # another visitor has its own budget


def test_rotating_ipv6_addresses_of_one_64_share_one_budget(guarded_rasa):
    """A client picks any address of its /64 at will: rotating them buys no fresh budget."""
    rotating = [f"2001:db8:42:7:{uuid.uuid4().hex[:4]}:{i:x}::{i + 1:x}" for i in range(IP_BURST + 1)]
    statuses = [rest_from(guarded_rasa, address).status_code for address in rotating]
    assert statuses[:IP_BURST] == [200] * IP_BURST
    assert_429(rest_from(guarded_rasa, "2001:db8:42:7::abcd"), TOO_MANY_FROM_ADDRESS)
    assert rest_from(guarded_rasa, "2001:db8:42:8::1").status_code == 200  # the next /64: another subscriber
    assert rest_from(guarded_rasa, "::ffff:198.51.100.90").status_code == 200  # an IPv4 client, as IPv4


def test_a_public_client_cannot_lock_an_agent_out(guarded_rasa):
    """Mattermost ids are visible to the whole team: REST refuses them (400) before spending any budget."""
    channel, user = mm_id(), mm_id()
    for i in range(SENDER_BURST + 2):
        reply = rest_from(guarded_rasa, f"198.51.100.{120 + i}", f"osmose:{channel}:{user}")
        assert reply.status_code == 400, reply.text
        assert reply.json() == {"error": "champ sender : le caractère « : » est réservé aux canaux internes"}
    agent = requests.post(
        guarded_rasa.url + AGENTS,
        json=generic("bonjour", channel_id=channel, user_id=user),
        headers={"X-Forwarded-For": "198.51.100.119"},
        timeout=30,
    )
    assert agent.status_code == 200 and agent.json().get("text"), agent.text


def test_per_sender_limit_on_rest(guarded_rasa):
    sender = new_sender()
    # A different address each time: only the sender's budget runs out.
    statuses = [rest_from(guarded_rasa, f"198.51.100.{10 + i}", sender).status_code for i in range(SENDER_BURST)]
    assert statuses == [200] * SENDER_BURST
    assert_429(rest_from(guarded_rasa, "198.51.100.20", sender), TOO_MANY)


def test_forwarded_for_from_an_untrusted_peer_is_ignored(guarded_rasa):
    """From 127.0.0.2 (not in TRUSTED_PROXIES), X-Forwarded-For cannot buy a fresh budget per request."""
    host, port = guarded_rasa.url.split("//")[1].split(":")
    statuses = []
    for i in range(IP_BURST + 1):
        connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=("127.0.0.2", 0))
        body = json.dumps({"sender": new_sender(), "message": "bonjour"})
        connection.request(
            "POST", REST, body, {"Content-Type": "application/json", "X-Forwarded-For": f"203.0.113.{i}"}
        )
        reply = connection.getresponse()
        statuses.append((reply.status, json.loads(reply.read() or b"null")))
        connection.close()
    assert [s for s, _ in statuses[:IP_BURST]] == [200] * IP_BURST
    assert statuses[-1] == (429, {"error": TOO_MANY_FROM_ADDRESS})


def test_per_address_limit_on_the_agents_channel_before_the_token(guarded_rasa):
    """Token guessing is bounded too: refused requests spend the address' budget."""
    visitor = {"X-Forwarded-For": "198.51.100.30"}
    wrong = [
        requests.post(
            guarded_rasa.url + AGENTS,
            json=generic("bonjour", channel_id=mm_id(), user_id=mm_id(), token="x" * 26),
            headers=visitor,
            timeout=30,
        ).status_code
        for _ in range(IP_BURST)
    ]
    assert wrong == [401] * IP_BURST
    reply = requests.post(
        guarded_rasa.url + AGENTS,
        json=generic("bonjour", channel_id=mm_id(), user_id=mm_id()),
        headers=visitor,
        timeout=30,
    )
    assert_429(reply, TOO_MANY_FROM_ADDRESS)


def test_per_sender_limit_on_socketio(guarded_rasa):
    session = new_sender()  # asked for, replaced by a server-issued one (socketio_exchange sends that one)
    events = [("user_uttered", {"message": f"bonjour {i}", "session_id": session}) for i in range(SENDER_BURST + 2)]
    received = asyncio.run(socketio_exchange(guarded_rasa.url, events, settle=3, timeout=60, session_id=session))
    assert sum(1 for m in received if m.get("text") == TOO_MANY) >= 1, received


def test_the_page_passes_the_visitor_address_and_the_429_on(web_page):
    headers = {"Origin": web_page.url, "X-Forwarded-For": "192.0.2.41"}

    def chat(extra: dict) -> requests.Response:
        return requests.post(
            web_page.url + "/api/chat",
            json={"sender": uuid.uuid4().hex, "message": "bonjour"},
            headers={**headers, **extra},
            timeout=30,
        )

    assert [chat({}).status_code for _ in range(IP_BURST)] == [200] * IP_BURST
    refused = chat({})
    assert refused.status_code == 429 and refused.json() == {
        "error": "trop_de_messages",
        "detail": TOO_MANY_FROM_ADDRESS,
    }
    assert int(refused.headers["Retry-After"]) >= 1
    assert chat({"X-Forwarded-For": "192.0.2.42"}).status_code == 200  # another visitor of the page


def test_redis_holds_hashed_keys_only(guarded_rasa, redis_server):
    rest_from(guarded_rasa, "198.51.100.77", "expediteur-reconnaissable")
    keys = [k.decode() for k in redis.Redis(port=redis_server.port).keys("mois:limite:*")]
    assert any(k.startswith("mois:limite:ip:") for k in keys) and any(k.startswith("mois:limite:sender:") for k in keys)
    assert not any("198.51.100" in k or "reconnaissable" in k for k in keys)


# --- the Redis backend against a real redis-server ---------------------------------------------------------


def test_two_limiters_on_one_redis_share_one_budget(redis_server):
    settings = RateLimitSettings(sender=Rate(6, 4), ip=Rate(0, 1), redis_url=redis_server.url)

    async def scenario() -> list[bool]:
        first, second = RateLimits(settings), RateLimits(settings)  # two Rasa instances
        sender = new_sender()
        results = []
        for limits in (first, second, first, second, first, second):
            results.append(await limits.check(sender, "192.0.2.1") is None)
        return results

    assert asyncio.run(scenario()) == [True, True, True, True, False, False]


def test_concurrent_spending_never_exceeds_the_burst(redis_server):
    """The Lua script is atomic: 50 simultaneous hits from 5 limiters let exactly the burst through."""
    settings = RateLimitSettings(sender=Rate(1, 7), ip=Rate(0, 1), redis_url=redis_server.url)

    async def scenario() -> int:
        limiters = [RateLimits(settings) for _ in range(5)]
        sender = new_sender()
        results = await asyncio.gather(*(limiters[i % 5].check(sender, None) for i in range(50)))
        return sum(1 for r in results if r is None)

    assert asyncio.run(scenario()) == 7


def test_redis_down_fails_open_with_a_warning_and_local_counting(caplog):
    backend = RedisBackend(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    limits = RateLimits(RateLimitSettings(sender=Rate(6, 2), ip=Rate(0, 1)), backend)
    with caplog.at_level(logging.WARNING, logger="bot.runtime.channels.ratelimit"):
        results = asyncio.run(_checks(limits, new_sender(), 3))
    assert results == [None, None, TOO_MANY]  # still limited, by this process alone
    assert backend.failures == 1  # then Redis is left alone for a few seconds
    assert "Redis injoignable" in caplog.text


def test_frozen_redis_is_a_timeout_not_a_hang():
    frozen = start_redis()
    try:
        os.kill(frozen.process.pid, signal.SIGSTOP)
        limits = RateLimits(RateLimitSettings(sender=Rate(6, 5), ip=Rate(0, 1), redis_url=frozen.url))
        assert asyncio.run(_checks(limits, new_sender(), 2)) == [None, None]
    finally:
        os.kill(frozen.process.pid, signal.SIGCONT)
        frozen.stop()


async def _checks(limits: RateLimits, sender: str, count: int) -> list:
    results = []
    for _ in range(count):
        refusal = await limits.check(sender, None)
        results.append(None if refusal is None else refusal.reason)
    return results


# --- pure parts --------------------------------------------------------------------------------------


def test_memory_backend_allows_the_burst_then_the_rate():
    now = [0.0]
    backend = MemoryBackend(clock=lambda: now[0])
    rate = Rate(per_minute=60, burst=3)  # one per second
    assert [backend.spend_now("k", rate) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert backend.spend_now("k", rate) == pytest.approx(1.0)
    now[0] += 1.0
    assert backend.spend_now("k", rate) == 0.0 and backend.spend_now("k", rate) > 0
    now[0] += 10.0
    assert [backend.spend_now("k", rate) for _ in range(4)][:3] == [0.0, 0.0, 0.0]  # never more than the burst


def test_settings_from_the_environment():
    defaults = RateLimitSettings.from_env({})
    assert defaults == RateLimitSettings(Rate(120, 20), Rate(300, 60), None)
    off = RateLimitSettings.from_env(
        {"RATE_LIMIT_IP_PER_MINUTE": "0", "RATE_LIMIT_SENDER_PER_MINUTE": "0", "REDIS_URL": "redis://cache:6379/0"}
    )
    assert not off.ip.enabled and not off.sender.enabled and off.redis_url == "redis://cache:6379/0"
    assert asyncio.run(RateLimits(RateLimitSettings(Rate(0, 1), Rate(0, 1))).check("a", "1.2.3.4")) is None
    for bad in (
        {"RATE_LIMIT_IP_PER_MINUTE": "beaucoup"},
        {"RATE_LIMIT_SENDER_BURST": "-1"},
        {"RATE_LIMIT_SENDER_BURST": "0"},
        {"RATE_LIMIT_IP_PER_MINUTE": "nan"},
    ):
        with pytest.raises(ValueError, match="RATE_LIMIT_"):
            RateLimitSettings.from_env(bad)


def test_client_address():
    loopback = parse_networks("127.0.0.1,::1")
    assert client_ip("203.0.113.9", None, loopback) == "203.0.113.9"
    assert client_ip("203.0.113.9", "198.51.100.1", loopback) == "203.0.113.9"  # untrusted peer: header ignored
    assert client_ip("127.0.0.1", "198.51.100.1", loopback) == "198.51.100.1"
    assert (
        client_ip("127.0.0.1", "6.6.6.6, 198.51.100.1", loopback) == "198.51.100.1"
    )  # left part written by the client
    assert client_ip("127.0.0.1", "198.51.100.1, 127.0.0.1", loopback) == "198.51.100.1"  # two proxies of ours
    assert client_ip("127.0.0.1", "n'importe quoi", loopback) == "127.0.0.1"
    assert client_ip("::1", "2001:db8::5", loopback) == "2001:db8::5"
    assert client_ip("::ffff:127.0.0.1", "198.51.100.3", loopback) == "198.51.100.3"
    assert client_ip("127.0.0.1", "198.51.100.1", parse_networks("")) == "127.0.0.1"  # TRUSTED_PROXIES= : no one
    assert client_ip("10.1.2.3", "198.51.100.1:4711", parse_networks("10.0.0.0/8")) == "198.51.100.1"
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        parse_networks("10.0.0.0/8, proxy.interne")


def test_the_per_address_limit_counts_an_ipv6_client_by_its_64():
    assert limit_address("203.0.113.9") == "203.0.113.9"
    assert limit_address("203.0.113.10") == "203.0.113.10"  # IPv4: each address alone
    assert limit_address("2001:db8:1:2:a:b:c:d") == limit_address("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert limit_address("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert limit_address("::ffff:203.0.113.9") == "203.0.113.9"  # IPv4-mapped: the IPv4 client
    assert limit_address("[2001:db8:1:2::5]:443") == "2001:db8:1:2::/64"
    assert limit_address("fe80::1%eth0") == "fe80::/64"
    assert limit_address("inconnue") == "inconnue"


def test_rotating_ipv6_addresses_are_refused_by_the_limiter():
    """The reported bypass, on the limiter itself: 500 messages from rotating addresses of one /64."""
    limits = RateLimits(RateLimitSettings(sender=Rate(0, 1), ip=Rate(6, 4)))

    async def scenario() -> list:
        return [await limits.check(None, f"2001:db8:7:9:{i:x}::{i:x}", "REST") for i in range(500)]

    refusals = asyncio.run(scenario())
    assert refusals[:4] == [None] * 4 and all(r is not None and r.reason == TOO_MANY_FROM_ADDRESS for r in refusals[4:])
