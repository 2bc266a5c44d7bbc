"""Actions driven with real rasa-sdk Trackers and a CollectingDispatcher, as the action server does."""

from __future__ import annotations

from typing import Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.event_questions import ActionAnswerEventDate, ActionAnswerEventOrganiser
from actions.fallback import ActionFallback, ActionOutOfScope
from actions.programme_questions import ActionAnswerDayProgramme, ActionAnswerInform
from actions.region_questions import ActionAnswerContact


@pytest.fixture(autouse=True)
def pinned_reference_date(monkeypatch):
    monkeypatch.setenv("MOIS_REFERENCE_DATE", "2020-11-18")


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
