"""What an import source yields: events in a neutral form, already in the edition's time zone.

Every source (iCalendar, OpenAgenda) reads its file into `SourceEvent`s; nothing after it knows which
format the event came from. A problem a user can fix is an `ImportFailure`: one French sentence that
names the file and the event (its title, else its uid), never a traceback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

ON_SITE, ONLINE, MIXED = "Sur place.", "En ligne.", "Sur place et en ligne."


class ImportFailure(ValueError):
    """A file that cannot be imported, with where and why, in French."""


@dataclass(frozen=True)
class Day:
    """One day of an event: the catalogue has one entry per day. Times are local to the edition."""

    date: dt.date
    start: Optional[dt.time] = None
    end: Optional[dt.time] = None


@dataclass
class SourceEvent:
    uid: str
    title: str
    days: tuple[Day, ...]
    description: Optional[str] = None
    organisers: tuple[str, ...] = ()  # names, as the source writes them
    keywords: tuple[str, ...] = ()
    format: Optional[str] = None  # ON_SITE, ONLINE or MIXED
    place: Optional[str] = None
    online_link: Optional[str] = None
    registration: Optional[str] = None
    accessibility: Optional[str] = None
    price: Optional[str] = None
    cancelled: bool = False
    # Source fields present but not kept (images, coordinates…), and what else the report should say.
    not_kept: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How errors and the report name the event: « title » (uid)."""
        return f"« {self.title} » ({self.uid})" if self.title else f"d'identifiant « {self.uid} »"


def spread(start: dt.datetime | dt.date, end: Optional[dt.datetime | dt.date], all_day: bool) -> list[Day]:
    """The days a span covers. On one day: its start and end times. Over several: the first day keeps
    its start time, the others have none (an end time alone, without a start, would read as a start).

    All-day spans (iCalendar DATE values) have no times and an exclusive end, as RFC 5545 says.
    """
    if all_day:
        first = start if not isinstance(start, dt.datetime) else start.date()
        last = (end if not isinstance(end, dt.datetime) else end.date()) if end else None
        last = last - dt.timedelta(days=1) if last and last > first else first
        return [Day(first + dt.timedelta(days=n)) for n in range((last - first).days + 1)]
    assert isinstance(start, dt.datetime)
    begin_time = start.time().replace(second=0, microsecond=0)
    if not isinstance(end, dt.datetime) or end <= start:
        return [Day(start.date(), begin_time)]
    end_time: Optional[dt.time] = end.time().replace(second=0, microsecond=0)
    last = end.date()
    if end.time() == dt.time(0, 0) and last > start.date():  # ends at midnight: the day before ends it
        last, end_time = last - dt.timedelta(days=1), None
    if last == start.date():
        return [Day(start.date(), begin_time, end_time if end_time and end_time > begin_time else None)]
    count = (last - start.date()).days + 1
    return [Day(start.date(), begin_time)] + [Day(start.date() + dt.timedelta(days=n)) for n in range(1, count)]


def merge_days(days: list[Day]) -> tuple[Day, ...]:
    """Several spans on one day (a morning and an afternoon) become one day: earliest start, latest end."""
    by_date: dict[dt.date, Day] = {}
    for day in days:
        known = by_date.get(day.date)
        if known is None:
            by_date[day.date] = day
            continue
        starts = [t for t in (known.start, day.start) if t]
        ends = [t for t in (known.end, day.end) if t]
        by_date[day.date] = Day(day.date, min(starts) if starts else None, max(ends) if ends else None)
    return tuple(by_date[d] for d in sorted(by_date))
