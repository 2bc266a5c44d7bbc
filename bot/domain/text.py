"""French text helpers: accent-insensitive normalisation used for matching user words."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^a-z0-9']+")


def fold(text: str) -> str:
    """Lowercase, strip accents, unify apostrophes and collapse punctuation to spaces.

    "Préfecture de Région" and "prefecture  de region" fold to the same string.
    """
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", text).strip()


def join_french(items: list[str], conjunction: str = "et") -> str:
    """["a", "b", "c"] -> "a, b et c"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
