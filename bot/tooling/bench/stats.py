"""Figures of one load level: throughput, latency percentiles, errors, memory. Pure functions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Optional


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks (numpy's default); NaN if empty."""
    if not 0 <= q <= 100:
        raise ValueError("q entre 0 et 100 attendu")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Exchange:
    """One message sent and what came back, times in seconds from the level's start."""

    started: float
    ended: float
    error: Optional[str] = None  # None, or the kind: "http 503", "délai dépassé", "réponse vide", "excuse"…

    @property
    def latency(self) -> float:
        return self.ended - self.started


@dataclass
class LevelFigures:
    bot: str
    concurrency: int
    seconds: float
    messages: int
    throughput: float  # successful replies per second
    p50_ms: Optional[float]  # None when no message succeeded
    p95_ms: Optional[float]
    p99_ms: Optional[float]
    errors: int
    error_kinds: dict[str, int] = field(default_factory=dict)
    rss_mb: float = 0.0  # peak, Rasa server and its children
    action_rss_mb: float = 0.0  # peak, action server (0 for the anchor, which has none)
    load_average: float = 0.0  # 1-minute load average at the end of the level
    cpu_ms_per_message: Optional[float] = None  # servers' CPU time in the window over the replies completed in it


def summarize(
    bot: str,
    concurrency: int,
    exchanges: Sequence[Exchange],
    window: tuple[float, float],
    rss_mb: float = 0.0,
    action_rss_mb: float = 0.0,
    load_average: float = 0.0,
    cpu_seconds: float = 0.0,
) -> LevelFigures:
    """Figures over the exchanges started inside the measurement window (warm-up and overrun excluded).

    Throughput counts the successful replies that also ended inside the window, over its length;
    latencies and errors cover every exchange started in it, so a slow or failed tail still shows.
    """
    start, end = window
    if end <= start:
        raise ValueError("fenêtre de mesure vide")
    measured = [e for e in exchanges if start <= e.started < end]
    successes = [e for e in measured if e.error is None]
    completed = [e for e in successes if e.ended <= end]
    latencies_ms = [1000 * e.latency for e in successes]
    kinds: dict[str, int] = {}
    for e in measured:
        if e.error is not None:
            kinds[e.error] = kinds.get(e.error, 0) + 1
    return LevelFigures(
        bot=bot,
        concurrency=concurrency,
        seconds=round(end - start, 1),
        messages=len(measured),
        throughput=round(len(completed) / (end - start), 2),
        p50_ms=_round(percentile(latencies_ms, 50)),
        p95_ms=_round(percentile(latencies_ms, 95)),
        p99_ms=_round(percentile(latencies_ms, 99)),
        errors=sum(kinds.values()),
        error_kinds=kinds,
        rss_mb=round(rss_mb, 1),
        action_rss_mb=round(action_rss_mb, 1),
        load_average=round(load_average, 2),
        cpu_ms_per_message=round(1000 * cpu_seconds / len(completed), 1) if completed and cpu_seconds else None,
    )


def _round(value: float) -> Optional[float]:
    return None if math.isnan(value) else round(value, 1)
