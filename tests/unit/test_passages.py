"""Answers from the press kit: its passages, found by BM25 and quoted word for word, or none at all.

The passages are the press kit's paragraphs under the title of their section; a question gets the
passage that speaks of it, quoted with the contact, and a question the press kit does not answer
gets no passage (the honest fallback answers instead).
"""

from __future__ import annotations

import pytest

from bot.domain.catalogue import load_catalogue
from bot.domain.grounded import answer_from_press_kit
from bot.domain.passages import Hit, Passage, PassageIndex, clean_markdown, parse_press_kit
from bot.domain.text import fold, markdown_blocks
from bot.runtime.passages import PRESS_KIT, load_passage_index

KIT = PRESS_KIT.read_text(encoding="utf-8")
INTERVIEW = "3 questions à Anne-Laure Guillaume, Chargée de mission innovation publique, santé et culture au SGAR Pays de la Loire"
SIGNALETIQUE = "Refonte de la signalétique pour les usagers à la Préfecture de la Loire-Atlantique"

MINI_KIT = (
    """
## DOSSIER DE PRESSE

##### **Tout comprendre sur les *communs***

par le Conseil Départemental de la Loire-Atlantique, le 19 novembre

Les biens communs sont des ressources. [La 27e Région](#) vous propose de vous présenter les communs.

### 2 questions à Jeanne Martin, cheffe de projet

#### Que fait le lab ?

*Le lab accompagne les services.*

"""
    + (
        # The signature, with the Markdown line break (two spaces) of the press kit.
        "**Préfecture de Loire-Atlantique**  \n**Service régional de la communication interministérielle**\n"
    )
)

FEW_WORDS = {"les", "des", "une", "est", "que", "qui", "quoi", "pour", "sur", "dans", "par", "aux", "c'est"}


def simple_lemmatise(text: str) -> list[str]:
    """Enough for the tests: the folded words of three letters or more, some small words dropped."""
    return [w for w in fold(text).replace("'", " ").split() if len(w) > 2 and w not in FEW_WORDS]


@pytest.fixture(scope="module")
def kit_passages() -> list[Passage]:
    return parse_press_kit(KIT)


@pytest.fixture(scope="module")
def spacy_index() -> PassageIndex:
    return load_passage_index()


# --- Parsing -----------------------------------------------------------------------------------------


def test_a_passage_is_a_paragraph_under_the_title_of_its_section_without_markdown_marks() -> None:
    communs, lab = parse_press_kit(MINI_KIT)
    assert communs.section == "Tout comprendre sur les communs"
    assert communs.text == (
        "Les biens communs sont des ressources. La 27e Région vous propose de vous présenter les communs."
    )
    assert communs.context == "par le Conseil Départemental de la Loire-Atlantique, le 19 novembre"
    assert lab == Passage(
        "2 questions à Jeanne Martin, cheffe de projet", "Que fait le lab ?\nLe lab accompagne les services."
    )


def test_headings_alone_the_by_line_and_the_signature_are_not_passages() -> None:
    texts = [p.text for p in parse_press_kit(MINI_KIT)]
    assert not any("DOSSIER DE PRESSE" in t or t.startswith("par le") or "Service régional" in t for t in texts)


def test_clean_markdown_keeps_the_words() -> None:
    assert clean_markdown("«*demarches-simplifiees.fr*» [OSMOSE](#) est") == "«demarches-simplifiees.fr» OSMOSE est"


def test_every_passage_of_the_press_kit_is_its_text_word_for_word(kit_passages: list[Passage]) -> None:
    blocks = set(markdown_blocks(KIT))
    for passage in kit_passages:
        assert passage.section in blocks
        assert all(line in blocks for line in passage.text.split("\n")), passage.text


def test_the_press_kit_gives_the_paragraphs_of_every_part(kit_passages: list[Passage]) -> None:
    sections = list(dict.fromkeys(p.section for p in kit_passages))
    assert len(kit_passages) == 23 and len(sections) == 16
    assert [p.text.split(" :")[0] for p in kit_passages if p.section == SIGNALETIQUE] == ["Objectifs", "Bénéfices"]
    interview = [p.text.split("\n")[0] for p in kit_passages if p.section == INTERVIEW]
    assert interview == [
        "Quelle est la place du Lab Etat'LIN dans l'écosystème de l'innovation dans la région ?",
        "Parmi les différents labs d'innovation publique régionaux, quelles sont les spécificités d'Etat'LIN ?",
        "À quels enjeux du territoire doit-il répondre en priorité ?",
    ]
    assert not any("Service régional de la communication" in p.text for p in kit_passages)


# --- Ranking and threshold (simple lemmatiser) ----------------------------------------------------------


def test_the_passage_that_speaks_of_the_question_comes_first(kit_passages: list[Passage]) -> None:
    index = PassageIndex(kit_passages, simple_lemmatise)
    assert index.search("une signalétique inclusive pour les usagers ?")[0].passage.section == SIGNALETIQUE
    assert index.best("jardins partagés et logiciels libres").passage.section == "Tout comprendre sur les communs"
    hits = index.search("jardins partagés et logiciels libres", limit=3)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_question_the_press_kit_does_not_answer_gets_no_passage(kit_passages: list[Passage]) -> None:
    index = PassageIndex(kit_passages, simple_lemmatise)
    assert index.best("comment renouveler mon passeport ?") is None
    assert index.search("recette de la galette bretonne") == []
    assert index.best("") is None


def test_a_word_found_all_over_the_press_kit_points_at_no_passage() -> None:
    passages = [
        Passage("Ateliers", "Les ateliers ont lieu à Nantes."),
        Passage("Communs", "Les communs sont partout, à Nantes aussi."),
        Passage("Design", "L'école de design de Nantes."),
        Passage("Signalétique", "Une signalétique inclusive."),
    ]
    assert PassageIndex(passages, simple_lemmatise, threshold=0.0).search("Nantes ?") == []
    assert PassageIndex(passages, simple_lemmatise, threshold=0.0, specific_sections=3).search("Nantes ?") != []
    assert PassageIndex(passages, simple_lemmatise, threshold=0.0).search("l'école de Nantes")[0].passage.section == (
        "Design"
    )


def test_below_the_threshold_there_is_no_passage(kit_passages: list[Passage]) -> None:
    question = "une signalétique inclusive pour les usagers ?"
    score = PassageIndex(kit_passages, simple_lemmatise).search(question)[0].score
    assert PassageIndex(kit_passages, simple_lemmatise, threshold=score).best(question) is not None
    assert PassageIndex(kit_passages, simple_lemmatise, threshold=score + 0.01).best(question) is None


# --- With spaCy's French lemmas, as the action server runs it ----------------------------------------------


def test_the_team_of_etat_lin_is_in_the_interview(spacy_index: PassageIndex) -> None:
    hit = spacy_index.best("qui fait partie de l'équipe d'Etat'LIN ?")
    assert hit is not None and hit.passage.section == INTERVIEW
    assert "composé d'une équipe pluridisciplinaire" in hit.passage.text


def test_the_weather_in_nantes_is_not_in_the_press_kit(spacy_index: PassageIndex) -> None:
    assert spacy_index.best("quel temps fait-il à Nantes ?") is None


# --- The answer --------------------------------------------------------------------------------------------


def test_the_answer_quotes_the_passage_word_for_word_with_its_section_and_the_contact(
    kit_passages: list[Passage],
) -> None:
    cat = load_catalogue()
    passage = next(p for p in kit_passages if p.section == SIGNALETIQUE)
    [reply] = answer_from_press_kit(cat, Hit(passage, 2.0)).replies
    assert reply.text == (
        f"Voici ce qu'en dit le dossier de presse (« {SIGNALETIQUE} ») :\n« {passage.text} »\n"
        f"Pour en savoir plus, contactez : {cat.contact.name}."
    )
    assert reply.quote is not None
    assert (reply.quote.text, reply.quote.section) == (passage.text, SIGNALETIQUE)


def test_a_passage_on_an_event_puts_the_event_in_context_for_the_next_question(
    kit_passages: list[Passage],
) -> None:
    cat = load_catalogue()
    serious_game = cat.event("serious-game")
    passage = next(p for p in kit_passages if p.section == serious_game.title)
    assert answer_from_press_kit(cat, Hit(passage, 2.0)).focus == ["serious-game"]
    on_a_project = next(p for p in kit_passages if p.section == SIGNALETIQUE)
    assert answer_from_press_kit(cat, Hit(on_a_project, 2.0)).focus == []
