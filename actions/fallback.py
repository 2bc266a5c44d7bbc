"""Fallbacks: say what the catalogue knows of what the message names, or quote the press kit when a
passage answers, else say honestly what the bot can do; after two misses in a row, give the contact."""

from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, criteria_of, latest_text, reference_day, send
from actions.passage_source import press_kit_answer
from bot.domain import answers
from bot.domain.answers import Answer
from bot.domain.knowledge import answer_named

FALLBACK_ACTIONS = {"action_fallback", "action_out_of_scope"}
NAMED = "definition"  # the question a named thing's answer replies to, as action_answer_definition


def _quoted(event: dict[str, Any]) -> bool:
    custom = (event.get("data") or {}).get("custom")
    return event.get("event") == "bot" and isinstance(custom, dict) and "quote" in custom


def previous_turn_failed(tracker: Tracker) -> bool:
    """True when the bot's answer to the previous user message was already a fallback.

    A fallback that answered (_answered) is no miss."""
    user_turns = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            user_turns += 1
            if user_turns > 1:
                return False
        elif user_turns == 1 and _answered(event):
            return False
        elif user_turns == 1 and event.get("event") == "action" and event.get("name") in FALLBACK_ACTIONS:
            return True
    return False


def _answered(event: dict[str, Any]) -> bool:
    """A fallback that quoted the press kit or answered on what the message named is no miss."""
    named = event.get("event") == "slot" and event.get("name") == "last_question" and event.get("value") == NAMED
    return named or _quoted(event)


def best_effort(tracker: Tracker) -> tuple[Optional[Answer], Optional[str]]:
    cat, linker = catalogue()
    named = answer_named(cat, criteria_of(tracker, linker), today=reference_day())
    if named:
        return named, NAMED
    return press_kit_answer(cat, latest_text(tracker)), None


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        answer, question = best_effort(tracker)
        return send(
            dispatcher, answer or answers.answer_fallback(cat, repeated=previous_turn_failed(tracker)), question
        )


class ActionOutOfScope(Action):
    def name(self) -> str:
        return "action_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        # A question on the press kit's subjects read as off-topic still gets an answer on them.
        answer, question = best_effort(tracker)
        return send(
            dispatcher, answer or answers.answer_out_of_scope(cat, repeated=previous_turn_failed(tracker)), question
        )
