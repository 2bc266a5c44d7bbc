"""Questions beyond the calendar: definitions, numbers, the interview, yes/no checks, a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, criteria_of, focus_of, latest_text, reference_day, send
from actions.passage_source import press_kit_answer
from bot.domain import knowledge


class ActionAnswerDefinition(Action):
    def name(self) -> str:
        return "action_answer_definition"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        criteria = criteria_of(tracker, linker)
        answer = (
            knowledge.answer_definition(cat, criteria, today=reference_day())
            or press_kit_answer(cat, latest_text(tracker))
            or knowledge.glossary_menu(cat)
        )
        return send(dispatcher, answer, "definition")


class ActionAnswerCount(Action):
    def name(self) -> str:
        return "action_answer_count"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        answer = knowledge.answer_count(cat, criteria_of(tracker, linker), latest_text(tracker), today=reference_day())
        return send(dispatcher, answer, "count")


class ActionAnswerInterview(Action):
    def name(self) -> str:
        return "action_answer_interview"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        chosen = next(tracker.get_latest_entity_values("interview"), None)
        return send(dispatcher, knowledge.answer_interview(cat, latest_text(tracker), chosen), "interview")


class ActionAnswerHuman(Action):
    def name(self) -> str:
        return "action_answer_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        return send(dispatcher, knowledge.answer_human(cat), "human")


class ActionAnswerCheck(Action):
    def name(self) -> str:
        return "action_answer_check"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        answer = knowledge.answer_check(
            cat, criteria_of(tracker, linker), latest_text(tracker), focus_of(tracker), today=reference_day()
        )
        return send(dispatcher, answer, "check")
