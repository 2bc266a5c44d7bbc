"""Questions whose answer is a list: a day, an organiser, a topic, the whole programme."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, criteria_of, focus_of, reference_day, send
from bot.domain import answers, knowledge


class ActionAnswerDayProgramme(Action):
    def name(self) -> str:
        return "action_answer_day_programme"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        return send(dispatcher, answers.answer_day(cat, criteria_of(tracker, linker), today=reference_day()), "day")


class ActionAnswerOrganiserProgramme(Action):
    def name(self) -> str:
        return "action_answer_organiser_programme"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        return send(
            dispatcher,
            answers.answer_organiser_programme(cat, criteria_of(tracker, linker), today=reference_day()),
            "organiser_programme",
        )


class ActionAnswerTopicEvents(Action):
    def name(self) -> str:
        return "action_answer_topic_events"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        answer = answers.answer_topic(cat, criteria_of(tracker, linker), focus_of(tracker), today=reference_day())
        return send(dispatcher, answer, "topic")


class ActionAnswerProgramme(Action):
    def name(self) -> str:
        return "action_answer_programme"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        return send(dispatcher, answers.answer_programme(cat), "programme")


class ActionAnswerInform(Action):
    """A bare element: answers the previous question again about it."""

    def name(self) -> str:
        return "action_answer_inform"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        last_question, criteria, today = (
            tracker.get_slot("last_question"),
            criteria_of(tracker, linker),
            reference_day(),
        )
        if last_question == "definition":
            # « et le FTAP ? » after a definition: the meaning of that one too.
            defined = knowledge.answer_definition(cat, criteria, today=today)
            if defined:
                return send(dispatcher, defined, "definition")
        answer, question = answers.answer_followup(cat, last_question, criteria, focus_of(tracker), today=today)
        return send(dispatcher, answer, question or None)
