"""Actions driven with real rasa-sdk Trackers and a CollectingDispatcher, as the action server does."""

from __future__ import annotations

from typing import Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.event_questions import ActionAnswerEventDate, ActionAnswerEventOrganiser, ActionAnswerEventPractical
from actions.fallback import ActionFallback, ActionOutOfScope
from actions.programme_questions import ActionAnswerDayProgramme, ActionAnswerInform
from actions.region_questions import ActionAnswerContact, ActionAnswerMonth


@pytest.fixture(autouse=True)
def pinned_reference_date(monkeypatch):
    monkeypatch.setenv("MOIS_REFERENCE_DATE", "2020-11-18")  # the eve of the first events, as in a demo


@pytest.fixture
def years_later(monkeypatch):
    monkeypatch.setenv("MOIS_REFERENCE_DATE", "2026-12-02")


def tracker(
    text: str,
    intent: str,
    entities: Optional[list[dict]] = None,
    slots: Optional[dict] = None,
    events: Optional[list[dict]] = None,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.98}, "entities": entities or []}
    history = (events or []) + [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker("citoyen-1", slots or {}, latest, history, False, None, {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    return dispatcher.messages, events


def test_date_question_answers_and_remembers_the_event():
    messages, events = run(
        ActionAnswerEventDate(),
        tracker("C quand le serious game ?", "ask_event_date", [{"entity": "event", "value": "serious game"}]),
    )
    assert "mercredi 25 novembre 2020" in messages[0]["text"]
    assert SlotSet("focus_events", ["serious-game"]) in events
    assert SlotSet("last_question", "date") in events


def test_follow_up_uses_the_focus_slot():
    messages, _ = run(
        ActionAnswerEventOrganiser(),
        tracker("qui l'anime ?", "ask_event_organiser", slots={"focus_events": ["serious-game"]}),
    )
    assert "l'IRA de Nantes" in messages[0]["text"]


def test_ambiguous_question_sends_buttons():
    messages, events = run(
        ActionAnswerEventDate(),
        tracker("c'est quand l'atelier du SGAR ?", "ask_event_date", [{"entity": "organiser", "value": "sgar"}]),
    )
    assert len(messages[0]["buttons"]) == 4
    assert messages[0]["buttons"][1] == {
        "title": "Serious game : mener un entretien difficile et retour d'expérience (mercredi 25 novembre)",
        "payload": '/inform{"event":"serious-game"}',
    }
    assert (
        SlotSet(
            "focus_events",
            ["demarches-simplifiees-osmose", "serious-game", "passer-le-cap", "design-services-numeriques"],
        )
        in events
    )


def test_button_choice_answers_the_pending_question():
    messages, _ = run(
        ActionAnswerInform(),
        tracker(
            '/inform{"event":"passer-le-cap"}',
            "inform",
            [{"entity": "event", "value": "passer-le-cap"}],
            slots={"last_question": "date", "focus_events": ["serious-game", "passer-le-cap"]},
        ),
    )
    assert (
        messages[0]["text"]
        == "Transformation managériale et digitale = Passer le cap a lieu le jeudi 26 novembre 2020."
    )


def test_day_programme_with_relative_date():
    messages, _ = run(
        ActionAnswerDayProgramme(),
        tracker("qu'est-ce qu'il y a demain ?", "ask_day_programme", [{"entity": "date", "value": "demain"}]),
    )
    assert messages[0]["text"].startswith("Au programme le jeudi 19 novembre 2020")


def test_contact():
    messages, _ = run(ActionAnswerContact(), tracker("qui contacter ?", "ask_contact"))
    assert "Service régional de la communication interministérielle" in messages[0]["text"]


def test_second_miss_in_a_row_offers_the_human_contact():
    first = [
        {"event": "user", "text": "blabla", "parse_data": {}},
        {"event": "action", "name": "action_fallback"},
        {"event": "action", "name": "action_listen"},
    ]
    messages, _ = run(ActionFallback(), tracker("encore du blabla", "nlu_fallback", events=first))
    assert "Une personne pourra vous aider" in messages[0]["text"]
    messages, _ = run(ActionFallback(), tracker("blabla", "nlu_fallback"))
    assert "Une personne" not in messages[0]["text"]


def test_out_of_scope_is_honest():
    messages, _ = run(ActionOutOfScope(), tracker("comment refaire ma carte grise ?", "out_of_scope"))
    assert messages[0]["text"].startswith("Je ne peux répondre qu'aux questions sur le Mois de l'innovation publique")


def test_years_later_an_event_is_said_to_have_taken_place(years_later):
    messages, _ = run(
        ActionAnswerEventDate(),
        tracker("c'était quand le mind mapping ?", "ask_event_date", [{"entity": "event", "value": "mind mapping"}]),
    )
    assert messages[0]["text"] == "Initiation au mind mapping a eu lieu le jeudi 19 novembre 2020."


def test_years_later_can_i_still_register_says_the_month_is_over_then_the_contact(years_later):
    messages, events = run(
        ActionAnswerEventPractical(),
        tracker(
            "Est-ce que je peux encore m'inscrire au serious game ?",
            "ask_event_practical",
            [{"entity": "event", "value": "serious game"}],
        ),
    )
    text = messages[0]["text"]
    assert text.startswith("Le Mois de l'innovation publique en Pays de la Loire est terminé : « Serious game")
    assert "a eu lieu le mercredi 25 novembre 2020" in text
    assert text.endswith("Service régional de la communication interministérielle.")
    assert SlotSet("last_question", "practical") in events


def test_on_the_demonstration_day_registering_is_not_said_to_be_over():
    messages, _ = run(
        ActionAnswerEventPractical(),
        tracker(
            "comment s'inscrire au serious game ?",
            "ask_event_practical",
            [{"entity": "event", "value": "serious game"}],
        ),
    )
    assert messages[0]["text"].startswith("Le dossier de presse ne donne ni l'horaire, ni le lieu")
    assert "terminé" not in messages[0]["text"]


def test_years_later_tomorrow_is_counted_from_the_reference_date(years_later):
    messages, _ = run(
        ActionAnswerDayProgramme(),
        tracker("qu'est-ce qu'il y a demain ?", "ask_day_programme", [{"entity": "date", "value": "demain"}]),
    )
    assert messages[0]["text"].startswith("Il n'y a aucun événement du programme le jeudi 3 décembre 2026.")
    assert "Les événements ont eu lieu les" in messages[0]["text"]


def test_without_a_reference_date_today_in_paris_is_used(monkeypatch):
    monkeypatch.delenv("MOIS_REFERENCE_DATE")
    messages, _ = run(ActionAnswerMonth(), tracker("c'est quoi le mois de l'innovation publique ?", "ask_month"))
    assert "a eu lieu en novembre 2020 : il est terminé" in messages[0]["text"]
