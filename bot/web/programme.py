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
from bot.domain.practical import is_link, labelled
from bot.domain.text import join_french


@dataclass(frozen=True)
class PracticalLine:
    label: str  # "Lieu"
    value: str
    link: bool  # an address, shown as a link; else text (instructions, a place…)


@dataclass(frozen=True)
class EventView:
    id: str
    title: str
    kind: str
    organisers: str  # "la DITP et le SGAR Pays de la Loire"
    speakers: str
    description: str
    format: Optional[str]
    practical: tuple[PracticalLine, ...] = ()  # what the catalogue gives of time, place, links, access, price


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
            tuple(PracticalLine(label, value, is_link(e, value)) for label, value in labelled(e)),
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
