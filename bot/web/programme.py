"""The programme shown on the page, built from the catalogue and rebuilt when the file changes.

An edited catalogue that fails validation is refused: the page keeps the last valid version and
the error is logged, as the action server does, so a typo never takes the page down.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Optional

from bot.catalogue import Catalogue, load_catalogue
from bot.dates import format_day
from bot.text import join_french

logger = logging.getLogger(__name__)


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
        title=month.name, region=month.region, period=month.period, theme=month.theme, format=month.format,
        purpose=month.purpose, organiser=cat.organiser(month.organiser).in_sentence,
        local_actors=names(month.local_actors), source=cat.source, contact=cat.contact.name,
        days=tuple(days), event_count=len(cat.events),
    )


class ProgrammeSource:
    """The programme of one catalogue file, reloaded when its modification time or size changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: Optional[tuple[int, int]] = None
        self._current: Optional[ProgrammeView] = None
        self.last_error: Optional[str] = None

    def _file_stamp(self) -> Optional[tuple[int, int]]:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def get(self) -> ProgrammeView:
        """The current programme; raises CatalogueError only if no valid version was ever loaded."""
        stamp = self._file_stamp()
        if self._current is not None and stamp == self._stamp:
            return self._current
        with self._lock:
            if self._current is None or stamp != self._stamp:
                try:
                    self._current = build_programme(load_catalogue(self.path))
                    self.last_error = None
                except Exception as exc:  # CatalogueError, or whatever a broken file makes the loader raise
                    self.last_error = str(exc)
                    if self._current is None:
                        raise
                    logger.error("Catalogue refusé, la page garde la version précédente : %s", exc)
                self._stamp = stamp
        assert self._current is not None
        return self._current
