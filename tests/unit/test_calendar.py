"""« Ajouter à mon agenda »: the calendars say what the catalogue says, and parse back with `icalendar`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

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


# ------------------------------------------------------------------ an edition with times, places and links

EDITION = Path(__file__).resolve().parents[1] / "fixtures" / "edition-2021-bretagne.yml"


@pytest.fixture(scope="module")
def edition():  # type: ignore[no-untyped-def]
    return load_catalogue(EDITION)


def test_a_timed_event_starts_and_ends_in_the_editions_time_zone_at_its_place(edition):
    ics = event_calendar(edition, "atelier-donnees", STAMP)
    [event] = events_of(ics)
    paris = ZoneInfo("Europe/Paris")
    assert event.decoded("DTSTART") == dt.datetime(2021, 11, 16, 14, 0, tzinfo=paris)
    assert event.decoded("DTEND") == dt.datetime(2021, 11, 16, 16, 30, tzinfo=paris)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris" and event["DTEND"].params["TZID"] == "Europe/Paris"
    assert [str(z["TZID"]) for z in Calendar.from_ical(ics).walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(event["LOCATION"]) == "Salle des Lices, 12 rue de l'Exemple, Rennes"
    assert str(event["URL"]) == "https://inscriptions.exemple.fr/atelier-donnees"  # the registration address
    assert "TRANSP" not in event  # a timed event keeps the calendar's default (busy)
    description = str(event["DESCRIPTION"])
    assert "Horaire : de 14 h à 16 h 30" in description and "Tarif : Gratuit" in description
    assert "Le lien de connexion n'est pas indiqué." in description and "non précisés" not in description


def test_a_start_without_end_has_no_end_made_up_and_the_online_link_comes_first(edition):
    [event] = events_of(event_calendar(edition, "webinaire-simplification", STAMP))
    assert event.decoded("DTSTART") == dt.datetime(2021, 11, 18, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert "DTEND" not in event and "DURATION" not in event
    assert str(event["URL"]) == "https://visio.exemple.fr/simplification"
    assert "LOCATION" not in event


def test_registration_instructions_are_no_url_and_an_event_without_time_stays_all_day(edition):
    [forum] = events_of(event_calendar(edition, "forum-agents", STAMP))
    assert "URL" not in forum and str(forum["LOCATION"]).startswith("Auditorium")
    [meeting] = events_of(event_calendar(edition, "rencontre-usagers", STAMP))
    assert meeting.decoded("DTSTART") == dt.date(2021, 11, 23) and meeting.decoded("DTEND") == dt.date(2021, 11, 24)
    assert "LOCATION" not in meeting and "URL" not in meeting and str(meeting["TRANSP"]) == "TRANSPARENT"


def test_the_editions_programme_holds_its_time_zone_once(edition):
    ics = programme_calendar(edition, STAMP)
    calendar = Calendar.from_ical(ics)
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert [str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")] == [e.id for e in edition.events_sorted()]
    assert str(calendar["X-WR-CALNAME"]) == "Mois de l'innovation publique en Bretagne (novembre 2021)"


def test_another_time_zone_is_written_as_its_tzid(edition):
    from dataclasses import replace

    cayenne = replace(edition, month=replace(edition.month, timezone="America/Cayenne"))
    [event] = events_of(event_calendar(cayenne, "forum-agents", STAMP))
    assert event["DTSTART"].params["TZID"] == "America/Cayenne"
    assert event.decoded("DTSTART") == dt.datetime(2021, 11, 19, 9, 30, tzinfo=ZoneInfo("America/Cayenne"))


def test_the_2020_calendar_has_no_time_zone_to_declare(catalogue):
    assert not Calendar.from_ical(programme_calendar(catalogue, STAMP)).walk("VTIMEZONE")
