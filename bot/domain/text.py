"""French text helpers: accent-insensitive normalisation used for matching user words, and the
quotation form used to check that the catalogue quotes the press kit word for word."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit

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


def is_web_address(text: str) -> bool:
    """True for an absolute http(s) address with a host, and no spaces."""
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and not any(c.isspace() for c in text)


# --- Quotations: is a catalogue text a verbatim excerpt of the press kit? ---------------------------

_QUOTE_FORM = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
        "…": "...",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
    }
)
_SPACES = re.compile(r"\s+")
_AROUND_QUOTES = re.compile(r' ?" ?')
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#+|[-+>]|\d+\.)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"“(A-ZÀ-ÖØ-Þ])")
_CLAUSE_PUNCTUATION = ".,;:!?)\"'"


def _unaccented_capital(char: str) -> str:
    if not char.isupper():
        return char
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def quotation_form(text: str) -> str:
    """The form in which a quotation and its source are compared: only typography is erased.

    Whitespace runs become one space (none inside « »), apostrophes, quotation marks and dashes
    each become one ASCII character, "…" becomes "...", "œ" becomes "oe", accents on capitals go
    ("État" = "Etat", French typography often omits them) and case is ignored. Words, their order,
    accents on small letters and punctuation are kept: "pas neutres" is not "pas si neutres".
    """
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_FORM)
    text = "".join(_unaccented_capital(c) for c in text).lower()
    text = _SPACES.sub(" ", text).strip()
    return _AROUND_QUOTES.sub('"', text)


def markdown_blocks(markdown: str) -> list[str]:
    """The plain text of each non-empty line (heading, paragraph, item) of a Markdown document.

    Markup goes: heading and list marks, emphasis stars, links ("[OSMOSE](#)" -> "OSMOSE").
    """
    blocks = []
    for line in markdown.splitlines():
        line = _MARKDOWN_LINK.sub(r"\1", line).replace("*", "")
        line = _MARKDOWN_LEAD.sub("", line).strip()
        if line:
            blocks.append(line)
    return blocks


def sentences(text: str) -> list[str]:
    """Split after . ! ? … followed by a capital or an opening quote: "Objectifs : A. Rester B." -> 2."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def is_excerpt(excerpt: str, source_blocks: Sequence[str], whole_clause: bool = False) -> bool:
    """True when excerpt, in quotation form and without its final full stop, is found in one block
    between word boundaries (never a word cut in two).

    whole_clause: it must also end where the source ends a clause (punctuation or end of block),
    so that a sentence cannot stop half-way: "ces activités ne sont pas" is no excerpt of "ces
    activités ne sont pas si neutres ; elles…", though "Au total, 17 projets concrets seront lancés"
    is one of "Au total, 17 projets concrets seront lancés, allant de…".
    """
    needle = quotation_form(excerpt)
    needle = needle[:-1] if needle.endswith(".") and not needle.endswith("...") else needle
    if not needle:
        return False
    for block in (quotation_form(b) for b in source_blocks):
        start = block.find(needle)
        while start >= 0:
            end = start + len(needle)
            starts_word = start == 0 or not (block[start - 1].isalnum() and needle[0].isalnum())
            rest = block[end:]
            ends_word = not rest or not (rest[0].isalnum() and needle[-1].isalnum())
            ends_clause = not rest.lstrip(" ") or rest.lstrip(" ")[0] in _CLAUSE_PUNCTUATION or not needle[-1].isalnum()
            if starts_word and ends_word and (ends_clause or not whole_clause):
                return True
            start = block.find(needle, start + 1)
    return False
