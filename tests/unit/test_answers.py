"""Replies say the catalogue's facts, list several matches with buttons and never invent."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import answers
from bot.domain.catalogue import load_catalogue
from bot.domain.linking import Linker
from bot.domain.queries import read_criteria

EVE = dt.date(2020, 11, 18)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def criteria(cat):
    linker = Linker(cat)
    return lambda text, *entities: read_criteria(linker, list(entities), text, EVE)


def text_of(answer: answers.Answer) -> str:
    return "\n".join(r.text for r in answer.replies)


def test_date_of_one_event(cat, criteria):
    answer = answers.answer_about_events(cat, "date", criteria("c quand le serious game ?"), [])
    assert "mercredi 25 novembre 2020" in text_of(answer)
    assert answer.focus == ["serious-game"]


def test_organisers_speakers_and_people(cat, criteria):
    assert "le SGAR Pays de la Loire et l'IRA de Nantes" in text_of(
        answers.answer_about_events(cat, "organiser", criteria("ki organise le serious game"), [])
    )
    communs = text_of(
        answers.answer_about_events(cat, "organiser", criteria("qui anime l'atelier sur les communs ?"), [])
    )
    assert "Conseil départemental de la Loire-Atlantique" in communs and "La 27e Région" in communs
    design = text_of(
        answers.answer_about_events(
            cat,
            "organiser",
            criteria("qui présente la démarche design ?", ("event", "création de services numériques")),
            [],
        )
    )
    assert "Marion Guerchet" in design


def test_follow_up_without_mention_uses_the_event_in_context(cat, criteria):
    answer = answers.answer_about_events(cat, "date", criteria("et c'est quand ?"), ["mind-mapping"])
    assert "jeudi 19 novembre 2020" in text_of(answer)


def test_several_matches_are_listed_with_buttons(cat, criteria):
    answer = answers.answer_about_events(cat, "date", criteria("l'atelier du SGAR", ("organiser", "SGAR")), [])
    reply = answer.replies[0]
    assert reply.text.startswith("Plusieurs événements correspondent")
    assert [b.payload for b in reply.buttons] == [
        '/inform{"event":"demarches-simplifiees-osmose"}',
        '/inform{"event":"serious-game"}',
        '/inform{"event":"passer-le-cap"}',
        '/inform{"event":"design-services-numeriques"}',
    ]


def test_no_event_in_context_asks_which_one(cat, criteria):
    answer = answers.answer_about_events(cat, "organiser", criteria("qui l'anime ?"), [])
    assert "De quel événement" in answer.replies[0].text and len(answer.replies[0].buttons) == 8


def test_practical_details_are_not_invented(cat, criteria):
    reply = text_of(
        answers.answer_about_events(cat, "practical", criteria("à quelle heure commence le mind mapping ?"), [])
    )
    assert "ne donne ni l'horaire, ni le lieu" in reply and "communication interministérielle" in reply
    assert not any(token in reply for token in ("h00", "9h", "14h", "salle", "http"))


def test_format_is_the_month_note_not_a_guess(cat, criteria):
    reply = text_of(answers.answer_about_events(cat, "format", criteria("le mind mapping c'est en ligne ?"), []))
    assert "ne précise pas le format" in reply and "à distance" in reply


def test_a_phone_number_is_not_read_as_a_date(cat, criteria):
    asked = criteria("qui l'anime ? rappelez-moi au 06 12 34 56 78", ("event", "serious game"))
    assert asked.span is None and asked.weekday is None
    assert criteria("le programme du 24/11 ? mon numéro : 02.40.41.20.20").span.start.day == 24


def test_programme_of_a_day(cat, criteria):
    reply = text_of(answers.answer_day(cat, criteria("qu'y a-t-il le 19/11 ?")))
    assert reply.count("\n- ") == 4 and "Initiation au mind mapping" in reply


def test_a_day_outside_the_programme_is_said_honestly(cat, criteria):
    reply = text_of(answers.answer_day(cat, criteria("et le 3 décembre ?")))
    assert "aucun événement du programme le jeudi 3 décembre 2020" in reply and "19 novembre" in reply


def test_a_weekday_lists_each_matching_day(cat, criteria):
    reply = text_of(answers.answer_day(cat, criteria("le programme de jeudi")))
    assert "Jeudi 19 novembre 2020" in reply and "Jeudi 26 novembre 2020" in reply


def test_organiser_programme_includes_co_organised_events(cat, criteria):
    reply = text_of(answers.answer_organiser_programme(cat, criteria("que propose l'IRA de Nantes ?")))
    assert "Serious game" in reply and reply.count("\n- ") == 1


def test_a_local_actor_without_event_is_not_given_one(cat, criteria):
    reply = text_of(answers.answer_organiser_programme(cat, criteria("que propose le CNFPT ?")))
    assert "aucun événement" in reply and "acteurs locaux" in reply


def test_topic_events(cat, criteria):
    reply = text_of(answers.answer_topic(cat, criteria("des ateliers sur le design ?")))
    assert "Vu d'ailleurs" in reply and "démarche design" in reply


def test_whole_programme_month_projects_people_contact(cat, criteria):
    assert text_of(answers.answer_programme(cat)).count("\n- ") == 8
    month = text_of(answers.answer_month(cat))
    assert "Direction interministérielle de la transformation publique" in month and "au cœur des territoires" in month
    assert "17 projets" in text_of(answers.answer_project(cat, criteria("c'est quoi CAP 2030").mentions))
    assert "chargée de mission innovation publique" in text_of(
        answers.answer_person(cat, criteria("qui est Anne-Laure Guillaume").mentions)
    )
    assert "communication interministérielle" in text_of(answers.answer_contact(cat))


def test_elliptical_follow_up_repeats_the_last_question(cat, criteria):
    answer, question = answers.answer_followup(
        cat, "organiser", criteria("et les communs ?", ("topic", "communs")), ["mind-mapping"]
    )
    assert question == "organiser" and "Conseil départemental" in text_of(answer)


def test_a_date_follow_up_narrows_the_previous_list(cat, criteria):
    sgar = ["demarches-simplifiees-osmose", "serious-game", "passer-le-cap", "design-services-numeriques"]
    answer, _ = answers.answer_followup(cat, "date", criteria("celui du 25", ("date", "25")), sgar)
    assert answer.focus == ["serious-game"]


def test_repeated_failure_hands_over_to_a_human(cat):
    assert "Une personne pourra vous aider" in text_of(answers.answer_fallback(cat, repeated=True))
    assert "Une personne" not in text_of(answers.answer_fallback(cat, repeated=False))


def test_an_unknown_mention_is_not_replaced_by_the_context(cat, criteria):
    answer = answers.answer_about_events(
        cat, "date", criteria("c quand le mindmap ?", ("event", "mindmap")), ["serious-game"]
    )
    reply = answer.replies[0]
    assert "Je ne suis pas sûr" in reply.text and "« mindmap »" in reply.text
    assert reply.buttons[0].payload == '/inform{"event":"mind-mapping"}'
    assert "serious-game" not in [b.payload for b in reply.buttons][:1]
