"""Beyond the calendar: definitions, numbers, the interview, yes/no checks, compound questions."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import answers, knowledge
from bot.domain.catalogue import load_catalogue
from bot.domain.facets import asked_questions, asks_for_a_definition
from bot.domain.linking import Linker
from bot.domain.queries import read_criteria

YEARS_LATER = dt.date(2026, 12, 2)
EVE = dt.date(2020, 11, 18)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def criteria(cat):
    linker = Linker(cat)
    return lambda text, *entities, day=YEARS_LATER: read_criteria(linker, list(entities), text, day)


def text_of(answer) -> str:
    return "\n".join(r.text for r in answer.replies)


# --- definitions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, words",
    [
        ("c'est quoi la comptabilité CARE ?", "comptabilité adaptée au renouvellement de l'environnement"),
        ("les communs c'est quoi exactement", "ressources, gérées collectivement par une communauté"),
        ("que veut dire DITP", "Direction interministérielle de la transformation publique"),
        ("FTAP ça veut dire quoi", "Fonds pour la Transformation de l'Action Publique"),
        ("c koi osmose", "la nouvelle plateforme collaborative dédiée aux agents de l'Etat"),
        ("ASE ?", "Aide Sociale à l'Enfance"),
        ("définition du design svp", "une méthodologie visant à concevoir, avec les utilisateurs"),
        ("c'est quoi le mind mapping", "stimuler la pensée créative"),
        ("Etat'LIN c'est quoi", "le laboratoire d'innovation publique de l'État en région Pays de la Loire"),
    ],
)
def test_a_term_is_defined_with_the_press_kits_words(cat, criteria, question, words):
    assert words in text_of(knowledge.answer_definition(cat, criteria(question), today=YEARS_LATER))


def test_a_definition_names_the_events_that_speak_of_it_and_keeps_them_in_context(cat, criteria):
    answer = knowledge.answer_definition(cat, criteria("c'est quoi la compta CARE ?"), today=YEARS_LATER)
    assert "Il en a été question lors de « Et si demain, nous comptons autrement ? »" in text_of(answer)
    assert answer.focus == ["compter-autrement"]
    # "et l'événement qui en parle ?" is then a question about the event in context.
    follow_up = answers.answer_about_events(
        cat, "details", criteria("et l'événement qui en parle ?"), answer.focus, today=YEARS_LATER
    )
    assert "Et si demain, nous comptons autrement ?" in text_of(follow_up)


def test_the_organiser_of_the_month_is_defined_with_its_role(cat, criteria):
    text = text_of(knowledge.answer_definition(cat, criteria("la DITP c'est qui ?"), today=YEARS_LATER))
    assert "a organisé le Mois de l'innovation publique" in text


def test_a_name_the_press_kit_does_not_expand_says_so_then_what_it_says(cat, criteria):
    text = text_of(knowledge.answer_definition(cat, criteria("c'est quoi le SGAR ?"), today=YEARS_LATER))
    assert text.startswith("Le dossier de presse ne développe pas « SGAR Pays de la Loire »")
    assert "Serious game : mener un entretien difficile" in text


def test_an_event_asked_as_a_definition_is_presented(cat, criteria):
    text = text_of(knowledge.answer_definition(cat, criteria("c'est quoi le serious game ?"), today=YEARS_LATER))
    assert "Développer l'écoute malgré les effets de l'agression".lower() in text.lower()


def test_nothing_known_is_left_to_the_press_kit_search(cat, criteria):
    assert (
        knowledge.answer_definition(cat, criteria("c'est quoi la stratégie de Lisbonne ?"), today=YEARS_LATER) is None
    )
    menu = knowledge.glossary_menu(cat)
    assert len(menu.replies[0].buttons) == len(cat.glossary)


def test_definition_words_are_told_from_a_presentation():
    assert asks_for_a_definition("c'est quoi la comptabilité CARE ?")
    assert asks_for_a_definition("que veut dire FTAP")
    assert not asks_for_a_definition("parle-moi de l'atelier sur les communs")


# --- numbers ----------------------------------------------------------------------------------------


def test_laureates_are_counted_in_the_press_kits_sentence(cat, criteria):
    text = text_of(
        knowledge.answer_count(cat, criteria("combien de lauréats ?"), "combien de lauréats ?", today=YEARS_LATER)
    )
    assert "6 lauréats de l'appel à projets lancé début février 2020" in text


def test_cap_2030_projects_are_counted(cat, criteria):
    question = "combien de projets dans CAP 2030 ?"
    text = text_of(knowledge.answer_count(cat, criteria(question), question, today=YEARS_LATER))
    assert "17 projets concrets seront lancés" in text


def test_the_events_of_a_day_are_counted_and_listed(cat, criteria):
    question = "combien d'événements le 19 ?"
    text = text_of(knowledge.answer_count(cat, criteria(question), question, today=YEARS_LATER))
    assert text.startswith("4 événements le jeudi 19 novembre 2020 :")
    assert "Tout comprendre sur les communs" in text


def test_the_whole_programme_is_counted_in_the_past_once_over(cat, criteria):
    question = "il y a combien d'ateliers ?"
    text = text_of(knowledge.answer_count(cat, criteria(question), question, today=YEARS_LATER))
    assert "comptait 8 événements" in text


def test_an_organisers_events_are_counted(cat, criteria):
    question = "combien d'événements organise le SGAR"
    text = text_of(knowledge.answer_count(cat, criteria(question), question, today=YEARS_LATER))
    assert text.startswith("4 événements proposés par le SGAR Pays de la Loire")


# --- the interview ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, words",
    [
        ("qui compose l'équipe du lab ?", "d'un data manager"),
        ("avec qui travaille Etat'LIN ?", "en association très étroite avec l'école de Design de Nantes"),
        ("quelles priorités pour le territoire ?", "Notre constat prioritaire"),
    ],
)
def test_the_interview_answer_is_quoted_word_for_word(cat, question, words):
    answer = knowledge.answer_interview(cat, question)
    reply = answer.replies[0]
    assert words in reply.text and reply.quote is not None and words in reply.quote.text
    assert reply.quote.section.startswith("3 questions à Anne-Laure Guillaume")


def test_the_interview_without_a_precise_question_offers_its_three_questions(cat):
    reply = knowledge.answer_interview(cat, "que dit Anne-Laure Guillaume ?").replies[0]
    assert len(reply.buttons) == 3 and reply.buttons[0].payload == '/ask_interview{"interview":"place"}'
    chosen = knowledge.answer_interview(cat, "", chosen="enjeux").replies[0]
    assert "CAP 2030" in chosen.text


# --- yes / no ---------------------------------------------------------------------------------------


def test_a_right_date_gets_a_yes(cat, criteria):
    text = text_of(
        knowledge.answer_check(
            cat, criteria("c'est bien le 19 ?"), "c'est bien le 19 ?", ["communs"], today=YEARS_LATER
        )
    )
    assert text == "Oui : Tout comprendre sur les communs a eu lieu le jeudi 19 novembre 2020."


def test_a_wrong_organiser_gets_a_no_and_the_right_one(cat, criteria):
    question = "c'est le SGAR qui l'anime ?"
    text = text_of(knowledge.answer_check(cat, criteria(question), question, ["communs"], today=YEARS_LATER))
    assert text.startswith("Non : ") and "Conseil départemental de la Loire-Atlantique" in text


def test_a_check_can_name_its_event(cat, criteria):
    question = "c'est la Région qui organise le mind mapping ?"
    text = text_of(knowledge.answer_check(cat, criteria(question), question, [], today=YEARS_LATER))
    assert text.startswith("Oui : Initiation au mind mapping")


def test_a_wrong_weekday_gets_a_no(cat, criteria):
    text = text_of(
        knowledge.answer_check(
            cat, criteria("c'est bien jeudi ?"), "c'est bien jeudi ?", ["serious-game"], today=YEARS_LATER
        )
    )
    assert text.startswith("Non : ") and "mercredi 25 novembre 2020" in text


def test_a_format_check_says_the_press_kit_does_not_tell(cat, criteria):
    text = text_of(
        knowledge.answer_check(
            cat, criteria("c'est en visio ?"), "c'est en visio ?", ["serious-game"], today=YEARS_LATER
        )
    )
    assert "ne précise pas le format" in text and not text.startswith(("Oui", "Non"))


def test_a_check_without_any_event_asks_which(cat, criteria):
    answer = knowledge.answer_check(cat, criteria("c'est bien le 19 ?"), "c'est bien le 19 ?", [], today=YEARS_LATER)
    assert "De quel événement" in text_of(answer) and answer.replies[0].buttons


# --- compound questions, the general format, a person ------------------------------------------------


def test_a_compound_question_gets_both_answers(cat, criteria):
    question = "date + orga du mind mapping ?"
    assert asked_questions(question) == ("date", "organiser")
    answer = answers.answer_about_events(cat, "date", criteria(question), [], today=YEARS_LATER, also=["organiser"])
    text = text_of(answer)
    assert "jeudi 19 novembre 2020" in text and "la Région Pays de la Loire" in text


@pytest.mark.parametrize(
    "question, asked",
    [
        ("quand a lieu le serious game ?", ("date",)),
        ("le mind mapping aura lieu quel jour ?", ("date",)),
        ("c'est dans quel lieu, le serious game ?", ("practical",)),
        ("date et lieu de passer le cap ?", ("date", "practical")),
    ],
)
def test_the_verb_avoir_lieu_asks_no_place(question, asked):
    assert asked_questions(question) == asked


def test_two_topics_name_the_event_on_both(cat, criteria):
    question = "qui intervient sur la démarche design pour les services numériques ?"
    text = text_of(answers.answer_about_events(cat, "organiser", criteria(question), [], today=YEARS_LATER))
    assert "Marion Guerchet, UX researcher et consultante pour Make It Brain" in text


def test_the_format_of_the_events_in_general_is_the_months(cat, criteria):
    question = "les événements sont-ils en présentiel ?"
    text = text_of(answers.answer_about_events(cat, "format", criteria(question), [], today=YEARS_LATER))
    assert "de nombreux événements organisés à distance dans le contexte actuel" in text


def test_asking_for_a_person_gives_the_contact(cat):
    text = text_of(knowledge.answer_human(cat))
    assert "Service régional de la communication interministérielle" in text
    assert "ne donne ni adresse électronique ni numéro de téléphone" in text


def test_the_interviewee_leads_to_her_interview(cat, criteria):
    reply = answers.answer_person(cat, criteria("qui est Anne-Laure Guillaume ?").mentions).replies[0]
    assert "3 questions à Anne-Laure Guillaume" in reply.text and reply.buttons


def test_the_event_that_speaks_of_a_term_is_the_one_in_context(cat, criteria):
    defined = knowledge.answer_definition(cat, criteria("c'est quoi les communs ?"), today=YEARS_LATER)
    follow_up = answers.answer_topic(cat, criteria("et l'événement qui en parle ?"), defined.focus, today=YEARS_LATER)
    assert "La 27e Région" in text_of(follow_up)


def test_what_the_month_is_comes_with_its_events(cat):
    answer = answers.answer_month(cat, today=YEARS_LATER)
    assert "Initiation au mind mapping" in text_of(answer) and len(answer.focus) == len(cat.events)


# --- a message whose intent is unclear ---------------------------------------------------------------


@pytest.mark.parametrize(
    "message, words",
    [
        ("Parle-moi de CAP 2030", "17 projets"),
        ("des infos sur le serious game svp", "Serious game : mener un entretien difficile"),
        ("hmm Marion Guerchet", "UX researcher"),
        ("le FTAP ?", "Fonds pour la Transformation de l'Action Publique"),
        ("il y a d'autres trucs le 19 ?", "Initiation au mind mapping"),
    ],
)
def test_an_unclear_message_gets_what_the_catalogue_says_of_the_thing_it_names(cat, criteria, message, words):
    assert words in text_of(knowledge.answer_named(cat, criteria(message), today=YEARS_LATER))


def test_an_unclear_message_naming_only_a_topic_or_an_organiser_gets_nothing_of_it(cat, criteria):
    assert knowledge.answer_named(cat, criteria("et le SGAR ?"), today=YEARS_LATER) is None
