"""Find what an imported event, organiser or topic already is in the base catalogue.

Organisers and topics: the source's name is folded (accents, case and punctuation erased, as
`bot.domain.text.fold` does for users' words) and compared with every name and alias already known,
those created by this import included, with rapidfuzz's `token_sort_ratio` (word order ignored, every
word counted). A score of at least `THRESHOLD` out of 100 is a match: high, because a wrong match
silently files an event under someone else, while a missed one only adds an entry the report lists and
staff can merge by hand. Below it, a new entry is created with a slug id.

Events: by the source's uid and date, then by id, then by title (folded) and date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional

from rapidfuzz import fuzz, process

from bot.domain.text import fold
from bot.tooling.importing.texts import slug, unique

THRESHOLD = 90


@dataclass
class Resolution:
    """How one source name became an id: matched (with the name it matched and its score) or created."""

    source_name: str
    id: str
    matched_name: Optional[str] = None
    score: float = 100.0

    @property
    def created(self) -> bool:
        return self.matched_name is None


@dataclass
class Registry:
    """Names and aliases of one kind of entry (organisers or topics), growing as the import creates some."""

    choices: list[tuple[str, str, str]] = field(default_factory=list)  # (folded name, id, name as written)
    taken: set[str] = field(default_factory=set)
    resolutions: dict[str, Resolution] = field(default_factory=dict)  # by folded source name

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Iterable[str]]]) -> Registry:
        registry = cls()
        for ident, names in entries:
            registry.add(ident, names)
        return registry

    def add(self, ident: str, names: Iterable[str]) -> None:
        self.taken.add(ident)
        self.choices += [(fold(n), ident, n) for n in names if fold(n)]

    def resolve(self, name: str) -> Resolution:
        """The id for name: matched, or created (`Resolution.created`: the caller then writes the entry)."""
        key = fold(name)
        if key in self.resolutions:
            return self.resolutions[key]
        best = process.extractOne(
            key, [c[0] for c in self.choices], scorer=fuzz.token_sort_ratio, score_cutoff=THRESHOLD
        )
        if best is not None:
            _, score, index = best
            _, ident, written = self.choices[index]
            resolution = Resolution(name, ident, written, round(score, 1))
        else:
            resolution = Resolution(name, unique(slug(name), self.taken))
            self.add(resolution.id, [name])
        self.resolutions[key] = resolution
        return resolution


@dataclass
class EventIndex:
    """The base catalogue's events, found by uid and date, by id, or by folded title and date."""

    by_uid: dict[tuple[str, dt.date], int] = field(default_factory=dict)
    by_id: dict[str, int] = field(default_factory=dict)
    by_title: dict[tuple[str, dt.date], int] = field(default_factory=dict)

    @classmethod
    def of(cls, events: list[Any]) -> EventIndex:
        index = cls()
        for position, event in enumerate(events):
            day = as_date(event.get("date"))
            if event.get("uid") is not None and day:
                index.by_uid.setdefault((str(event["uid"]), day), position)
            if event.get("id"):
                index.by_id.setdefault(str(event["id"]), position)
            if event.get("title") and day:
                index.by_title.setdefault((fold(str(event["title"])), day), position)
        return index

    def find(self, uid: str, ident: str, title: str, day: dt.date) -> tuple[Optional[int], str]:
        """The position of the base event and how it was found (French, for the report)."""
        if (uid, day) in self.by_uid:
            return self.by_uid[(uid, day)], "même uid"
        if ident in self.by_id:
            return self.by_id[ident], "même identifiant"
        if (fold(title), day) in self.by_title:
            return self.by_title[(fold(title), day)], "même titre et même date"
        return None, ""


def as_date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None
