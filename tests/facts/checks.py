"""How the fact tests read the bot's replies: a fact is found word for word, or by its words.

`exact`: the reply contains the fact as written, up to typographic spaces and apostrophes.
`by_words`: the reply contains the fact's words in order, whatever the accents, case and
punctuation ("l'Etat" and "l'État", a definition quoted with or without its final period).
"""

from __future__ import annotations

import re

from bot.domain.text import fold

_TYPOGRAPHY = str.maketrans({"’": "'", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"A-ZÀ-ÖØ-Þ])")


def normalise(text: str) -> str:
    return " ".join(text.translate(_TYPOGRAPHY).split())


def exact(fact: str, reply: str) -> bool:
    return normalise(fact) in normalise(reply)


def by_words(fact: str, reply: str) -> bool:
    return f" {fold(fact)} " in f" {fold(reply)} "


def first_sentence(text: str) -> str:
    """The first sentence of a catalogue text ("Lab' 3.0" and "3.0" keep their dots)."""
    return _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


def slug(text: str) -> str:
    return re.sub(r"[-' ]+", "-", fold(text)).strip("-")
