"""Answers for the long tail: the press kit's own words, quoted with the title of their section.

When no intent fits, the passage that best matches the question (bot/domain/passages.py) is quoted
word for word, with the contact; the bot adds no word of its own about the subject.
"""

from __future__ import annotations

from bot.domain.answers import Answer, Quote, Reply, contact_line
from bot.domain.catalogue import Catalogue
from bot.domain.passages import Hit


def answer_from_press_kit(cat: Catalogue, hit: Hit) -> Answer:
    """« Voici ce qu'en dit le dossier de presse (« section ») : « passage » », then the contact.

    The reply's text holds the quotation for channels that show only text; `quote` carries the same
    words for those that can show them as a quotation."""
    passage = hit.passage
    # The conversation is then about the event of that section, if it is one: "et c'est quand ?"
    focus = [event.id for event in cat.events if event.title == passage.section]
    text = f"Voici ce qu'en dit le dossier de presse (« {passage.section} ») :\n« {passage.text} »\n{contact_line(cat)}"
    return Answer([Reply(text, quote=Quote(text=passage.text, section=passage.section))], focus)
