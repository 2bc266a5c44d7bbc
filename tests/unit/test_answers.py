"""Replies say the catalogue's facts, list several matches with buttons and never invent."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import answers
from bot.domain.catalogue import load_catalogue
from bot.domain.linking import Linker
from bot.domain.queries import on_the_day_in_context, read_criteria

EVE = dt.date(2020, 11, 18)  # a demonstration pretends to be the day before the first events
DURING = dt.date(2020, 11, 25)  # the day of the serious game, between the 19th and the 26th
YEARS_LATER = dt.date(2026, 12, 2)  # a Wednesday, long after the month


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture(scope="module")
def criteria(cat):
    linker = Linker(cat)
    return lambda text, *entities: read_criteria(linker, list(entities), text, EVE)


@pytest.fixture(scope="module")
def asked_on(cat):
    """asked_on(day)(text, *entities): criteria of a message sent that day ("demain" counts from it)."""
    linker = Linker(cat)
    return lambda day: lambda text, *entities: read_criteria(linker, list(entities), text, day)


def text_of(answer: answers.Answer) -> str:
    return "\n".join(r.text for r in answer.replies)


def test_date_of_one_event(cat, criteria):
    answer = answers.answer_about_events(cat, "date", criteria("c quand le serious game ?"), [], today=EVE)
    assert "mercredi 25 novembre 2020" in text_of(answer)
    assert answer.focus == ["serious-game"]


def test_organisers_speakers_and_people(cat, criteria):
    assert "le SGAR Pays de la Loire et l'IRA de Nantes" in text_of(
        answers.answer_about_events(cat, "organiser", criteria("ki organise le serious game"), [], today=EVE)
    )
    communs = text_of(
        answers.answer_about_events(cat, "organiser", criteria("qui anime l'atelier sur les communs ?"), [], today=EVE)
    )
    assert communs == (
        "Tout comprendre sur les communs est organisé par le Conseil départemental de la Loire-Atlantique, "
        "avec La 27e Région."
    )
    design = text_of(
        answers.answer_about_events(
            cat,
            "organiser",
            criteria("qui présente la démarche design ?", ("event", "création de services numériques")),
            [],
            today=EVE,
        )
    )
    # The press kit: « par le SGAR Pays de la Loire et Marion Guerchet, UX researcher et consultante pour
    # Make It Brain »; it calls her neither co-host nor Make It Brain a speaker.
    assert design.endswith(
        "est organisé par le SGAR Pays de la Loire et Marion Guerchet, UX researcher et consultante pour Make It Brain."
    )
    assert "intervention" not in design and "co-animatrice" not in design


def test_follow_up_without_mention_uses_the_event_in_context(cat, criteria):
    answer = answers.answer_about_events(cat, "date", criteria("et c'est quand ?"), ["mind-mapping"], today=EVE)
    assert "jeudi 19 novembre 2020" in text_of(answer)


def test_several_matches_are_listed_with_buttons(cat, criteria):
    answer = answers.answer_about_events(
        cat, "date", criteria("l'atelier du SGAR", ("organiser", "SGAR")), [], today=EVE
    )
    reply = answer.replies[0]
    assert reply.text.startswith("Plusieurs événements correspondent")
    assert [b.payload for b in reply.buttons] == [
        '/inform{"event":"demarches-simplifiees-osmose"}',
        '/inform{"event":"serious-game"}',
        '/inform{"event":"passer-le-cap"}',
        '/inform{"event":"design-services-numeriques"}',
    ]


def test_no_event_in_context_asks_which_one(cat, criteria):
    answer = answers.answer_about_events(cat, "organiser", criteria("qui l'anime ?"), [], today=EVE)
    assert "De quel événement" in answer.replies[0].text and len(answer.replies[0].buttons) == 8


def test_practical_details_are_not_invented(cat, criteria):
    reply = text_of(
        answers.answer_about_events(
            cat, "practical", criteria("à quelle heure commence le mind mapping ?"), [], today=EVE
        )
    )
    assert "ne donne ni l'horaire, ni le lieu" in reply and "communication interministérielle" in reply
    assert not any(token in reply for token in ("h00", "9h", "14h", "salle", "http"))


def test_format_is_the_month_note_not_a_guess(cat, criteria):
    reply = text_of(
        answers.answer_about_events(cat, "format", criteria("le mind mapping c'est en ligne ?"), [], today=EVE)
    )
    assert "ne précise pas le format" in reply and "à distance" in reply


def test_a_phone_number_is_not_read_as_a_date(cat, criteria):
    asked = criteria("qui l'anime ? rappelez-moi au 06 12 34 56 78", ("event", "serious game"))
    assert asked.span is None and asked.weekday is None
    assert criteria("le programme du 24/11 ? mon numéro : 02.40.41.20.20").span.start.day == 24


def test_programme_of_a_day(cat, criteria):
    reply = text_of(answers.answer_day(cat, criteria("qu'y a-t-il le 19/11 ?"), today=EVE))
    assert reply.count("\n- ") == 4 and "Initiation au mind mapping" in reply


def test_a_day_outside_the_programme_is_said_honestly(cat, criteria):
    reply = text_of(answers.answer_day(cat, criteria("et le 3 décembre ?"), today=EVE))
    assert "aucun événement du programme le jeudi 3 décembre 2020" in reply and "19 novembre" in reply


def test_a_weekday_lists_each_matching_day(cat, criteria):
    reply = text_of(answers.answer_day(cat, criteria("le programme de jeudi"), today=EVE))
    assert "Jeudi 19 novembre 2020" in reply and "Jeudi 26 novembre 2020" in reply


def test_organiser_programme_includes_co_organised_events(cat, criteria):
    reply = text_of(answers.answer_organiser_programme(cat, criteria("que propose l'IRA de Nantes ?"), today=EVE))
    assert "Serious game" in reply and reply.count("\n- ") == 1


def test_a_local_actor_without_event_is_not_given_one(cat, criteria):
    reply = text_of(answers.answer_organiser_programme(cat, criteria("que propose le CNFPT ?"), today=EVE))
    assert "aucun événement" in reply and "acteurs locaux" in reply


def test_topic_events(cat, criteria):
    reply = text_of(answers.answer_topic(cat, criteria("des ateliers sur le design ?"), today=EVE))
    assert "Vu d'ailleurs" in reply and "démarche design" in reply


def test_an_event_asked_for_as_a_topic_is_presented(cat, criteria):
    reply = text_of(
        answers.answer_topic(
            cat, criteria("je cherche un atelier pour apprendre les cartes mentales, ça existe ?"), today=EVE
        )
    )
    assert "Initiation au mind mapping" in reply and "jeudi 19 novembre 2020" in reply


def test_whole_programme_month_projects_people_contact(cat, criteria):
    assert text_of(answers.answer_programme(cat)).count("\n- ") == 8
    month = text_of(answers.answer_month(cat, today=EVE))
    assert "Direction interministérielle de la transformation publique" in month and "au cœur des territoires" in month
    assert "17 projets" in text_of(answers.answer_project(cat, criteria("c'est quoi CAP 2030").mentions))
    assert "chargée de mission innovation publique" in text_of(
        answers.answer_person(cat, criteria("qui est Anne-Laure Guillaume").mentions)
    )
    assert "communication interministérielle" in text_of(answers.answer_contact(cat))


def test_asking_to_hear_about_a_project_or_a_person_answers_about_them_not_about_an_event(cat, criteria):
    project = answers.answer_about_events(cat, "details", criteria("Parle-moi de CAP 2030"), [], today=EVE)
    assert "17 projets" in text_of(project)
    person = answers.answer_about_events(cat, "details", criteria("présente-moi Anne-Laure Guillaume"), [], today=EVE)
    assert "chargée de mission innovation publique" in text_of(person)


def test_elliptical_follow_up_repeats_the_last_question(cat, criteria):
    answer, question = answers.answer_followup(
        cat, "organiser", criteria("et les communs ?", ("topic", "communs")), ["mind-mapping"], today=EVE
    )
    assert question == "organiser" and "Conseil départemental" in text_of(answer)


def test_a_date_follow_up_narrows_the_previous_list(cat, criteria):
    sgar = ["demarches-simplifiees-osmose", "serious-game", "passer-le-cap", "design-services-numeriques"]
    answer, _ = answers.answer_followup(cat, "date", criteria("celui du 25", ("date", "25")), sgar, today=EVE)
    assert answer.focus == ["serious-game"]


def test_repeated_failure_hands_over_to_a_human(cat):
    assert "Une personne pourra vous aider" in text_of(answers.answer_fallback(cat, repeated=True))
    assert "Une personne" not in text_of(answers.answer_fallback(cat, repeated=False))


def test_an_unknown_mention_is_not_replaced_by_the_context(cat, criteria):
    answer = answers.answer_about_events(
        cat,
        "date",
        criteria("c quand le mindmap ?", ("event", "mindmap")),
        ["serious-game"],
        today=EVE,
    )
    reply = answer.replies[0]
    assert "Je ne suis pas sûr" in reply.text and "« mindmap »" in reply.text
    assert reply.buttons[0].payload == '/inform{"event":"mind-mapping"}'
    assert "serious-game" not in [b.payload for b in reply.buttons][:1]


def test_the_ditp_is_said_to_organise_and_federate_as_the_press_kit_says(cat, criteria):
    reply = text_of(
        answers.answer_organiser_programme(cat, criteria("que fait la DITP ?", ("organiser", "DITP")), today=EVE)
    )
    assert reply.startswith(
        "La Direction interministérielle de la transformation publique (DITP) organise le Mois de l'innovation "
        "publique et fédère les événements proposés en Pays de la Loire, animés par une variété d'acteurs territoriaux."
    )
    assert "national" not in reply


def test_a_person_is_given_her_role_and_her_event(cat, criteria):
    reply = text_of(
        answers.answer_person(cat, criteria("qui est Marion Guerchet ?", ("person", "Marion Guerchet")).mentions)
    )
    assert reply == (
        "Marion Guerchet : UX researcher et consultante pour Make It Brain. "
        "Événement : « La création de services numériques à travers la démarche design », jeudi 26 novembre 2020."
    )


# --- Time: the reference day decides the tense ----------------------------------------------------


def test_years_later_an_event_is_said_to_have_taken_place(cat, asked_on):
    asked = asked_on(YEARS_LATER)
    reply = text_of(
        answers.answer_about_events(
            cat, "date", asked("Quand a eu lieu l'atelier sur les communs ?"), [], today=YEARS_LATER
        )
    )
    assert reply == "Tout comprendre sur les communs a eu lieu le jeudi 19 novembre 2020."
    reply = text_of(
        answers.answer_about_events(cat, "organiser", asked("qui organisait le serious game ?"), [], today=YEARS_LATER)
    )
    assert reply == (
        "Serious game : mener un entretien difficile et retour d'expérience a été organisé par le SGAR Pays de la Loire "
        "et l'IRA de Nantes."
    )


def test_on_the_demonstration_day_the_events_are_still_to_come(cat, criteria):
    reply = text_of(
        answers.answer_about_events(cat, "date", criteria("c quand l'atelier sur les communs ?"), [], today=EVE)
    )
    assert reply == "Tout comprendre sur les communs a lieu le jeudi 19 novembre 2020."


def test_during_the_month_each_event_has_its_own_tense(cat, asked_on):
    asked = asked_on(DURING)

    def date_of(text: str) -> str:
        return text_of(answers.answer_about_events(cat, "date", asked(text), [], today=DURING))

    assert (
        date_of("c'était quand le mind mapping ?") == "Initiation au mind mapping a eu lieu le jeudi 19 novembre 2020."
    )
    assert date_of("le serious game c'est quand ?") == (
        "Serious game : mener un entretien difficile et retour d'expérience a lieu aujourd'hui, mercredi 25 novembre 2020."
    )
    assert date_of("et passer le cap ?") == (
        "Transformation managériale et digitale = Passer le cap a lieu le jeudi 26 novembre 2020."
    )


def test_years_later_registering_is_first_told_that_the_month_is_over(cat, asked_on):
    asked = asked_on(YEARS_LATER)
    reply = text_of(
        answers.answer_about_events(
            cat, "practical", asked("Est-ce que je peux encore m'inscrire au serious game ?"), [], today=YEARS_LATER
        )
    )
    assert reply.startswith(
        "Le Mois de l'innovation publique en Pays de la Loire est terminé : « Serious game : mener un entretien "
        "difficile et retour d'expérience » a eu lieu le mercredi 25 novembre 2020."
    )
    # then what is known (nothing practical), then the contact, as on any day
    assert reply.index("est terminé") < reply.index("ne donne ni l'horaire, ni le lieu") < reply.index("contactez")
    assert reply.endswith("Service régional de la communication interministérielle.")


def test_years_later_registering_without_naming_an_event(cat, asked_on):
    answer = answers.answer_about_events(
        cat, "practical", asked_on(YEARS_LATER)("comment on s'inscrit ?"), [], today=YEARS_LATER
    )
    assert [r.buttons for r in answer.replies] == [()]  # no event to choose: they are all over
    assert text_of(answer).startswith(
        "Le Mois de l'innovation publique en Pays de la Loire est terminé : ses 8 événements ont eu lieu les "
        "jeudi 19 novembre, mardi 24 novembre, mercredi 25 novembre et jeudi 26 novembre 2020."
    )
    assert "communication interministérielle" in text_of(answer)
    several = answers.answer_about_events(
        cat,
        "practical",
        asked_on(YEARS_LATER)("où s'inscrire aux ateliers du SGAR ?", ("organiser", "SGAR")),
        [],
        today=YEARS_LATER,
    )
    assert text_of(several).startswith("Le Mois de l'innovation publique en Pays de la Loire est terminé")
    assert len(several.focus) == 4


def test_during_the_month_a_past_event_is_over_but_not_the_month(cat, asked_on):
    asked = asked_on(DURING)
    reply = text_of(
        answers.answer_about_events(
            cat, "practical", asked("peut-on encore s'inscrire au mind mapping ?"), [], today=DURING
        )
    )
    assert reply.startswith("« Initiation au mind mapping » a déjà eu lieu, le jeudi 19 novembre 2020.")
    assert "terminé" not in reply and "communication interministérielle" in reply


def test_on_the_demonstration_day_registering_gets_what_is_known_and_the_contact(cat, criteria):
    reply = text_of(
        answers.answer_about_events(cat, "practical", criteria("comment s'inscrire au serious game ?"), [], today=EVE)
    )
    assert reply.startswith(
        "Le dossier de presse ne donne ni l'horaire, ni le lieu, ni le lien d'inscription ou de connexion de "
        "« Serious game : mener un entretien difficile et retour d'expérience » (mercredi 25 novembre 2020)."
    )
    assert "terminé" not in reply and "a eu lieu" not in reply


def test_years_later_the_details_quote_the_press_kit_as_it_was(cat, asked_on):
    asked = asked_on(YEARS_LATER)
    reply = text_of(
        answers.answer_about_events(
            cat, "details", asked("parle-moi de vu d'ailleurs", ("event", "vu d'ailleurs")), [], today=YEARS_LATER
        )
    )
    assert "Date : mardi 24 novembre 2020 (événement passé)" in reply
    # "viendront présenter" is the press kit's future, introduced as such
    assert (
        "Le dossier de presse le présentait ainsi :\nPour les jeunes suivis" in reply and "viendront présenter" in reply
    )
    on_the_eve = text_of(
        answers.answer_about_events(
            cat, "details", asked("parle-moi de vu d'ailleurs", ("event", "vu d'ailleurs")), [], today=EVE
        )
    )
    assert "passé" not in on_the_eve and "présentait" not in on_the_eve


def test_years_later_the_month_itself_is_over(cat):
    reply = text_of(answers.answer_month(cat, today=YEARS_LATER))
    assert reply.startswith(
        "Le Mois de l'innovation publique en Pays de la Loire a eu lieu en novembre 2020 : il est terminé."
    )
    assert "comptait 8 événements" in reply
    assert (
        "Le dossier de presse le présentait ainsi : il met l'accent sur la « transformation publique au cœur des territoires »"
        in reply
    )
    on_the_eve = text_of(answers.answer_month(cat, today=EVE))
    assert on_the_eve.startswith(
        "Le Mois de l'innovation publique en Pays de la Loire a lieu en novembre 2020. Il est organisé"
    )
    assert "terminé" not in on_the_eve and "Il compte 8 événements" in on_the_eve


def test_the_month_is_over_after_its_last_calendar_day(cat):
    assert not answers.month_is_over(cat, dt.date(2020, 11, 27))  # the programme is over, November is not
    assert not answers.month_is_over(cat, dt.date(2020, 11, 30))
    assert answers.month_is_over(cat, dt.date(2020, 12, 1))


def test_tomorrow_and_this_week_count_from_the_reference_day(cat, asked_on):
    asked = asked_on(YEARS_LATER)
    tomorrow = text_of(answers.answer_day(cat, asked("qu'est-ce qu'il y a demain ?"), today=YEARS_LATER))
    assert tomorrow == (
        "Il n'y a aucun événement du programme le jeudi 3 décembre 2026. Les événements ont eu lieu les "
        "jeudi 19 novembre, mardi 24 novembre, mercredi 25 novembre et jeudi 26 novembre 2020."
    )
    this_week = text_of(answers.answer_day(cat, asked("quels événements cette semaine ?"), today=YEARS_LATER))
    assert this_week.startswith(
        "Il n'y a aucun événement du programme du lundi 30 novembre au dimanche 6 décembre 2026."
    )
    on_the_eve = text_of(answers.answer_day(cat, asked_on(EVE)("il se passe quoi demain ?"), today=EVE))
    assert on_the_eve.startswith("Au programme le jeudi 19 novembre 2020 :")


# --- "le même jour": the day of the event in context -------------------------------------------------


@pytest.mark.parametrize("question", ["il y a d'autres événements le même jour ?", "et ce jour-là, quoi d'autre ?"])
def test_the_same_day_is_the_day_of_the_event_in_context(cat, criteria, question):
    same_day = on_the_day_in_context(cat, criteria(question), question, ["communs"])
    text = "\n".join(r.text for r in answers.answer_day(cat, same_day, today=EVE).replies)
    assert "Initiation au mind mapping" in text and "Et si demain, nous comptons autrement ?" in text


def test_the_same_day_without_one_day_in_context_is_not_guessed(cat, criteria):
    question = "et le même jour ?"
    assert on_the_day_in_context(cat, criteria(question), question, []).span is None
    assert on_the_day_in_context(cat, criteria(question), question, ["communs", "serious-game"]).span is None


def test_an_event_compared_with_the_same_day_keeps_its_own_reading(cat, criteria):
    question = "le serious game c'est le même jour que le mind mapping ?"
    assert on_the_day_in_context(cat, criteria(question), question, ["communs"]).span is None
