"""Per-sender token bucket: a burst of messages from one sender cannot flood the server or its queue."""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional

from bot.reliability.texts import TOO_MANY

# Far above what a person types (and what the concurrency test sends), far below a script's burst.
DEFAULT_BURST = 20
DEFAULT_PER_SECOND = 2.0
MAX_TRACKED_SENDERS = 10_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class SenderRateLimiter:
    """`allow(sender)` spends one token; tokens come back at `per_second`, up to `burst`.

    Memory is bounded: the least recently seen senders are forgotten first (a forgotten sender
    starts again with a full bucket, which is the generous side).
    """

    def __init__(self, burst: int = DEFAULT_BURST, per_second: float = DEFAULT_PER_SECOND,
                 max_senders: int = MAX_TRACKED_SENDERS, clock: Callable[[], float] = time.monotonic) -> None:
        if burst < 1 or per_second <= 0 or max_senders < 1:
            raise ValueError("burst >= 1, per_second > 0 et max_senders >= 1 attendus")
        self.burst, self.per_second, self.max_senders, self.clock = burst, per_second, max_senders, clock
        self._buckets: "OrderedDict[str, _Bucket]" = OrderedDict()

    def allow(self, sender: str) -> bool:
        now = self.clock()
        bucket = self._buckets.pop(sender, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        self._buckets[sender] = bucket
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)
        return allowed

    def __len__(self) -> int:
        return len(self._buckets)


DEFAULT_MAX_IN_FLIGHT = 3
BUSY = "Votre message précédent est encore en cours de traitement : patientez avant d'envoyer le suivant."


class SenderGate:
    """Rate limit plus a bound on the messages of one sender being processed at once.

    Rasa serialises the messages of one conversation behind a lock it polls once a second and
    gives up after 60 s: without a bound, a burst from one sender queues for minutes, then fails.
    `enter(sender)` returns None when the message may go on (call `leave(sender)` when it is
    done), else the French reason to send back with a 429.
    """

    def __init__(self, burst: int = DEFAULT_BURST, per_second: float = DEFAULT_PER_SECOND,
                 max_in_flight: int = DEFAULT_MAX_IN_FLIGHT, clock: Callable[[], float] = time.monotonic) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight >= 1 attendu")
        self.rate: Optional[SenderRateLimiter] = SenderRateLimiter(burst, per_second, clock=clock)
        self.max_in_flight = max_in_flight
        self._in_flight: dict[str, int] = {}

    def enter(self, sender: str) -> Optional[str]:
        if self._in_flight.get(sender, 0) >= self.max_in_flight:
            return BUSY
        if self.rate is not None and not self.rate.allow(sender):
            return TOO_MANY
        self._in_flight[sender] = self._in_flight.get(sender, 0) + 1
        return None

    def leave(self, sender: str) -> None:
        count = self._in_flight.get(sender, 0) - 1
        if count > 0:
            self._in_flight[sender] = count
        else:
            self._in_flight.pop(sender, None)

    def in_flight(self, sender: str) -> int:
        return self._in_flight.get(sender, 0)

    @classmethod
    def in_flight_only(cls, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> "SenderGate":
        """The in-flight bound alone: the channels' rate limits are bot/reliability/ratelimit.py (env, Redis)."""
        gate = cls(max_in_flight=max_in_flight)
        gate.rate = None
        return gate

    @classmethod
    def from_options(cls, options: Any) -> "SenderGate":
        options = options or {}
        return cls(int(options.get("rate_burst", DEFAULT_BURST)), float(options.get("rate_per_second", DEFAULT_PER_SECOND)),
                   int(options.get("max_in_flight", DEFAULT_MAX_IN_FLIGHT)))
