"""How many messages Rasa processes at once, shared by every channel of the process.

Rasa runs NLU and policies synchronously in its single event loop: with 50 messages in progress,
each `await` of one message (an action call makes several) waits behind the CPU work of all the
others, so a call to a healthy action server exceeds its timeout and users get apologies the
server did not deserve. Letting a few messages through at a time keeps each one fast; the others
wait their turn (cheaply, before any work), in arrival order. Beyond `max_waiting`, new messages
are refused at once (503) rather than queued for minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Optional

from bot.runtime.settings import load_settings

DEFAULT_SLOTS = 8
DEFAULT_MAX_WAITING = 500
OVERLOADED = "L'assistant reçoit trop de messages en ce moment : réessayez dans quelques secondes."


class Overloaded(RuntimeError):
    """More messages waiting than `max_waiting`."""


class Admission:
    def __init__(self, slots: Optional[int] = DEFAULT_SLOTS, max_waiting: int = DEFAULT_MAX_WAITING) -> None:
        """slots=None: ADMISSION_SLOTS, read when the first message arrives (`make run` checks it at start-up)."""
        if (slots is not None and slots < 1) or max_waiting < 0:
            raise ValueError("slots >= 1 et max_waiting >= 0 attendus")
        self.slots, self.max_waiting = slots, max_waiting
        self.waiting = 0
        self.running = 0
        self._semaphore: Optional[asyncio.Semaphore] = None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._semaphore is None:
            self.slots = self.slots or slots_from_environment()
            self._semaphore = asyncio.Semaphore(self.slots)
        if self.waiting >= self.max_waiting and self._semaphore.locked():
            raise Overloaded(OVERLOADED)
        self.waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            self._semaphore.release()


def slots_from_environment(environ: Optional[dict] = None) -> int:
    """ADMISSION_SLOTS (default 8): messages processed at once by one Rasa process."""
    return load_settings(environ).admission_slots


# One per Rasa process (one event loop): the REST, socket.io and agents channels share it.
ADMISSION = Admission(slots=None)
