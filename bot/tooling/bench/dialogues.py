"""Scripted conversations the load generator replays: each virtual user plays one, then the next, as a new sender."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union


@dataclass(frozen=True)
class Choice:
    """Click the button of the previous reply whose title contains `title` (as on the web page)."""

    title: str


Step = Union[str, Choice]
Dialogue = tuple[Step, ...]

# This bot: the questions of tests/test_end_to_end.py and of the knowledge tests, chained as a citizen would (greetings, follow-ups,
# dates relative to MOIS_REFERENCE_DATE, misspellings, a button, an off-topic question).
OURS: tuple[Dialogue, ...] = (
    (
        "Bonjour",
        "Quel est le programme du mois ?",
        "Qui organise le serious game ?",
        "et c'est quand ?",
        "merci, au revoir",
    ),
    ("Quand a lieu l'atelier sur les communs ?", "qui l'anime ?", "Qu'est-ce qu'il y a le 24 novembre ?", "merci"),
    ("c quand le mind mapping", "Que propose la Région Pays de la Loire ?", "Parle-moi de CAP 2030", "bonne journée"),
    (
        "C'est quand l'atelier du SGAR ?",
        Choice("Passer le cap"),
        "À quelle heure commence le serious game et dans quelle salle ?",
        "Qui dois-je contacter pour en savoir plus ?",
    ),
    (
        "il se passe quoi demain ?",
        "Quels événements cette semaine ?",
        "Y a-t-il des événements sur la comptabilité CARE ?",
        "ki anime le serius game",
        "merci beaucoup",
    ),
    (
        "C'est quoi le Mois de l'innovation publique ?",
        "Qui est Anne-Laure Guillaume ?",
        "Comment renouveler mon passeport ?",
        "au revoir",
    ),
    # Beyond the calendar: a definition and its event, a yes/no check, the interview, a number, the
    # press-kit passage index (the long tail), a person asked for.
    (
        "C'est quoi la comptabilité CARE ?",
        "et l'événement qui en parle ?",
        "c'est bien le 19 ?",
        "Qui fait partie de l'équipe d'Etat'LIN ?",
        "merci",
    ),
    (
        "combien de lauréats pour l'appel à projets de la DITP ?",
        "que dit le dossier sur la stratégie pauvreté ?",
        "je voudrais parler à quelqu'un",
        "au revoir",
    ),
)

# The bare `rasa init` bot (English, moods): phrasings close to its own training data and stories.
ANCHOR: tuple[Dialogue, ...] = (
    ("hello", "I am great", "bye"),
    ("hi", "I am sad", "yes", "goodbye"),
    ("good morning", "not good", "no", "bye bye"),
    ("hey", "are you a bot?", "perfect", "see you later"),
)


def button_payload(messages: list[dict], choice: Choice) -> Optional[str]:
    """Payload of the first button whose title contains the choice's text, in the previous reply."""
    for message in messages:
        for button in message.get("buttons") or []:
            if choice.title in str(button.get("title", "")):
                return str(button.get("payload", ""))
    return None
