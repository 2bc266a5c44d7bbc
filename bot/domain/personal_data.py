"""Mask personal data (email addresses, phone numbers) before anything is written to disk.

Used by the tracker store (every event, every channel) and by the staff review. The placeholders
are not valid Rasa entity annotations, so a masked text can be copied into training data as is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

EMAIL_MASK = "<courriel>"
PHONE_MASK = "<téléphone>"

# Local part: RFC 5322 "atext" and dots, so that nothing of an unusual address is left in clear.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# French numbers (06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78, +33 (0)6…, 0033…) and other
# international numbers: 9 digits or more after the prefix, possibly separated by spaces, dots or dashes.
# Dates (24/11/2020, 2020-11-24), times (14h30) and years (2020-2021) never start with 0X followed by 8 digits,
# and a number right after "<digit>-", "<digit>." or "<digit>:" ends a date or a time ("1990-01-01 1990-1991",
# "0:01 1990-1991"), it does not start a phone number.
_PHONE = re.compile(
    r"(?<![\w/])(?<!\d[.:-])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){7,11}|0[1-9](?:[\s.-]?\d{2}){4})(?![\w/])"
)


def mask(text: str) -> str:
    return mask_with_offsets(text)[0]


def contains_pii(text: str) -> bool:
    return bool(pii_spans(text))


def pii_spans(text: str) -> list[re.Match]:
    """Where the email addresses and phone numbers are in the original text."""
    emails = list(_EMAIL.finditer(text))
    phones = [m for m in _PHONE.finditer(text) if not any(e.start() < m.end() and m.start() < e.end() for e in emails)]
    return sorted([*emails, *phones], key=lambda m: m.start())


def personal_spans(text: str) -> list[tuple[int, int]]:
    """Personal data and the placeholders that replaced it (a stored text is already masked)."""
    placeholders = re.finditer(f"{re.escape(EMAIL_MASK)}|{re.escape(PHONE_MASK)}", text)
    return sorted([m.span() for m in pii_spans(text)] + [m.span() for m in placeholders])


def mask_with_offsets(text: str) -> tuple[str, Callable[[int, bool], int]]:
    """The masked text, and where a position of the original text lands in it (for entity offsets).

    A position inside personal data lands on the placeholder's start (an entity's start) or end (`is_end`)."""
    spans = [(m.start(), m.end(), EMAIL_MASK if "@" in m.group() else PHONE_MASK) for m in pii_spans(text)]
    if not spans:
        return text, lambda position, is_end=False: position
    pieces, cursor = [], 0
    for start, end, placeholder in spans:
        pieces += [text[cursor:start], placeholder]
        cursor = end
    pieces.append(text[cursor:])

    def moved(position: int, is_end: bool = False) -> int:
        shift = 0
        for start, end, placeholder in spans:
            if position <= start:
                break
            if position < end:  # inside personal data: the placeholder's edge
                return start + shift + (len(placeholder) if is_end else 0)
            shift += len(placeholder) - (end - start)
        return position + shift

    return "".join(pieces), moved


def mask_event(data: dict[str, Any]) -> dict[str, Any]:
    """A serialised Rasa event with every string masked and the entity offsets moved to the masked text.

    User messages, parse data, entities, slot values, bot messages and channel metadata alike: no
    list of fields to keep up to date, and nothing an event type adds later escapes the masking.
    """
    masked = _mask_value(data)
    text = data.get("text")
    parse_data = masked.get("parse_data")
    if isinstance(text, str) and isinstance(parse_data, dict) and isinstance(parse_data.get("entities"), list):
        _, moved = mask_with_offsets(text)
        for entity in parse_data["entities"]:
            if isinstance(entity, dict) and isinstance(entity.get("start"), int) and isinstance(entity.get("end"), int):
                entity["start"], entity["end"] = moved(entity["start"]), moved(entity["end"], True)
    return masked


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(item) for item in value]
    return value
