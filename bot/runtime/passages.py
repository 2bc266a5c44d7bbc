"""The press-kit passage index at run time: spaCy's French lemmas over data/dossier-de-presse.md.

fr_core_news_sm is loaded once per process, without its parser and entity recogniser (the
lemmatiser needs only the tagger): a few seconds and some 270 MB, most of it spaCy's French
tokenizer. The action server builds the index once, at start-up (actions/passage_source.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from bot.domain.passages import PassageIndex, parse_press_kit
from bot.domain.text import fold
from bot.runtime.settings import PROJECT_ROOT

PRESS_KIT = PROJECT_ROOT / "data" / "dossier-de-presse.md"
SPACY_MODEL = "fr_core_news_sm"


@cache
def _nlp() -> Any:
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["parser", "ner", "senter"])


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.fr.stop_words import STOP_WORDS

    return frozenset(fold(w) for w in STOP_WORDS)


def lemmatise(text: str) -> list[str]:
    """French words of a text as lemmas, lowercased and without accents, stop words and punctuation
    dropped: "Qui fait partie de l'équipe d'Etat'LIN ?" -> ["partie", "equipe", "etat", "lin"]."""
    stop = _stop_words()
    words = []
    for token in _nlp()(text):
        if token.is_punct or token.is_space or token.is_stop:
            continue
        if any(c.isdigit() for c in token.text):  # "3.0", "27e", "2030": as written
            words.append(token.text.lower().strip(".,"))
            continue
        # Names and addresses as written: their lemmas vary with the tag ("Nantes" -> "nante").
        form = token.text if token.pos_ == "PROPN" or token.like_url else token.lemma_ or token.text
        for word in fold(form).replace("'", " ").split():
            if len(word) > 1 and word not in stop:
                words.append(word)
    return words


def load_passage_index(path: Path = PRESS_KIT) -> PassageIndex:
    return PassageIndex(parse_press_kit(path.read_text(encoding="utf-8")), lemmatise)
