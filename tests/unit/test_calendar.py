"""« Ajouter à mon agenda »: the calendars say what the catalogue says, and parse back with `icalendar`."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from bot.domain.calendar import event_calendar, programme_calendar
from bot.domain.catalogue import load_catalogue

STAMP = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue()


def events_of(ics: bytes) -> list:  # type: ignore[type-arg]
    calendar = Calendar.from_ical(ics)
    assert str(calendar["VERSION"]) == "2.0" and "Mois de l'innovation publique" in str(calendar["PRODID"])
    return list(calendar.walk("VEVENT"))


def test_the_communs_workshop_is_an_all_day_event_of_19_november_2020(catalogue):
    [event] = events_of(event_calendar(catalogue, "communs", STAMP))
    assert str(event["SUMMARY"]) == "Tout comprendre sur les communs"
    # The press kit gives the day, not the time: a DATE, ending the next day (RFC 5545 all-day event).
    assert event.decoded("DTSTART") == dt.date(2020, 11, 19)
    assert event.decoded("DTEND") == dt.date(2020, 11, 20)
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["UID"]) == "communs@mois-innovation-publique.assistant"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    description = str(event["DESCRIPTION"])
    assert catalogue.event("communs").description in description
    assert "Organisé par" in description and catalogue.contact.name in description
    assert "Horaire, lieu et inscription : non précisés par la source." in description
    assert "LOCATION" not in event and "URL" not in event  # nothing made up


def test_each_event_lists_its_topics_as_categories(catalogue):
    for source in catalogue.events:
        [event] = events_of(event_calendar(catalogue, source.id, STAMP))
        categories = [str(c) for cats in [event.get("CATEGORIES")] if cats for c in cats.cats]
        assert categories == [catalogue.topic(t).label for t in source.topics], source.id


def test_the_programme_holds_every_event_once_in_programme_order(catalogue):
    events = events_of(programme_calendar(catalogue, STAMP))
    assert [str(e["UID"]).split("@")[0] for e in events] == [e.id for e in catalogue.events_sorted()]
    assert {e.decoded("DTSTART") for e in events} == set(catalogue.dates)
    assert len({str(e["UID"]) for e in events}) == len(catalogue.events)


def test_an_unknown_event_is_a_key_error(catalogue):
    with pytest.raises(KeyError):
        event_calendar(catalogue, "hackathon-imaginaire", STAMP)
