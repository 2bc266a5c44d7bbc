"""Trim entity spans to the words that name something, as the annotation convention says.

DIET sometimes extends a span by an article ("le vu d'ailleurs"), a quote mark ("« passer le
cap") or a trailing word ("… autrement ca"), or tags a lone function word ("la", "de"). Such
spans never name a catalogue entry: trim them, and drop what is left empty. Pure functions.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.lang.fr.stop_words import STOP_WORDS

from bot.domain.dates import MONTHS, WEEKDAYS
from bot.domain.text import fold

# Only articles and prepositions are cut at the start: a title may begin with another stop word
# ("Et si demain, nous comptons autrement ?"); at the end, also pronouns and conjunctions.
LEADING = {"le", "la", "les", "l", "de", "du", "des", "d", "au", "aux", "un", "une", "a", "en", "sur"}
TRAILING = LEADING | {
    "ca",
    "ce",
    "cette",
    "et",
    "ou",
    "je",
    "tu",
    "il",
    "elle",
    "on",
    "nous",
    "vous",
    "ils",
    "qui",
    "que",
    "quoi",
    "est",
    "fait",
    "plus",
    "se",
}
# A lone word from spaCy's French stop list, or a generic word the annotation convention leaves
# out (docs/conventions-nlu.md), never names an event, a topic or an organiser.
GENERIC_WORDS = {"atelier", "ateliers", "evenement", "evenements", "conference", "session", "truc", "programme"}
FUNCTION_WORDS = {fold(w).rstrip("'") for w in STOP_WORDS} | GENERIC_WORDS
DATE_WORDS = {
    *WEEKDAYS,
    *MONTHS,
    "demain",
    "aujourd'hui",
    "aujourd",
    "hui",
    "hier",
    "semaine",
    "prochain",
    "prochaine",
    "1er",
    "premier",
}
_WORD = re.compile(r"[\w-]+'?|'", re.UNICODE)
_EDGE_PUNCTUATION = " \t«»\"“”'’.,;:!?()"


def _words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word, elisions kept with their word ("l'")."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def _key(word: str) -> str:
    return fold(word).rstrip("'")


def clean_span(text: str, start: int, end: int, entity_type: str) -> tuple[int, int] | None:
    """The trimmed (start, end) of one span, or None when nothing meaningful is left."""
    span = text[start:end]
    words = [(start + s, start + e) for s, e in _words(span)]
    if entity_type == "date":  # keep "cette semaine" whole; a date needs a number or a date word
        while words and _key(text[words[0][0] : words[0][1]]) in {"le", "la", "l", "du", "au"}:
            words = words[1:]
        keys = [_key(text[s:e]) for s, e in words]
        if not any(k in DATE_WORDS or any(c.isdigit() for c in k) for k in keys):
            return None
        return words[0][0], words[-1][1]
    while words and _key(text[words[0][0] : words[0][1]]) in LEADING:
        words = words[1:]
    while words and _key(text[words[-1][0] : words[-1][1]]) in TRAILING:
        words = words[:-1]
    if not words or (len(words) == 1 and _key(text[words[0][0] : words[0][1]]) in FUNCTION_WORDS):
        return None
    new_start, new_end = words[0][0], words[-1][1]
    while new_end > new_start and text[new_end - 1] in _EDGE_PUNCTUATION:
        new_end -= 1
    return (new_start, new_end) if new_end > new_start else None


def clean_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities with trimmed spans and values; empty or function-word-only entities removed."""
    cleaned = []
    for entity in entities:
        start, end = entity.get("start"), entity.get("end")
        if start is None or end is None:
            cleaned.append(entity)  # e.g. from a button payload: nothing to trim
            continue
        span = clean_span(text, start, end, entity.get("entity", ""))
        if span is None:
            continue
        if span != (start, end):
            entity = {**entity, "start": span[0], "end": span[1], "value": text[span[0] : span[1]]}
        cleaned.append(entity)
    return cleaned
