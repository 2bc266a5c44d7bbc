"""A bound on the messages of one sender being processed at once (rates: bot/runtime/channels/ratelimit.py)."""

from __future__ import annotations

from typing import Optional

DEFAULT_MAX_IN_FLIGHT = 3
BUSY = "Votre message précédent est encore en cours de traitement : patientez avant d'envoyer le suivant."


class SenderGate:
    """Rasa serialises the messages of one conversation behind a lock it polls once a second and
    gives up after 60 s: without a bound, a burst from one sender queues for minutes, then fails.
    `enter(sender)` returns None when the message may go on (call `leave(sender)` when it is
    done), else the French reason to send back with a 429.
    """

    def __init__(self, max_in_flight: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight >= 1 attendu")
        self.max_in_flight = max_in_flight
        self._in_flight: dict[str, int] = {}

    def enter(self, sender: str) -> Optional[str]:
        if self._in_flight.get(sender, 0) >= self.max_in_flight:
            return BUSY
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
