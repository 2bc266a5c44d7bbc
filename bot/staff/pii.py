"""Mask personal data (email addresses, phone numbers) before anything is written to disk."""
from __future__ import annotations

import re

EMAIL_MASK = "<courriel>"
PHONE_MASK = "<téléphone>"

_STRICT_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# French numbers (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78, 0033612345678) and other
# international numbers: 9 digits or more, possibly separated by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w/])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?\d(?:[\s.-]?\d){7,11}|0[1-9](?:[\s.-]?\d{2}){4})(?![\w/])")


def mask(text: str) -> str:
    text = _STRICT_EMAIL.sub(EMAIL_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)
    return text


def contains_pii(text: str) -> bool:
    return mask(text) != text


def pii_spans(text: str) -> list[re.Match]:
    """Where the email addresses and phone numbers are in the original text."""
    return [*_STRICT_EMAIL.finditer(text), *_PHONE.finditer(text)]
