"""Questions about one event: date, organiser, details, format, practical details."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, criteria_of, focus_of, latest_text, reference_day, send
from actions.passage_source import press_kit_answer
from bot.domain.answers import answer_about_events
from bot.domain.facets import asked_questions, asks_for_a_definition
from bot.domain.knowledge import answer_definition
from bot.domain.linking import TERM


class EventQuestionAction(Action):
    """Answers `question` about the event named in the message, or the one in context."""

    question = ""

    def name(self) -> str:
        return f"action_answer_event_{self.question}"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        criteria, text, today = criteria_of(tracker, linker), latest_text(tracker), reference_day()
        mentions = criteria.mentions
        if (
            self.question == "details"
            and mentions.of(TERM)
            and not mentions.of("event")
            and asks_for_a_definition(text)
        ):
            # « c'est quoi la comptabilité CARE ? » read as a presentation: the meaning is asked.
            return send(dispatcher, answer_definition(cat, criteria, today=today), "definition")  # type: ignore[arg-type]
        if criteria.unresolved and not criteria.has_event_constraint:
            # A name the catalogue lacks (« la stratégie pauvreté ») may be in the press kit's text.
            quoted = press_kit_answer(cat, text)
            if quoted:
                return send(dispatcher, quoted)
        # A compound question ("c'est quand et qui organise ?") gets every part answered.
        also = [q for q in asked_questions(text) if q != self.question]
        answer = answer_about_events(cat, self.question, criteria, focus_of(tracker), today=today, also=also)
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
