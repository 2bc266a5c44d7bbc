"""The press-kit passage index of the action server: built once per process, when the actions load.

The action server imports every action module at start-up. Building the index then (spaCy's French
model takes a few seconds to load) keeps that wait out of the first fallback, which must answer
within the action timeout of endpoints.yml.
"""

from __future__ import annotations

from functools import cache
from typing import Optional

from bot.domain.answers import Answer
from bot.domain.catalogue import Catalogue
from bot.domain.grounded import answer_from_press_kit
from bot.domain.passages import PassageIndex
from bot.runtime.passages import load_passage_index


@cache
def passage_index() -> PassageIndex:
    return load_passage_index()


def press_kit_answer(cat: Catalogue, text: str) -> Optional[Answer]:
    """The press kit's words on the question, quoted, if a passage is worth quoting; else None."""
    hit = passage_index().best(text)
    return answer_from_press_kit(cat, hit) if hit else None


passage_index()
