"""The one path of a valid message through every channel (REST, socket.io, agents).

A channel parses its payload (bot/runtime/channels/inputs.py), builds the message Rasa gets with
`Intake.user_message`, then hands its sender, the client's address and the call to Rasa to
`Intake.process` (or `Intake.start` when it must answer before the processing ends) and formats
the `Outcome` on its own transport:

0. `user_message`: personal data (bot/domain/personal_data.py) is masked in the text before Rasa,
   NLU included, sees it; a public channel's sender goes into its namespace (`rest:<id>`,
   `socketio:<id>`) and loses the metadata keys reserved to our own channels;
1. the per-address and per-sender rate limits, counted apart for each channel (bot/runtime/channels/ratelimit.py,
   shared through Redis when configured), then the bound on one sender's messages still being processed
   (this process): `Refused` (429, with the seconds to wait);
2. processing inside one of the slots shared by all channels (bot/runtime/channels/admission.py):
   `Busy` (503) when too many messages already wait;
3. around it, the tracker-store watch (bot/runtime/stores/tracker_store.py) and the fault handling: a
   conversation that could not be read or saved, or processing that raised, is `Failed` (503, the
   French temporary-error text with the contact), logged in French on one line;
4. otherwise `Processed`: the channel sends the replies it collected.
Whatever the outcome, the sender then leaves the in-flight gate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Optional, Union

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.domain.personal_data import pii_spans
from bot.runtime.channels.admission import ADMISSION, Overloaded
from bot.runtime.channels.client_ip import Network, client_ip, trusted_proxies
from bot.runtime.channels.inputs import namespaced, public_metadata, validate_public_sender
from bot.runtime.channels.limits import DEFAULT_MAX_IN_FLIGHT, SenderGate
from bot.runtime.channels.ratelimit import RateLimits, shared_limits
from bot.runtime.channels.texts import catalogue_contact, temporary_error
from bot.runtime.stores.tracker_store import watching

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5  # after a temporary error or a full queue
_trusted: Optional[tuple[Network, ...]] = None


@dataclass(frozen=True)
class Processed:
    """Rasa processed the message and the conversation is stored: the channel sends its replies."""

    status: ClassVar[int] = 200


@dataclass(frozen=True)
class Refused:
    """Over a rate limit, or too many of this sender's messages still in progress: nothing was processed."""

    reason: str
    retry_after: int
    status: ClassVar[int] = 429


@dataclass(frozen=True)
class Busy:
    """Too many messages already wait for a processing slot: nothing was processed."""

    reason: str
    retry_after: int = RETRY_AFTER_SECONDS
    status: ClassVar[int] = 503


@dataclass(frozen=True)
class Failed:
    """The conversation could not be read or saved, or processing raised: its replies must not be shown.

    `reason` is the text for the user; `raised` tells a processing error from a tracker-store
    failure Rasa carried on after; `detail` is for the logs.
    """

    reason: str
    detail: str
    raised: bool
    retry_after: int = RETRY_AFTER_SECONDS
    status: ClassVar[int] = 503


Outcome = Union[Processed, Refused, Busy, Failed]


def request_client_ip(peer: Optional[str], headers: Mapping[str, str]) -> str:
    """The client's address of a request (X-Forwarded-For believed from TRUSTED_PROXIES only)."""
    global _trusted
    if _trusted is None:
        _trusted = trusted_proxies()
    getall = getattr(headers, "getall", None)
    forwarded = ",".join(getall("x-forwarded-for", [])) if getall else headers.get("x-forwarded-for")
    return client_ip(peer, forwarded or None, _trusted)


def temporary_error_text() -> str:
    return temporary_error(catalogue_contact())


def masked_text(text: str) -> str:
    """`text` with its personal data replaced by the placeholders; the rest of the text untouched."""
    spans = pii_spans(text)
    if not spans:
        return text
    pieces, cursor = [], 0
    for found in sorted(spans):
        if found.start < cursor:  # overlapping finds: the first one covers it
            continue
        pieces += [text[cursor : found.start], found.placeholder]
        cursor = found.end
    pieces.append(text[cursor:])
    return "".join(pieces)


class Intake:
    """One channel's door to Rasa: `await process(sender, ip, handle)` -> Outcome.

    `handle` is the call to Rasa (`functools.partial(on_new_message, message)`, the message built by
    `user_message`); `channel` names the channel in the logs and in the rate-limit keys; `namespace`
    (public channels: "rest", "socketio") prefixes the senders' ids in the tracker store.
    """

    def __init__(
        self,
        channel: str = "",
        limits: Optional[RateLimits] = None,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        namespace: Optional[str] = None,
    ) -> None:
        self.channel = channel
        self.namespace = namespace
        self.limits = limits or shared_limits()
        self.gate = SenderGate(max_in_flight)

    def user_message(
        self,
        text: str,
        output: OutputChannel,
        sender: str,
        input_channel: Optional[str] = None,
        message_id: Optional[str] = None,
        metadata: Optional[dict] = None,
    ) -> UserMessage:
        """The message Rasa gets (UserMessage's arguments): personal data masked before the NLU sees it;
        on a public channel, the sender in its namespace and the reserved metadata keys dropped."""
        if self.namespace is not None:
            sender = namespaced(self.namespace, validate_public_sender(sender))
            metadata = public_metadata(metadata) if metadata else metadata
        return UserMessage(
            masked_text(text),
            output,
            sender,
            input_channel=input_channel,
            message_id=message_id,
            metadata=metadata or None,
        )

    async def process(self, sender: str, ip: Optional[str], handle: Callable[[], Awaitable[Any]]) -> Outcome:
        refused = await self._admit(sender, ip)
        return refused or await self._processed(sender, handle)

    async def start(
        self, sender: str, ip: Optional[str], handle: Callable[[], Awaitable[Any]]
    ) -> Union[Refused, asyncio.Future[Outcome]]:
        """As `process`, for a channel that may answer before the end: Refused, or the running processing.

        The task owns the whole turn (slot, store watch, fault handling, leaving the gate): the
        channel may stop waiting for it and deliver its outcome later.
        """
        refused = await self._admit(sender, ip)
        return refused or asyncio.ensure_future(self._processed(sender, handle))

    async def check_address(self, ip: Optional[str]) -> Optional[Refused]:
        """The per-address limit alone, for a channel that must check it before it knows the sender."""
        refusal = await self.limits.check(None, ip, self.channel)
        return None if refusal is None else Refused(refusal.reason, refusal.retry_after)

    async def _admit(self, sender: str, ip: Optional[str]) -> Optional[Refused]:
        """Rate limits, then the in-flight gate: None when admitted (the sender must then leave the gate)."""
        refusal = await self.limits.check(sender, ip, self.channel)
        if refusal is not None:
            return Refused(refusal.reason, refusal.retry_after)
        busy = self.gate.enter(sender)
        return Refused(busy, RETRY_AFTER_SECONDS) if busy else None

    async def _processed(self, sender: str, handle: Callable[[], Awaitable[Any]]) -> Outcome:
        try:
            with watching() as watch:  # tasks Rasa creates inside share it
                try:
                    async with ADMISSION.slot():  # shared by all channels of this process
                        await handle()
                except Overloaded as exc:
                    return Busy(str(exc))
                except Exception as exc:  # noqa: BLE001 - answered with a 503, logged without the user's text
                    watch.fail(type(exc).__name__)
                    logger.error(
                        "Canal %s : échec du traitement (%s: %s).",
                        self.channel,
                        type(exc).__name__,
                        " ".join(str(exc).split())[:200],
                    )
                    logger.debug("Canal %s : trace de l'échec.", self.channel, exc_info=exc)
                    return Failed(temporary_error_text(), watch.detail, raised=True)
            if watch.failed:  # Rasa carried on without its tracker store: the turn is not stored
                return Failed(temporary_error_text(), watch.detail, raised=False)
            return Processed()
        finally:
            self.gate.leave(sender)
