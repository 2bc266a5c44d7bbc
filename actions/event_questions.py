"""Questions about one event: date, organiser, details, format, practical details."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, criteria_of, focus_of, reference_day, send
from bot.domain.answers import answer_about_events


class EventQuestionAction(Action):
    """Answers `question` about the event named in the message, or the one in context."""

    question = ""

    def name(self) -> str:
        return f"action_answer_event_{self.question}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        answer = answer_about_events(
            cat, self.question, criteria_of(tracker, linker), focus_of(tracker), today=reference_day()
        )
        return send(dispatcher, answer, self.question)


class ActionAnswerEventDate(EventQuestionAction):
    question = "date"


class ActionAnswerEventOrganiser(EventQuestionAction):
    question = "organiser"


class ActionAnswerEventDetails(EventQuestionAction):
    question = "details"


class ActionAnswerEventFormat(EventQuestionAction):
    question = "format"


class ActionAnswerEventPractical(EventQuestionAction):
    question = "practical"
