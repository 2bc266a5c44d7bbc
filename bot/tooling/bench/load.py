"""The load generator: N virtual users on the REST webhook, each sending its next message after the previous reply."""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

import aiohttp

from bot.runtime.channels.texts import apology
from bot.tooling.bench.dialogues import Choice, Dialogue, button_payload
from bot.tooling.bench.stats import Exchange, LevelFigures, summarize

REQUEST_TIMEOUT = 30.0
APOLOGY_START = apology(None).split("(")[0]  # "Désolé, je ne peux pas répondre pour le moment "
MemorySampler = Callable[[], tuple[float, float]]  # (Rasa server MB, action server MB)
CpuClock = Callable[[], float]  # CPU seconds used so far by the servers


def reply_error(status: int, body: object) -> Optional[str]:
    """Why a reply does not count as an answer, or None: non-200, not a non-empty list, or the bot's apology."""
    if status != 200:
        return f"http {status}"
    if not isinstance(body, list) or not body:
        return "réponse vide"
    if any(isinstance(m, dict) and str(m.get("text", "")).startswith(APOLOGY_START) for m in body):
        return "excuse (serveur d'actions)"
    return None


@dataclass
class Level:
    concurrency: int
    warmup: float  # seconds, not measured
    duration: float  # seconds measured after the warm-up


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    dialogues: Sequence[Dialogue],
    first: int,
    tag: str,
    clock: Callable[[], float],
    stop_at: float,
    exchanges: list[Exchange],
) -> None:
    for number in itertools.count():
        dialogue = dialogues[(first + number) % len(dialogues)]
        sender = f"bench-{tag}-{number}"
        previous: list = []
        for step in dialogue:
            if clock() >= stop_at:
                return
            text = button_payload(previous, step) if isinstance(step, Choice) else step
            started = clock()
            if text is None:
                exchanges.append(Exchange(started, started, "bouton absent"))
                break
            error, previous = await _send(session, url, sender, text)
            exchanges.append(Exchange(started, clock(), error))
            if error:
                await asyncio.sleep(0.5)  # a refused connection fails at once: do not spin
                break  # the rest of this dialogue would not make sense: start the next one


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[Optional[str], list]:
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            error = reply_error(response.status, body)
            return error, body if isinstance(body, list) else []
    except asyncio.TimeoutError:
        return "délai dépassé", []
    except aiohttp.ClientError as exc:
        return f"connexion ({type(exc).__name__})", []
    except ValueError:
        return "réponse illisible", []


async def _sample_servers(
    sampler: MemorySampler,
    cpu: CpuClock,
    clock: Callable[[], float],
    window: tuple[float, float],
    peaks: list[float],
    cpu_used: list[float],
) -> None:
    """Peak memory every half second during the window; server CPU time at its start and end."""
    await asyncio.sleep(max(0.0, window[0] - clock()))
    started = cpu()
    while clock() < window[1]:
        rasa_mb, action_mb = sampler()
        peaks[0], peaks[1] = max(peaks[0], rasa_mb), max(peaks[1], action_mb)
        await asyncio.sleep(min(0.5, max(0.0, window[1] - clock())))
    cpu_used.append(cpu() - started)


async def drive(
    base_url: str, bot: str, dialogues: Sequence[Dialogue], level: Level, sampler: MemorySampler, cpu: CpuClock
) -> LevelFigures:
    """Run one level; users stop starting messages at the end of the window and their last replies are awaited."""
    loop = asyncio.get_running_loop()
    origin = loop.time()

    def clock() -> float:
        return loop.time() - origin

    window = (level.warmup, level.warmup + level.duration)
    exchanges: list[Exchange] = []
    peaks, cpu_used = [0.0, 0.0], []
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    url = f"{base_url}/webhooks/rest/webhook"
    run = uuid.uuid4().hex[:6]  # new senders on every run, even against the same tracker store
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        users = [
            _user(session, url, dialogues, i, f"{run}-{level.concurrency}-{i}", clock, window[1], exchanges)
            for i in range(level.concurrency)
        ]
        await asyncio.gather(_sample_servers(sampler, cpu, clock, window, peaks, cpu_used), *users)
    return summarize(
        bot,
        level.concurrency,
        exchanges,
        window,
        rss_mb=peaks[0],
        action_rss_mb=peaks[1],
        load_average=os.getloadavg()[0],
        cpu_seconds=cpu_used[0] if cpu_used else 0.0,
    )
