"""The speed bars, judged on the figures of one run. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from bot.tooling.bench.stats import LevelFigures

BAR_CONCURRENCY = 16
MIN_THROUGHPUT_RATIO = 2.0
MAX_P95_MS = 500.0
MAX_COLD_START_SECONDS = 30.0


@dataclass(frozen=True)
class Verdict:
    bar: str  # the requirement, in French
    measured: str
    ok: Optional[bool]  # None: not measured in this run


def find_level(levels: Sequence[LevelFigures], bot: str, concurrency: int) -> Optional[LevelFigures]:
    return next((f for f in levels if f.bot == bot and f.concurrency == concurrency), None)


def judge(
    levels: Sequence[LevelFigures],
    cold_starts: Sequence[Optional[float]],
    ours: str,
    anchor: str,
    concurrency: int = BAR_CONCURRENCY,
) -> list[Verdict]:
    """One verdict per bar; a cold start that never answered (None) fails its bar."""
    mine, theirs = find_level(levels, ours, concurrency), find_level(levels, anchor, concurrency)
    verdicts = []
    if mine and theirs and theirs.throughput > 0:
        ratio = mine.throughput / theirs.throughput
        verdicts.append(
            Verdict(
                f"débit à {concurrency} conversations ≥ {MIN_THROUGHPUT_RATIO:g} × celui du bot `rasa init`",
                f"{mine.throughput:.1f} contre {theirs.throughput:.1f} msg/s (× {ratio:.2f})",
                ratio >= MIN_THROUGHPUT_RATIO,
            )
        )
    else:
        verdicts.append(
            Verdict(
                f"débit à {concurrency} conversations ≥ {MIN_THROUGHPUT_RATIO:g} × celui du bot `rasa init`",
                "non mesuré",
                None,
            )
        )
    bar = f"p95 de latence à {concurrency} conversations < {MAX_P95_MS:.0f} ms"
    if mine and mine.p95_ms is not None:
        verdicts.append(Verdict(bar, f"{mine.p95_ms:.0f} ms", mine.p95_ms < MAX_P95_MS))
    else:
        verdicts.append(Verdict(bar, "non mesuré" if not mine else "aucune réponse", None if not mine else False))
    bar = f"aucune erreur à {concurrency} conversations"
    verdicts.append(
        Verdict(bar, f"{mine.errors} erreur(s) sur {mine.messages} messages", mine.errors == 0)
        if mine
        else Verdict(bar, "non mesuré", None)
    )
    bar = f"démarrage à froid de `make run` : première réponse en moins de {MAX_COLD_START_SECONDS:.0f} s"
    if cold_starts:
        worst = None if any(s is None for s in cold_starts) else max(s for s in cold_starts if s is not None)
        shown = ", ".join("pas de réponse" if s is None else f"{s:.1f} s" for s in cold_starts)
        verdicts.append(
            Verdict(
                bar,
                f"{shown} (pire : {'—' if worst is None else f'{worst:.1f} s'})",
                worst is not None and worst < MAX_COLD_START_SECONDS,
            )
        )
    else:
        verdicts.append(Verdict(bar, "non mesuré", None))
    return verdicts
