"""The month itself, the regional projects, the people and the contact."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.adapter import catalogue, criteria_of, projects_in_focus, reference_day, send
from bot.domain import answers


class ActionAnswerMonth(Action):
    def name(self) -> str:
        return "action_answer_month"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        return send(dispatcher, answers.answer_month(cat, today=reference_day()), "month")


class ActionAnswerProject(Action):
    def name(self) -> str:
        return "action_answer_project"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        mentions = criteria_of(tracker, linker).mentions
        return send(dispatcher, answers.answer_project(cat, mentions, projects_in_focus(tracker)), "project")


class ActionAnswerPerson(Action):
    def name(self) -> str:
        return "action_answer_person"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, linker = catalogue()
        return send(dispatcher, answers.answer_person(cat, criteria_of(tracker, linker).mentions), "person")


class ActionAnswerContact(Action):
    def name(self) -> str:
        return "action_answer_contact"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        cat, _ = catalogue()
        return send(dispatcher, answers.answer_contact(cat), "contact")
