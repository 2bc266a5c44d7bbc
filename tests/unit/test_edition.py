"""Another edition than November 2020 in Pays de la Loire: a small Breton one of November 2021, with no theme,
people, projects nor glossary. Dates, answers, the page and the generated lookups all read the edition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.domain import answers, knowledge
from bot.domain.catalogue import load_catalogue
from bot.domain.dates import parse_french_date
from bot.domain.linking import Linker
from bot.domain.queries import read_criteria
from bot.tooling.generate import build_nlu, entity_names
from bot.web.app import _template
from bot.web.programme import build_programme

EDITION = Path(__file__).resolve().parents[1] / "fixtures" / "edition-2021-bretagne.yml"
BEFORE = dt.date(2021, 11, 10)
AFTER = dt.date(2022, 1, 5)
CONTACT = "Pour en savoir plus, contactez : SGAR Bretagne, mission innovation publique."


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(EDITION)


@pytest.fixture(scope="module")
def asked(cat):
    linker = Linker(cat)
    return lambda text, today=BEFORE: read_criteria(linker, [], text, today)


def text_of(answer: answers.Answer) -> str:
    return "\n".join(r.text for r in answer.replies)


def test_the_edition_loads_with_its_month_and_events(cat):
    assert (cat.month.region, cat.month.period, cat.month.year, cat.month.month) == (
        "Bretagne",
        "novembre 2021",
        2021,
        11,
    )
    assert [e.id for e in cat.events_sorted()] == [
        "atelier-donnees",
        "webinaire-simplification",
        "forum-agents",
        "rencontre-usagers",
    ]


@pytest.mark.parametrize(
    "text, day",
    [
        ("qu'est-ce qu'il y a le 19 ?", dt.date(2021, 11, 19)),
        ("et jeudi 18 ?", dt.date(2021, 11, 18)),
        ("le programme du 16/11", dt.date(2021, 11, 16)),
        ("le 23 novembre", dt.date(2021, 11, 23)),
    ],
)
def test_a_day_without_month_or_year_falls_in_the_editions_month(cat, asked, text, day):
    assert parse_french_date(text, BEFORE, cat.month.year, cat.month.month).start == day
    assert asked(text).span.start == day


def test_the_programme_of_the_19th_is_the_forum(cat, asked):
    reply = text_of(answers.answer_day(cat, asked("qu'est-ce qu'il y a le 19 ?"), today=BEFORE))
    assert reply.startswith("Au programme le vendredi 19 novembre 2021 :")
    assert "Forum des agents innovants" in reply


def test_the_workshop_named_in_a_question_gets_its_time_and_place(cat, asked):
    answer = answers.answer_about_events(
        cat, "practical", asked("c'est où et à quelle heure l'atelier open data ?"), [], today=BEFORE
    )
    assert answer.focus == ["atelier-donnees"]
    reply = text_of(answer)
    assert "de 14 h à 16 h 30" in reply and "Lieu : Salle des Lices, 12 rue de l'Exemple, Rennes" in reply


def test_the_month_says_what_the_edition_does_not_give(cat):
    reply = text_of(answers.answer_month(cat, today=BEFORE))
    assert reply.startswith(
        "Le Mois de l'innovation publique en Bretagne a lieu en novembre 2021. Il est organisé par la Direction "
        "interministérielle de la transformation publique (DITP) et compte 4 événements, les mardi 16 novembre, "
        "jeudi 18 novembre, vendredi 19 novembre et mardi 23 novembre 2021. "
        "Le programme ne précise ni son thème, ni le format de ses événements, ni son objectif."
    )
    over = text_of(answers.answer_month(cat, today=AFTER))
    assert over.startswith("Le Mois de l'innovation publique en Bretagne a eu lieu en novembre 2021 : il est terminé.")
    assert "comptait 4 événements" in over


def test_a_month_with_a_theme_but_no_purpose_gives_the_theme_and_names_the_rest(cat):
    from dataclasses import replace

    themed = replace(cat, month=replace(cat.month, theme="l'administration en mouvement"))
    reply = text_of(answers.answer_month(themed, today=BEFORE))
    assert "Il met l'accent sur l'administration en mouvement." in reply
    assert "Le programme ne précise ni le format de ses événements, ni son objectif." in reply


def test_the_format_is_the_events_own_or_said_not_given(cat, asked):
    assert answers.answer_general_format(cat).replies[0].text == (
        f"Le programme ne précise pas le format des événements. {CONTACT}"
    )
    webinar = answers.one_event(cat, "format", cat.event("webinaire-simplification"), BEFORE)
    assert webinar == "Webinaire : simplifier un formulaire en ligne : À distance"
    forum = answers.one_event(cat, "format", cat.event("forum-agents"), BEFORE)
    assert forum == f"Le programme ne précise pas le format de « Forum des agents innovants ». {CONTACT}"


def test_no_projects_people_terms_nor_interview_are_invented(cat, asked):
    nothing = asked("quels sont les projets ?").mentions
    assert text_of(answers.answer_project(cat, nothing)) == (
        f"Le programme ne présente aucun projet de transformation publique. {CONTACT}"
    )
    assert text_of(answers.answer_person(cat, nothing)) == f"Le programme ne cite aucune personne. {CONTACT}"
    assert text_of(knowledge.glossary_menu(cat)) == f"Le programme ne définit aucun terme. {CONTACT}"
    assert "ne contient pas d'entretien" in text_of(knowledge.answer_interview(cat, "l'entretien"))
    for answer in (answers.answer_fallback(cat, repeated=False), answers.answer_out_of_scope(cat, repeated=False)):
        assert "Bretagne (novembre 2021)" in text_of(answer) and "projets" not in text_of(answer)


def test_the_page_renders_the_editions_period_times_places_and_links(cat):
    html = _template().render(p=build_programme(cat), max_chars=500)
    assert "<h1>Mois de l&#39;innovation publique en Bretagne</h1>" in html
    assert "En novembre 2021, la Direction interministérielle de la transformation publique (DITP) et ses " in html
    assert "vous proposent 4 événements." in html and "vous invitent à découvrir" not in html
    assert "None" not in html
    for day in ("mardi 16 novembre 2021", "jeudi 18 novembre 2021", "vendredi 19 novembre 2021"):
        assert day in html
    assert "<li>Horaire : de 14 h à 16 h 30</li>" in html
    assert "<li>Lieu : Salle des Lices, 12 rue de l&#39;Exemple, Rennes</li>" in html
    assert '<a href="https://visio.exemple.fr/simplification" rel="noopener">' in html
    assert '<a href="https://inscriptions.exemple.fr/atelier-donnees" rel="noopener">' in html
    assert "<li>Inscription : Sur inscription auprès du SGAR Bretagne</li>" in html
    assert "<li>Tarif : Gratuit</li>" in html


def test_the_2020_page_shows_no_practical_list():
    html = _template().render(p=build_programme(load_catalogue()), max_chars=500)
    assert "programme-event__practical" not in html and "vous invitent à découvrir" in html


def test_the_generated_lookups_hold_the_editions_events(cat):
    names = entity_names(cat)
    assert set(names["event"]) == {e.id for e in cat.events}
    assert "atelier open data" in names["event"]["atelier-donnees"]
    assert names["project"] == {} and names["person"] == {} and names["term"] == {}
    lookups = {item["lookup"]: item["examples"] for item in build_nlu(cat)["nlu"] if "lookup" in item}
    assert "- webinaire simplification\n" in lookups["event"]
    assert "- forum des agents\n" in lookups["event"]
    assert "project" not in lookups and "person" not in lookups
