"""Catalogue queries: which events match what the user said."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Optional

from bot.domain.catalogue.model import Catalogue, Event
from bot.domain.dates import DateSpan, bare_weekday, parse_french_date
from bot.domain.linking import TERM, Linker, Mentions
from bot.domain.personal_data import mask
from bot.domain.text import fold


@dataclass(frozen=True)
class Criteria:
    """Everything a message constrains: catalogue mentions and a date."""

    mentions: Mentions
    span: Optional[DateSpan] = None
    weekday: Optional[int] = None
    date_text: Optional[str] = None  # a date the user wrote that could not be resolved
    unresolved: tuple[str, ...] = ()  # mentions the model saw that match no catalogue entry
    suggested: tuple[str, ...] = ()  # events those mentions might mean, to offer, not assume

    @property
    def has_event_constraint(self) -> bool:
        m = self.mentions
        return bool(m.of("event") or m.of("topic") or m.of("organiser") or self.span or self.weekday is not None)


def read_criteria(
    linker: Linker,
    entities: Sequence[tuple[str, str]],
    text: str,
    reference: dt.date,
) -> Criteria:
    """Build criteria from the model's entities (type, value) and the message text."""
    month = linker.catalogue.month
    named = [(k, v) for k, v in entities if k != "date"]
    mentions = linker.mentions(named, text)
    # A glossary term is linked apart (Linker.link_term); only catalogue names can be unresolved.
    unresolved = tuple(v for k, v in named if k != TERM and linker.link_value(v, k) is None)
    suggested = tuple(dict.fromkeys(i for v in unresolved for i in linker.suggest_events(v)))
    date_values = [v for k, v in entities if k == "date"]
    # A phone number ("06 12 34 56 78") or an address is not a date: read dates with them masked.
    for source in [mask(value) for value in (*date_values, text)]:
        span = parse_french_date(source, reference, month.year, month.month)
        if span:
            return Criteria(mentions, span=span, unresolved=unresolved, suggested=suggested)
        weekday = bare_weekday(source)
        if weekday is not None:
            return Criteria(mentions, weekday=weekday, unresolved=unresolved, suggested=suggested)
    return Criteria(
        mentions, date_text=date_values[0] if date_values else None, unresolved=unresolved, suggested=suggested
    )


_SAME_DAY = re.compile(r"\b(meme jour|ce jour la|jour meme)\b")


def on_the_day_in_context(cat: Catalogue, criteria: Criteria, text: str, context: Sequence[str]) -> Criteria:
    """ "le même jour", "ce jour-là": the day of the events the conversation is about, when they share one.

    Only for a message that names nothing else: "le serious game, c'est le même jour que le mind
    mapping ?" compares two events and keeps its own reading."""
    named = any(criteria.mentions.ids.values()) or criteria.span or criteria.weekday is not None
    if named or not _SAME_DAY.search(fold(text)):
        return criteria
    days = {cat.event(i).date for i in context if cat.has_event(i)}
    return replace(criteria, span=DateSpan.day(days.pop())) if len(days) == 1 else criteria


def matching_events(catalogue: Catalogue, criteria: Criteria, among: Optional[Sequence[Event]] = None) -> list[Event]:
    """Events satisfying every constraint, in programme order.

    Named events are taken as the user's intent: if another constraint rules them all out
    ("le serious game du 19"), the named events are returned rather than nothing.
    """
    pool = list(among) if among is not None else list(catalogue.events_sorted())
    m = criteria.mentions
    named = [e for e in pool if e.id in m.of("event")]
    result = named if m.of("event") else pool
    if m.of("topic"):
        result = [e for e in result if set(e.topics) & set(m.of("topic"))]
    if m.of("organiser"):
        result = [e for e in result if set(e.organisers + e.speakers) & set(m.of("organiser"))]
    if criteria.span:
        result = [e for e in result if criteria.span.contains(e.date)]
    if criteria.weekday is not None:
        result = [e for e in result if e.date.weekday() == criteria.weekday]
    return result if result or not named else named


def events_of_organiser(catalogue: Catalogue, organiser_id: str) -> list[Event]:
    return [e for e in catalogue.events_sorted() if organiser_id in e.organisers + e.speakers]
