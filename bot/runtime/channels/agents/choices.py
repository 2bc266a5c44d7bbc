"""Numbered choices: the agent answers "2" and the bot receives the payload of button 2.

Pending choices are kept per conversation (sender id), bounded in age: a number only means
something right after the list that offered it. In memory by default (lost on restart); in Redis
when REDIS_URL is set, so that every Rasa instance of a cluster resolves the agent's "2".
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Optional

from bot.runtime.channels.agents.markdown import Choice
from bot.runtime.settings import load_settings

# An empty slash command ("/evenements") asks for help: the domain's `help` intent.
HELP_PAYLOAD = "/help"
_NUMBER = re.compile(r"^\s*(?:n°|no\.?|#)?\s*(\d{1,3})\s*[.)]?\s*$", re.IGNORECASE)


def chosen_number(text: str) -> Optional[int]:
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


logger = logging.getLogger(__name__)


class _Resolution:
    def pending(self, sender_id: str) -> tuple[Choice, ...]:
        raise NotImplementedError

    def resolve(self, sender_id: str, text: str) -> str:
        """The text to give Rasa: a button payload for a valid number, help for nothing, else the text."""
        if not text.strip():
            return HELP_PAYLOAD
        number = chosen_number(text)
        choices = self.pending(sender_id) if number is not None else ()
        if number is not None and 1 <= number <= len(choices):
            return choices[number - 1].payload
        return text


class PendingChoices(_Resolution):
    def __init__(
        self, ttl_seconds: float = 3600, max_conversations: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_conversations
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, tuple[Choice, ...]]] = OrderedDict()

    def remember(self, sender_id: str, choices: Sequence[Choice]) -> None:
        """The choices of the latest reply; a reply without buttons forgets the previous ones."""
        self._entries.pop(sender_id, None)
        if choices:
            self._entries[sender_id] = (self._clock(), tuple(choices))
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)  # the least recently answered conversation

    def pending(self, sender_id: str) -> tuple[Choice, ...]:
        entry = self._entries.get(sender_id)
        if entry is None:
            return ()
        if self._clock() - entry[0] > self._ttl:
            del self._entries[sender_id]
            return ()
        return entry[1]

    def __len__(self) -> int:
        return len(self._entries)


class RedisPendingChoices(_Resolution):
    """The same contract in Redis, expiring on its own. If Redis fails, the number is passed on as
    text (the bot then asks again) rather than failing the message."""

    PREFIX = "mois-innovation:choices:"

    def __init__(self, client: Any, ttl_seconds: int = 3600) -> None:
        self._client = client
        self._ttl = ttl_seconds

    def remember(self, sender_id: str, choices: Sequence[Choice]) -> None:
        try:
            if choices:
                value = json.dumps([[c.title, c.payload] for c in choices], ensure_ascii=False)
                self._client.set(self.PREFIX + sender_id, value, ex=self._ttl)
            else:
                self._client.delete(self.PREFIX + sender_id)
        except Exception as exc:  # noqa: BLE001 - redis errors and timeouts alike
            logger.warning("Choix numérotés non enregistrés dans Redis (%s).", type(exc).__name__)

    def pending(self, sender_id: str) -> tuple[Choice, ...]:
        try:
            raw = self._client.get(self.PREFIX + sender_id)
        except Exception as exc:  # noqa: BLE001
            logger.warning("Choix numérotés illisibles dans Redis (%s).", type(exc).__name__)
            return ()
        return tuple(Choice(title, payload) for title, payload in json.loads(raw)) if raw else ()


def pending_choices(environ: Optional[dict] = None) -> PendingChoices | RedisPendingChoices:
    """Redis when REDIS_URL is set (shared by the instances of a cluster), else in memory."""
    url = load_settings(environ).redis_url
    if not url:
        return PendingChoices()
    import redis  # only needed in the clustered deployment

    return RedisPendingChoices(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1))
