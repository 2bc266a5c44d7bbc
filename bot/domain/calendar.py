"""The programme as iCalendar (RFC 5545), for « Ajouter à mon agenda »: one event, or the whole month.

Only what the catalogue says goes in. An event with a day but no time is an all-day event (DTSTART as a
DATE, DTEND the next day, RFC 5545 § 3.6.1). An event with a start time is a timed event in the edition's
time zone (TZID, with its VTIMEZONE); without an end time it has DTSTART only, no end is made up. LOCATION
is the place and URL the online link, else the registration address, when the catalogue gives them. The
description says who organises, what practical details are missing, and where the facts come from.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from bot.domain.catalogue import Catalogue
from bot.domain.catalogue.model import Event
from bot.domain.practical import detail_lines, has_practical, missing_sentences, web_address
from bot.domain.text import join_french

PRODUCT_ID = "-//Mois de l'innovation publique//Assistant//FR"
UID_DOMAIN = "mois-innovation-publique.assistant"


def programme_calendar(cat: Catalogue, stamp: dt.datetime) -> bytes:
    """Every event of the catalogue, in programme order."""
    calendar = _calendar(cat, f"{cat.month.name} en {cat.month.region} ({cat.month.period})")
    for event in cat.events_sorted():
        calendar.add_component(_event(cat, event, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_calendar(cat: Catalogue, event_id: str, stamp: dt.datetime) -> bytes:
    """One event; KeyError if the catalogue has no such event."""
    if not cat.has_event(event_id):
        raise KeyError(event_id)
    event = cat.event(event_id)
    calendar = _calendar(cat, event.title)
    calendar.add_component(_event(cat, event, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _calendar(cat: Catalogue, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(cat: Catalogue, event: Event, stamp: dt.datetime) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"{event.id}@{UID_DOMAIN}")
    entry.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    _add_when(cat, event, entry)
    entry.add("summary", event.title)
    entry.add("description", _description(cat, event))
    topics = [cat.topic(t).label for t in event.topics]
    if topics:
        entry.add("categories", topics)
    if event.place:
        entry.add("location", event.place)
    address = web_address(event)
    if address:
        entry.add("url", address)
    if event.start is None:
        entry.add("transp", "TRANSPARENT")  # an all-day entry must not mark the whole day busy
    return entry


def _add_when(cat: Catalogue, event: Event, entry: CalendarEvent) -> None:
    """All day without a time; else from the start, in the edition's time zone, to the end when given."""
    if event.start is None:
        entry.add("dtstart", event.date)
        entry.add("dtend", event.date + dt.timedelta(days=1))
        return
    zone = ZoneInfo(cat.month.timezone)
    entry.add("dtstart", dt.datetime.combine(event.date, event.start, zone))
    if event.end is not None:
        entry.add("dtend", dt.datetime.combine(event.date, event.end, zone))


def _description(cat: Catalogue, event: Event) -> str:
    organisers = join_french([cat.organiser(o).in_sentence for o in event.organisers])
    lines = [event.description, f"Organisé par {organisers}."]
    if event.speakers:
        lines.append(f"Avec {join_french([cat.organiser(s).in_sentence for s in event.speakers])}.")
    if event.format:
        lines.append(f"Format : {event.format}.")
    if not has_practical(event):
        lines.append(f"Horaire, lieu et inscription : non précisés par la source. Contact : {cat.contact.name}.")
    else:
        lines += detail_lines(event)
        missing = missing_sentences(event)
        if missing:
            lines.append(f"{' '.join(missing)} Contact : {cat.contact.name}.")
    lines.append(f"Source : {cat.source}.")
    return "\n".join(lines)
