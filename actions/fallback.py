"""Fallbacks: quote the press kit when a passage answers, else say honestly what the bot can do;
after two misses in a row, give the human contact."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, latest_text, send
from actions.passage_source import press_kit_answer
from bot.domain import answers

FALLBACK_ACTIONS = {"action_fallback", "action_out_of_scope"}


def _quoted(event: dict[str, Any]) -> bool:
    custom = (event.get("data") or {}).get("custom")
    return event.get("event") == "bot" and isinstance(custom, dict) and "quote" in custom


def previous_turn_failed(tracker: Tracker) -> bool:
    """True when the bot's answer to the previous user message was already a fallback.

    A fallback that quoted the press kit answered: it is no miss."""
    user_turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns += 1
            if user_turns > 1:
                return False
        elif user_turns == 1 and _quoted(event):
            return False
        elif user_turns == 1 and event.get("event") == "action" and event.get("name") in FALLBACK_ACTIONS:
            return True
    return False


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        answer = press_kit_answer(cat, latest_text(tracker))
        return send(dispatcher, answer or answers.answer_fallback(cat, repeated=previous_turn_failed(tracker)))


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        # A question on the press kit's subjects read as off-topic still gets the press kit's words.
        answer = press_kit_answer(cat, latest_text(tracker))
        return send(dispatcher, answer or answers.answer_out_of_scope(cat, repeated=previous_turn_failed(tracker)))
