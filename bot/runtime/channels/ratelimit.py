"""Rate limits per sender and per client address, in memory or shared through Redis.

Configured by the environment (docs/securite.md); a rate of 0 switches that limit off:

    RATE_LIMIT_SENDER_PER_MINUTE  (120)  RATE_LIMIT_SENDER_BURST  (20)   per conversation id
    RATE_LIMIT_IP_PER_MINUTE      (300)  RATE_LIMIT_IP_BURST      (60)   per client address
    REDIS_URL                     (unset: each Rasa process counts alone)

Algorithm: GCRA (a token bucket kept as one timestamp per key). A key may send `burst` messages
at once, then one every 60/per_minute seconds. With REDIS_URL, one Lua script reads and writes
the timestamp atomically, on Redis' clock, so several Rasa instances share one budget. If Redis
fails, the limits fall back to this process' memory for a few seconds (a warning is logged, the
message is never refused because of Redis, never a 500). Keys are hashed: no conversation id or
address is written to Redis.

Keys: each channel counts apart (`limit_keys`: the channel's name is part of both keys), so that no
public message can spend an agent's budget; an address is counted as `client_ip.limit_address` says
(an IPv6 client by its /64, which it cannot escape by rotating addresses).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

from bot.runtime.channels.client_ip import limit_address
from bot.runtime.channels.texts import TOO_MANY
from bot.runtime.settings import load_settings

logger = logging.getLogger(__name__)

TOO_MANY_FROM_ADDRESS = (
    "Trop de messages depuis votre adresse en peu de temps : patientez quelques secondes avant d'envoyer le suivant."
)
MAX_MEMORY_KEYS = 20_000
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_PAUSE_SECONDS = 5.0  # after a Redis failure, count in memory this long before trying Redis again
WARNING_INTERVAL_SECONDS = 60.0
KEY_PREFIX = "mois:limite"


@dataclass(frozen=True)
class Rate:
    per_minute: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    @property
    def interval(self) -> float:
        """Seconds for one token to come back."""
        return 60.0 / self.per_minute


@dataclass(frozen=True)
class RateLimitSettings:
    sender: Rate = Rate(120, 20)
    ip: Rate = Rate(300, 60)
    redis_url: Optional[str] = None

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> RateLimitSettings:
        """The RATE_LIMIT_* variables and REDIS_URL, checked by bot/runtime/settings.py."""
        s = load_settings(environ)
        return cls(
            Rate(s.rate_limit_sender_per_minute, s.rate_limit_sender_burst),
            Rate(s.rate_limit_ip_per_minute, s.rate_limit_ip_burst),
            s.redis_url or None,
        )


class MemoryBackend:
    """GCRA in this process. Bounded: the least recently seen keys are forgotten first (the generous side)."""

    def __init__(self, max_keys: int = MAX_MEMORY_KEYS, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_keys, self.clock = max_keys, clock
        self._arrivals: OrderedDict[str, float] = OrderedDict()

    def spend_now(self, key: str, rate: Rate) -> float:
        """0.0 when allowed (a token is spent), else the seconds to wait."""
        now = self.clock()
        theoretical = max(self._arrivals.pop(key, now), now)
        excess = theoretical + rate.interval - now - rate.burst * rate.interval
        if excess > 1e-9:
            self._arrivals[key] = theoretical
            allowed = False
        else:
            self._arrivals[key] = theoretical + rate.interval
            allowed = True
        while len(self._arrivals) > self.max_keys:
            self._arrivals.popitem(last=False)
        return 0.0 if allowed else excess

    async def spend(self, key: str, rate: Rate) -> float:
        return self.spend_now(key, rate)


# KEYS[1]: the key; ARGV: interval (s), burst. Returns "0" (allowed) or the seconds to wait, as text
# (a Lua number returned as such would be truncated to an integer by Redis).
GCRA_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local theoretical = tonumber(redis.call('GET', KEYS[1]) or '0')
if theoretical < now then theoretical = now end
local excess = theoretical + interval - now - burst * interval
if excess > 0.000000001 then return tostring(excess) end
local following = theoretical + interval
redis.call('SET', KEYS[1], string.format('%.6f', following), 'PX', math.ceil((following - now) * 1000) + 1000)
return '0'
"""


class RedisBackend:
    """GCRA shared by every process that uses the same Redis; falls back to memory while Redis fails."""

    def __init__(
        self, url: str, fallback: Optional[MemoryBackend] = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.url, self.clock = url, clock
        self.fallback = fallback or MemoryBackend(clock=clock)
        self._client: Any = None
        self._script: Any = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._paused_until = 0.0
        self._warned_at = -math.inf
        self.failures = 0

    def _connect(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:  # a client belongs to the loop that made it
            import redis.asyncio

            self._client = redis.asyncio.Redis.from_url(
                self.url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
            )
            self._script = self._client.register_script(GCRA_SCRIPT)
            self._loop = loop
        return self._script

    async def spend(self, key: str, rate: Rate) -> float:
        if self.clock() < self._paused_until:
            return self.fallback.spend_now(key, rate)
        import redis

        try:
            script = self._connect()
            reply = await asyncio.wait_for(
                script(keys=[key], args=[repr(rate.interval), rate.burst]), timeout=REDIS_TIMEOUT_SECONDS * 4
            )
            return max(0.0, float(reply))
        except (redis.RedisError, OSError, asyncio.TimeoutError, ValueError) as exc:
            self.failures += 1
            self._paused_until = self.clock() + REDIS_PAUSE_SECONDS
            self._client = None
            if self.clock() - self._warned_at >= WARNING_INTERVAL_SECONDS:
                self._warned_at = self.clock()
                logger.warning(
                    "Limites de débit : Redis injoignable (%s) ; décompte local à ce processus en attendant.",
                    type(exc).__name__,
                )
            return self.fallback.spend_now(key, rate)


@dataclass(frozen=True)
class Refusal:
    reason: str
    retry_after: int  # whole seconds, for the Retry-After header


def _key(kind: str, value: str) -> str:
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def limit_keys(channel: str, sender: Optional[str], ip: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """The (address, sender) keys of a message of `channel`, hashed; None for what is unknown.

    The channel is in both: the same id or address on another channel has its own budget."""
    # "\x1f" (unit separator) cannot be in a channel name: ("a", "b:c") and ("a:b", "c") never share a key.
    address_key = _key("ip", f"{channel}\x1f{limit_address(ip)}") if ip else None
    sender_key = _key("sender", f"{channel}\x1f{sender}") if sender else None
    return address_key, sender_key


class RateLimits:
    """`await check(sender, ip, channel)`: None when the message may go on, else a Refusal (429)."""

    def __init__(self, settings: Optional[RateLimitSettings] = None, backend: Optional[Any] = None) -> None:
        self.settings = settings or RateLimitSettings()
        if backend is None:
            backend = RedisBackend(self.settings.redis_url) if self.settings.redis_url else MemoryBackend()
        self.backend = backend

    async def check(self, sender: Optional[str], ip: Optional[str], channel: str = "") -> Optional[Refusal]:
        address_key, sender_key = limit_keys(channel, sender, ip)
        for key, rate, reason in (
            (address_key, self.settings.ip, TOO_MANY_FROM_ADDRESS),
            (sender_key, self.settings.sender, TOO_MANY),
        ):
            if key and rate.enabled:
                wait = await self.backend.spend(key, rate)
                if wait > 0:
                    return Refusal(reason, max(1, math.ceil(wait)))
        return None


_shared: Optional[RateLimits] = None


def shared_limits() -> RateLimits:
    """The limits of this process, read from the environment once (every channel shares them)."""
    global _shared
    if _shared is None:
        _shared = RateLimits(RateLimitSettings.from_env())
    return _shared
