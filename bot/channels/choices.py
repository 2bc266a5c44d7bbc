"""Numbered choices: the agent answers "2" and the bot receives the payload of button 2.

Pending choices are kept per conversation (sender id) in memory, bounded in size and age: a
number only means something right after the list that offered it. They are lost on restart and
not shared between Rasa instances; the agent then simply gets the list again by asking again.
"""
from __future__ import annotations

import re
import time
from collections import OrderedDict
from typing import Callable, Optional, Sequence

from bot.channels.markdown import Choice

# An empty slash command ("/evenements") asks for help: the domain's `help` intent.
HELP_PAYLOAD = "/help"
_NUMBER = re.compile(r"^\s*(?:n°|no\.?|#)?\s*(\d{1,3})\s*[.)]?\s*$", re.IGNORECASE)


def chosen_number(text: str) -> Optional[int]:
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


class PendingChoices:
    def __init__(self, ttl_seconds: float = 3600, max_conversations: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
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

    def resolve(self, sender_id: str, text: str) -> str:
        """The text to give Rasa: a button payload for a valid number, help for nothing, else the text."""
        if not text.strip():
            return HELP_PAYLOAD
        number = chosen_number(text)
        choices = self.pending(sender_id)
        if number is not None and 1 <= number <= len(choices):
            return choices[number - 1].payload
        return text

    def __len__(self) -> int:
        return len(self._entries)
