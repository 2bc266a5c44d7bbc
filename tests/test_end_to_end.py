"""The real action server and Rasa server, asked in French over the REST channel."""

from __future__ import annotations

import uuid

import pytest

from tests.support.servers import ask, texts

pytestmark = pytest.mark.usefixtures("rasa_server")


@pytest.fixture
def conversation(rasa_server):
    sender = f"citoyen-{uuid.uuid4().hex[:8]}"
    return lambda text: ask(rasa_server, sender, text)


@pytest.mark.parametrize(
    "question, facts",
    [
        ("Quand a lieu l'atelier sur les communs ?", ["jeudi 19 novembre 2020"]),
        ("Qui organise le serious game ?", ["SGAR Pays de la Loire", "IRA de Nantes"]),
        ("c quand le mind mapping", ["jeudi 19 novembre 2020"]),
        (
            "Qu'est-ce qu'il y a le 24 novembre ?",
            ["Vu d'ailleurs : le passage minorité majorité chez les jeunes de l'ASE"],
        ),
        ("Que propose la Région Pays de la Loire ?", ["Initiation au mind mapping"]),
        ("Y a-t-il des événements sur la comptabilité CARE ?", ["Et si demain, nous comptons autrement ?"]),
        ("Quel est le programme du mois ?", ["Passer le cap", "Tout comprendre sur les communs", "Serious game"]),
        (
            "C'est quoi le Mois de l'innovation publique ?",
            ["Direction interministérielle de la transformation publique"],
        ),
        ("Parle-moi de CAP 2030", ["17 projets"]),
        ("Qui est Anne-Laure Guillaume ?", ["chargée de mission innovation publique, santé et culture"]),
        ("Qui dois-je contacter pour en savoir plus ?", ["Service régional de la communication interministérielle"]),
    ],
)
def test_questions_get_the_press_kit_facts(conversation, question, facts):
    reply = texts(conversation(question))
    for fact in facts:
        assert fact in reply, f"{question!r} -> {reply!r}"


def test_an_answer_about_one_event_offers_its_calendar_file(conversation):
    reply = conversation("Quand a lieu l'atelier sur les communs ?")
    calendars = [m["custom"]["calendar"] for m in reply if "calendar" in (m.get("custom") or {})]
    assert calendars == [{"event": "communs", "title": "Tout comprendre sur les communs"}]
    listing = conversation("Quel est le programme du mois ?")
    assert not [m for m in listing if "calendar" in (m.get("custom") or {})]  # a list: no single event to add


def test_practical_details_are_not_invented(conversation):
    reply = texts(conversation("À quelle heure commence le serious game et dans quelle salle ?"))
    assert "ne donne ni l'horaire, ni le lieu" in reply
    assert "communication interministérielle" in reply


def test_follow_up_questions_keep_the_event_in_context(conversation):
    assert "Serious game : mener un entretien difficile" in texts(conversation("Parle-moi du serious game"))
    assert "IRA de Nantes" in texts(conversation("qui l'anime ?"))
    assert "mercredi 25 novembre 2020" in texts(conversation("et c'est quand ?"))


def test_ambiguous_question_offers_buttons_and_a_choice_answers_it(conversation):
    messages = conversation("C'est quand l'atelier du SGAR ?")
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert len(buttons) == 4
    choice = next(b for b in buttons if "Passer le cap" in b["title"])
    assert "jeudi 26 novembre 2020" in texts(conversation(choice["payload"]))


def test_out_of_scope_gets_an_honest_answer_then_the_contact(conversation):
    assert "Je ne peux répondre qu'aux questions" in texts(conversation("Comment renouveler mon passeport ?"))
    assert "Une personne pourra vous aider" in texts(conversation("Et pour ma carte grise alors ?"))


def test_conversation_survives_in_the_tracker_store(rasa_server):
    import requests

    from tests.support.servers import API_TOKEN

    sender = f"citoyen-{uuid.uuid4().hex[:8]}"
    ask(rasa_server, sender, "Qui organise le mind mapping ?")
    tracker = requests.get(
        f"{rasa_server.url}/conversations/rest:{sender}/tracker", params={"token": API_TOKEN}, timeout=10
    ).json()
    assert tracker["slots"]["focus_events"] == ["mind-mapping"]
    assert requests.get(f"{rasa_server.url}/conversations/rest:{sender}/tracker", timeout=10).status_code == 401


# The reference day is pinned to Wednesday 18 November 2020 (tests/support/servers.py).
@pytest.mark.parametrize(
    "question, facts",
    [
        ("Qu'est-ce qu'il y a le 19 ?", ["jeudi 19 novembre 2020", "Initiation au mind mapping"]),
        ("Le programme du jeudi 19 novembre svp", ["Tout comprendre sur les communs"]),
        ("quels ateliers le 19/11 ?", ["Et si demain, nous comptons autrement ?"]),
        ("Qu'est-ce qui est prévu jeudi prochain ?", ["jeudi 19 novembre 2020"]),
        ("il se passe quoi demain ?", ["jeudi 19 novembre 2020"]),
        (
            "Quels événements cette semaine ?",
            ["du lundi 16 novembre au dimanche 22 novembre 2020", "Initiation au mind mapping"],
        ),
        ("Et le 3 décembre, il y a quoi ?", ["aucun événement du programme", "jeudi 19 novembre"]),
    ],
)
def test_french_dates(conversation, question, facts):
    reply = texts(conversation(question))
    for fact in facts:
        assert fact in reply, f"{question!r} -> {reply!r}"


@pytest.mark.parametrize(
    "question, fact",
    [
        (
            "c'est quand le truc sur la compta ?",
            "Et si demain, nous comptons autrement ? a lieu le jeudi 19 novembre 2020",
        ),
        (
            "Qui organise l'atelier de la 27e Région ?",
            "Tout comprendre sur les communs est organisé par le Conseil départemental",
        ),
        ("c quand l'atelier sur les comunns", "jeudi 19 novembre 2020"),
        ("ki anime le serius game", "l'IRA de Nantes"),
    ],
)
def test_indirect_and_misspelt_mentions(conversation, question, fact):
    assert fact in texts(conversation(question))


def test_elliptical_follow_up_reuses_the_last_question(conversation):
    assert "Région Pays de la Loire" in texts(conversation("Qui organise le mind mapping ?"))
    assert "Conseil départemental de la Loire-Atlantique" in texts(conversation("et les communs ?"))


def test_a_date_follow_up_narrows_the_previous_list(conversation):
    assert len([b for m in conversation("c'est quand les ateliers du SGAR ?") for b in m.get("buttons", [])]) == 4
    assert (
        "Serious game : mener un entretien difficile et retour d'expérience a lieu le mercredi 25 novembre 2020"
        in texts(conversation("celui du 25"))
    )
