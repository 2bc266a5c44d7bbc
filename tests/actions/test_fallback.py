"""action_fallback: what the catalogue says of what the message names, else the press kit's words when a
passage answers, else the honest fallback."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback


def tracker(text: str, events: list[dict] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []}
    history = (events or []) + [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker("citoyen-1", {}, latest, history, False, None, {}, "action_listen")


def fallback(text: str, events: list[dict] | None = None) -> list[dict]:
    dispatcher = CollectingDispatcher()
    ActionFallback().run(dispatcher, tracker(text, events), {})
    return dispatcher.messages


def test_a_question_the_press_kit_answers_gets_its_words_and_the_quote_as_custom() -> None:
    [message] = fallback("pourquoi rendre l'accueil plus lisible pour les usagers ?")
    section = "Refonte de la signalétique pour les usagers à la Préfecture de la Loire-Atlantique"
    assert message["text"].startswith(f"Voici ce qu'en dit le dossier de presse (« {section} ») :\n« ")
    quote = message["custom"]["quote"]
    assert quote["section"] == section and f"« {quote['text']} »" in message["text"]


def test_a_question_outside_the_press_kit_gets_the_honest_fallback() -> None:
    [message] = fallback("quel temps fait-il à Nantes ?")
    assert message["text"].startswith("Désolé, je n'ai pas compris ou je n'ai pas cette information.")
    assert not message.get("custom")


def test_a_miss_after_a_quoted_answer_is_a_first_miss() -> None:
    answered = [
        {"event": "user", "text": "la signalétique inclusive ?", "parse_data": {}},
        {"event": "action", "name": "action_fallback"},
        {"event": "bot", "text": "Voici…", "data": {"custom": {"quote": {"text": "…", "section": "…"}}}},
        {"event": "action", "name": "action_listen"},
    ]
    [message] = fallback("blabla", answered)
    assert "Une personne pourra vous aider" not in message["text"]
    missed = [*answered[:2], {"event": "bot", "text": "Désolé…", "data": {}}, answered[3]]
    [message] = fallback("blabla", missed)
    assert "Une personne pourra vous aider" in message["text"]


def test_an_unclear_question_naming_an_event_gets_what_the_catalogue_says_of_it() -> None:
    dispatcher = CollectingDispatcher()
    events = ActionFallback().run(
        dispatcher, tracker("des infos sur le serious game sur les entretiens difficiles svp"), {}
    )
    [message] = dispatcher.messages
    assert "Serious game : mener un entretien difficile" in message["text"]
    assert "mercredi 25 novembre 2020" in message["text"]
    assert {"event": "slot", "name": "focus_events", "value": ["serious-game"]} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def test_a_miss_after_an_answer_on_a_named_project_is_a_first_miss() -> None:
    answered = [
        {"event": "user", "text": "hmm la signalétique", "parse_data": {}},
        {"event": "action", "name": "action_fallback"},
        {"event": "bot", "text": "Refonte de la signalétique…", "data": {}},
        {"event": "slot", "name": "last_question", "value": "definition"},
    ]
    [message] = fallback("bla bla", answered)
    assert "Une personne pourra vous aider" not in message["text"]
