"""Honest fallbacks: say what the bot can do; after two misses in a row, give the human contact."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, send
from bot.domain import answers

FALLBACK_ACTIONS = {"action_fallback", "action_out_of_scope"}


def previous_turn_failed(tracker: Tracker) -> bool:
    """True when the bot's answer to the previous user message was already a fallback."""
    user_turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns += 1
            if user_turns > 1:
                return False
        elif user_turns == 1 and event.get("event") == "action" and event.get("name") in FALLBACK_ACTIONS:
            return True
    return False


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        return send(dispatcher, answers.answer_fallback(cat, repeated=previous_turn_failed(tracker)))


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        return send(dispatcher, answers.answer_out_of_scope(cat, repeated=previous_turn_failed(tracker)))
