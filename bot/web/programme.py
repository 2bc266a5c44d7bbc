"""The programme shown on the page, built from the catalogue and rebuilt when the file changes.

An edited catalogue that fails validation is refused: the page keeps the last valid version and
the error is logged, as the action server does, so a typo never takes the page down.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Optional

from bot.domain.catalogue import Catalogue
from bot.domain.catalogue.live import LiveCatalogue
from bot.domain.catalogue.model import Event
from bot.domain.dates import format_day
from bot.domain.practical import time_phrase
from bot.domain.text import is_web_address, join_french


@dataclass(frozen=True)
class EventView:
    id: str
    title: str
    kind: str
    organisers: str  # "la DITP et le SGAR Pays de la Loire"
    speakers: str
    description: str
    format: Optional[str]
    # Practical details, None when the catalogue does not give them.
    time: Optional[str] = None  # "de 14 h à 16 h 30"
    place: Optional[str] = None
    online_link: Optional[str] = None
    registration: Optional[str] = None
    registration_is_link: bool = False  # an address, shown as a link; else instructions, shown as text
    accessibility: Optional[str] = None
    price: Optional[str] = None


@dataclass(frozen=True)
class DayView:
    iso: str
    label: str  # "jeudi 19 novembre 2020"
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class ProgrammeView:
    title: str  # "Mois de l'innovation publique"
    region: str
    period: str
    theme: Optional[str]  # None when the catalogue does not give it
    format: Optional[str]
    purpose: Optional[str]
    organiser: str
    local_actors: str
    source: str
    contact: str
    days: tuple[DayView, ...]
    event_count: int


def build_programme(cat: Catalogue) -> ProgrammeView:
    def names(ids: tuple[str, ...]) -> str:
        return join_french([cat.organiser(i).in_sentence for i in ids])

    def view(e: Event) -> EventView:
        return EventView(
            e.id,
            e.title,
            e.kind,
            names(e.organisers),
            names(e.speakers),
            e.description,
            e.format,
            time=time_phrase(e),
            place=e.place,
            online_link=e.online_link,
            registration=e.registration,
            registration_is_link=bool(e.registration and is_web_address(e.registration)),
            accessibility=e.accessibility,
            price=e.price,
        )

    days = []
    for day, events in groupby(cat.events_sorted(), key=lambda e: e.date):
        views = tuple(view(e) for e in events)
        days.append(DayView(day.isoformat(), format_day(day), views))
    month = cat.month
    return ProgrammeView(
        title=month.name,
        region=month.region,
        period=month.period,
        theme=month.theme,
        format=month.format,
        purpose=month.purpose,
        organiser=cat.organiser(month.organiser).in_sentence,
        local_actors=names(month.local_actors),
        source=cat.source,
        contact=cat.contact.name,
        days=tuple(days),
        event_count=len(cat.events),
    )


def programme_source(path: Path) -> LiveCatalogue[ProgrammeView]:
    """The programme of one catalogue file, rebuilt when the file changes."""
    return LiveCatalogue(path, build_programme, "la page")
