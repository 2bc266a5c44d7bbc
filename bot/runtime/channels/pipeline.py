"""What every channel does with a valid message before and around Rasa, in one place.

1. `await intake.admit(sender, ip)`: the per-address and per-sender rate limits
   (bot/runtime/channels/ratelimit.py, shared through Redis when configured), then the bound on one
   sender's messages still being processed (this process). None, or a Refusal to send as a 429.
2. `await admitted(on_new_message, message)`: processing inside one of the slots shared by all
   channels (bot/runtime/channels/admission.py); raises Overloaded (-> 503) when too many wait.
3. `intake.leave(sender)` once processed; `temporary_error_text()` when it failed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage

from bot.runtime.channels.admission import ADMISSION
from bot.runtime.channels.client_ip import Network, client_ip, trusted_proxies
from bot.runtime.channels.limits import DEFAULT_MAX_IN_FLIGHT, SenderGate
from bot.runtime.channels.ratelimit import RateLimits, Refusal, shared_limits
from bot.runtime.channels.texts import catalogue_contact, temporary_error

RETRY_AFTER_SECONDS = 5  # after a temporary error or a full queue
_trusted: Optional[tuple[Network, ...]] = None


def request_client_ip(peer: Optional[str], headers: Mapping[str, str]) -> str:
    """The client's address of a request (X-Forwarded-For believed from TRUSTED_PROXIES only)."""
    global _trusted
    if _trusted is None:
        _trusted = trusted_proxies()
    getall = getattr(headers, "getall", None)
    forwarded = ",".join(getall("x-forwarded-for", [])) if getall else headers.get("x-forwarded-for")
    return client_ip(peer, forwarded or None, _trusted)


class Intake:
    def __init__(self, limits: Optional[RateLimits] = None, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        self.limits = limits or shared_limits()
        self.gate = SenderGate(max_in_flight)

    async def admit(self, sender: str, ip: Optional[str]) -> Optional[Refusal]:
        refusal = await self.limits.check(sender, ip)
        if refusal is not None:
            return refusal
        busy = self.gate.enter(sender)
        return Refusal(busy, RETRY_AFTER_SECONDS) if busy else None

    async def check_address(self, ip: Optional[str]) -> Optional[Refusal]:
        """The per-address limit alone, for a channel that must check it before it knows the sender."""
        return await self.limits.check(None, ip)

    def leave(self, sender: str) -> None:
        self.gate.leave(sender)


async def admitted(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage) -> Any:
    async with ADMISSION.slot():  # shared by all channels of this process
        return await on_new_message(message)


def temporary_error_text() -> str:
    return temporary_error(catalogue_contact())
