"""Typed, immutable view of the catalogue. Built only by the loader, after validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

DEFAULT_TIMEZONE = "Europe/Paris"  # an edition's time zone when its catalogue names none


@dataclass(frozen=True)
class Organiser:
    id: str
    name: str
    in_sentence: str  # with its article: "le SGAR Pays de la Loire"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str
    organisation: Optional[str] = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    date: dt.date
    organisers: tuple[str, ...]
    description: str
    kind: str
    topics: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    # Practical details: absent means the source does not give them (the press kit gives none).
    format: Optional[str] = None
    start: Optional[dt.time] = None  # local time, in the edition's time zone
    end: Optional[dt.time] = None  # only with a start, and after it
    place: Optional[str] = None  # venue, address
    online_link: Optional[str] = None  # an http(s) address to follow the event online
    registration: Optional[str] = None  # an address or instructions (« sur inscription auprès de … »)
    accessibility: Optional[str] = None
    price: Optional[str] = None  # « Gratuit », « 10 € »


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    kind: str
    summary: str
    benefits: Optional[str] = None
    owner: Optional[str] = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class GlossaryEntry:
    """A term the press kit defines or expands, with its own words."""

    id: str
    label: str  # with its article, as it starts a sentence: "la comptabilité CARE"
    definition: str  # the press kit's words
    aliases: tuple[str, ...] = ()
    # The catalogue entry the term names, when it is one ("CARE" is the topic care): (kind, id).
    refers_to: Optional[tuple[str, str]] = None
    events: tuple[str, ...] = ()  # events that speak of it, besides those of refers_to
    projects: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A number the press kit gives, in its sentence ("6 lauréats"), and the words that ask for it."""

    id: str
    quote: str
    keywords: tuple[str, ...]
    project: Optional[str] = None


@dataclass(frozen=True)
class InterviewQuestion:
    id: str
    question: str
    answer: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interview:
    """The press kit's "3 questions à…": a person's answers, word for word."""

    title: str
    person: str
    questions: tuple[InterviewQuestion, ...]


@dataclass(frozen=True)
class Month:
    name: str
    region: str
    period: str
    year: int
    month: int
    organiser: str
    # What the source says of the whole month; an imported edition may not say it (None).
    theme: Optional[str] = None
    format: Optional[str] = None
    purpose: Optional[str] = None
    local_actors: tuple[str, ...] = ()
    timezone: str = DEFAULT_TIMEZONE  # IANA name: the events' times are local to it


@dataclass(frozen=True)
class Contact:
    name: str
    note: str = ""


@dataclass(frozen=True)
class Catalogue:
    source: str
    month: Month
    contact: Contact
    organisers: tuple[Organiser, ...]
    topics: tuple[Topic, ...]
    events: tuple[Event, ...]
    people: tuple[Person, ...] = ()
    projects: tuple[Project, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    figures: tuple[Figure, ...] = ()
    interview: Optional[Interview] = None
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for group in (self.organisers, self.topics, self.events, self.people, self.projects, self.glossary):
            for item in group:
                self._by_id[(type(item).__name__, item.id)] = item

    def organiser(self, organiser_id: str) -> Organiser:
        return self._by_id[("Organiser", organiser_id)]

    def topic(self, topic_id: str) -> Topic:
        return self._by_id[("Topic", topic_id)]

    def event(self, event_id: str) -> Event:
        return self._by_id[("Event", event_id)]

    def person(self, person_id: str) -> Person:
        return self._by_id[("Person", person_id)]

    def project(self, project_id: str) -> Project:
        return self._by_id[("Project", project_id)]

    def term(self, term_id: str) -> GlossaryEntry:
        return self._by_id[("GlossaryEntry", term_id)]

    def has_event(self, event_id: str) -> bool:
        return ("Event", event_id) in self._by_id

    def has_project(self, project_id: str) -> bool:
        return ("Project", project_id) in self._by_id

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """Days of the programme, in order."""
        return tuple(sorted({e.date for e in self.events}))

    def events_sorted(self) -> tuple[Event, ...]:
        return tuple(sorted(self.events, key=lambda e: (e.date, self.events.index(e))))
