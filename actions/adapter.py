"""Shared plumbing: read entities and context from the tracker, send an Answer back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue_source import live_catalogue
from bot.domain.answers import Answer
from bot.domain.catalogue import Catalogue
from bot.domain.dates import reference_date
from bot.domain.linking import Linker
from bot.domain.queries import Criteria, on_the_day_in_context, read_criteria
from bot.runtime.settings import load_settings

ENTITY_TYPES = ("event", "topic", "organiser", "date", "project", "person", "term")


def latest_entities(tracker: Tracker) -> list[tuple[str, str]]:
    entities = tracker.latest_message.get("entities") or []
    return [
        (e["entity"], str(e.get("value")))
        for e in entities
        if e.get("entity") in ENTITY_TYPES and e.get("value") is not None
    ]


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    # Button payloads ("/inform{...}") carry their entities; their text holds no words to scan.
    return "" if text.startswith("/") else text


def reference_day() -> dt.date:
    """The day the bot speaks on: MOIS_REFERENCE_DATE when set (tests, demos), else today in the
    edition's time zone.

    Relative dates ("demain") count from it and the answers' tenses depend on it."""
    cat, _ = live_catalogue()
    return reference_date(load_settings().mois_reference_date, cat.month.timezone)


def criteria_of(tracker: Tracker, linker: Linker) -> Criteria:
    text = latest_text(tracker)
    criteria = read_criteria(linker, latest_entities(tracker), text, reference_day())
    return on_the_day_in_context(linker.catalogue, criteria, text, focus_of(tracker))


def focus_of(tracker: Tracker) -> list[str]:
    return list(tracker.get_slot("focus_events") or [])


def projects_in_focus(tracker: Tracker) -> list[str]:
    return list(tracker.get_slot("focus_projects") or [])


def send(dispatcher: CollectingDispatcher, answer: Answer, question: Optional[str] = None) -> list[dict[str, Any]]:
    """Utter the replies and remember what the conversation is now about."""
    for reply in answer.replies:
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
        # The quote and the calendar link travel as `custom`, next to the text: the web page and team chats
        # show a quotation and an « Ajouter à mon agenda » link (bot/runtime/channels/quotes.py).
        custom: dict[str, Any] = {}
        if reply.quote:
            custom["quote"] = {"text": reply.quote.text, "section": reply.quote.section}
        if reply.calendar:
            custom["calendar"] = {"event": reply.calendar.event, "title": reply.calendar.title}
        dispatcher.utter_message(text=reply.text, buttons=buttons or None, json_message=custom or None)
    events: list[dict[str, Any]] = []
    if answer.focus:
        events.append(SlotSet("focus_events", answer.focus))
    if answer.focus_projects or answer.focus:  # a new subject: the former project is no longer meant
        events.append(SlotSet("focus_projects", answer.focus_projects))
    if question:
        events.append(SlotSet("last_question", question))
    return events


def catalogue() -> tuple[Catalogue, Linker]:
    return live_catalogue()
