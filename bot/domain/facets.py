"""What a message asks about an event, read from its words: "c'est quand et qui organise ?".

The model gives one intent per message; a compound question ("date + orga ?") asks several
things, and each one gets its answer. A yes/no check ("c'est en visio ?") names the facet it checks.
"""

from __future__ import annotations

import re

from bot.domain.text import fold

# Folded (lowercase, no accents) patterns, one set per question of answers.EVENT_QUESTIONS.
_FACET_PATTERNS = {
    "date": (r"\bquand\b", r"\bdate\b", r"\bquel jour\b", r"\bc koi la date\b", r"\bjour\b"),
    "organiser": (
        r"\borganis",
        r"\borga\b",
        r"\bqui (l )?(anime|porte|presente|intervient|propose|organise)",
        r"\bavec qui\b",
        r"\bpar qui\b",
        r"\bintervenant",
        r"\banimateur",
        r"\banime par\b",
    ),
    "format": (
        r"\bvisio",
        r"\ba distance\b",
        r"\bdistanciel\b",
        r"\bpresentiel\b",
        r"\ben ligne\b",
        r"\bformat\b",
        r"\bwebinaire\b",
    ),
    "practical": (
        r"\bheure\b",
        r"\bhoraire",
        r"\bsalle\b",
        # the place, not the verb "avoir lieu" ("quand a lieu le serious game ?" asks for the date only)
        r"(?<!\ba )(?<!\beu )(?<!\bont )(?<!\baura )(?<!\bavoir )(?<!\bavait )\blieu\b",
        r"\binscri",
        r"\blien\b",
        r"\badresse\b",
        r"\bgratuit",
        r"\bprix\b",
        r"\btarif",
    ),
}


def _folded(text: str) -> str:
    return " ".join(fold(text).replace("'", " ").replace("+", " + ").split())


def asked_questions(text: str) -> tuple[str, ...]:
    """The event questions the words of a message ask, in answers.EVENT_QUESTIONS order."""
    folded = _folded(text)
    return tuple(q for q, patterns in _FACET_PATTERNS.items() if any(re.search(p, folded) for p in patterns))


def asks_about_format(text: str) -> bool:
    return "format" in asked_questions(text)


def matches_any(text: str, keywords: tuple[str, ...]) -> int:
    """Length of the longest keyword (folded words) the text contains, 0 when none: longer is surer."""
    folded = f" {_folded(text)} "
    return max((len(k) for k in keywords if f" {_folded(k)} " in folded), default=0)


_DEFINITION_PATTERNS = (
    r"\bc (est )?quoi\b",
    r"\bc koi\b",
    r"\bqu est ce que?\b",
    r"\bveut dire\b",
    r"\bsignifie",
    r"\bdefini",
    r"\bsigle\b",
    r"\bacronyme\b",
)


def asks_for_a_definition(text: str) -> bool:
    """ "c'est quoi…", "que veut dire…", "définition de…": the meaning of a word, not an event's programme."""
    folded = _folded(text)
    return any(re.search(p, folded) for p in _DEFINITION_PATTERNS)
