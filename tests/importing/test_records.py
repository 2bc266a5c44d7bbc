"""The pieces of an import: days of a span, telephone numbers, slugs, short names of a title."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.tooling.importing.records import Day, spread
from bot.tooling.importing.texts import phone, slug, title_aliases

PARIS = ZoneInfo("Europe/Paris")


def test_an_all_day_span_ends_the_day_before_its_end_date() -> None:
    assert spread(dt.date(2021, 11, 18), dt.date(2021, 11, 20), all_day=True) == [
        Day(dt.date(2021, 11, 18)),
        Day(dt.date(2021, 11, 19)),
    ]


def test_an_evening_ending_at_midnight_stays_on_its_day() -> None:
    start, end = dt.datetime(2021, 11, 12, 20, 0, tzinfo=PARIS), dt.datetime(2021, 11, 13, 0, 0, tzinfo=PARIS)
    assert spread(start, end, all_day=False) == [Day(dt.date(2021, 11, 12), dt.time(20, 0))]


def test_french_numbers_are_written_the_french_way() -> None:
    assert phone("+33240412020") == "02 40 41 20 20"
    assert phone("voir le site") == "voir le site"


def test_slugs_are_catalogue_ids_cut_between_words() -> None:
    assert slug("Atelier « Facile à lire et à comprendre » (FALC)") == "atelier-facile-a-lire-et-a-comprendre-falc"
    long = slug("Journée portes ouvertes du laboratoire d'innovation territoriale de Vendée")
    assert long == "journee-portes-ouvertes-du-laboratoire-d-innovation"  # « territoriale » would pass 60


@pytest.mark.parametrize(
    "title, aliases",
    [
        ("Webinaire : la comptabilité CARE en pratique", ["la comptabilité CARE en pratique"]),
        ("Atelier « Facile à lire et à comprendre » (FALC)", ["Facile à lire et à comprendre", "FALC"]),
        ("Hackathon des données publiques", []),
    ],
)
def test_an_event_is_also_known_by_the_short_names_its_title_gives(title, aliases):
    assert title_aliases(title) == aliases
