"""An event's practical details (time, place, links, access, price) in French, as the catalogue gives them.

Pure functions: what is present is said, what is absent is named as not given, never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from bot.domain.catalogue.model import Event
from bot.domain.text import is_web_address


@dataclass(frozen=True)
class Detail:
    """One practical field: its label in a list, and how to say it is missing."""

    attribute: str
    label: str  # "Lieu", as a line of the details answer starts
    missing: str  # "Le lieu n'est pas indiqué."


# The order in which answers give them; the time comes first and is said apart (with the day).
DETAILS = (
    Detail("place", "Lieu", "Le lieu n'est pas indiqué."),
    Detail("online_link", "En ligne", "Le lien de connexion n'est pas indiqué."),
    Detail("registration", "Inscription", "Les modalités d'inscription ne sont pas indiquées."),
    Detail("accessibility", "Accessibilité", "L'accessibilité n'est pas indiquée."),
    Detail("price", "Tarif", "Le tarif n'est pas indiqué."),
)
TIME_MISSING = "L'horaire n'est pas indiqué."


def hour(moment: dt.time) -> str:
    """French spoken hour: "14 h", "16 h 30", "9 h 05"."""
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def time_phrase(event: Event) -> Optional[str]:
    """ "de 14 h à 16 h 30", "à 14 h", or None when the catalogue gives no time."""
    if event.start is None:
        return None
    if event.end is None:
        return f"à {hour(event.start)}"
    return f"de {hour(event.start)} à {hour(event.end)}"


def given(event: Event) -> list[tuple[Detail, str]]:
    """The practical fields the catalogue gives for the event, in answer order, with their values."""
    return [(d, value) for d in DETAILS if (value := getattr(event, d.attribute))]


def has_practical(event: Event) -> bool:
    """True when the catalogue gives at least a time or one practical field."""
    return event.start is not None or bool(given(event))


def missing_sentences(event: Event) -> list[str]:
    """ "… n'est pas indiqué." for every practical field the catalogue leaves out."""
    time = [] if event.start is not None else [TIME_MISSING]
    return time + [d.missing for d in DETAILS if not getattr(event, d.attribute)]


def labelled(event: Event) -> list[tuple[str, str]]:
    """(label, value) for every practical field given, the time first: ("Horaire", "de 14 h à 16 h 30")."""
    time = time_phrase(event)
    lines = [("Horaire", time)] if time else []
    return lines + [(d.label, value) for d, value in given(event)]


def detail_lines(event: Event) -> list[str]:
    """One "Label : value" line for every practical field given, the time first."""
    return [f"{label} : {value}" for label, value in labelled(event)]


def is_link(event: Event, value: str) -> bool:
    """Whether a practical value is an address to link to: the online link, or a registration address."""
    return value == event.online_link or (value == event.registration and is_web_address(value))


def web_address(event: Event) -> Optional[str]:
    """Where to follow or register for the event on the web: its online link, else its registration
    field when that is an address (not instructions)."""
    if event.online_link:
        return event.online_link
    if event.registration and is_web_address(event.registration):
        return event.registration
    return None
