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
from bot.domain.dates import format_day
from bot.domain.text import join_french


@dataclass(frozen=True)
class EventView:
    id: str
    title: str
    kind: str
    organisers: str  # "la DITP et le SGAR Pays de la Loire"
    speakers: str
    description: str
    format: Optional[str]


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
    theme: str
    format: str
    purpose: str
    organiser: str
    local_actors: str
    source: str
    contact: str
    days: tuple[DayView, ...]
    event_count: int


def build_programme(cat: Catalogue) -> ProgrammeView:
    def names(ids: tuple[str, ...]) -> str:
        return join_french([cat.organiser(i).in_sentence for i in ids])

    days = []
    for day, events in groupby(cat.events_sorted(), key=lambda e: e.date):
        views = tuple(
            EventView(e.id, e.title, e.kind, names(e.organisers), names(e.speakers), e.description, e.format)
            for e in events
        )
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
