"""French date expressions, resolved against a pinned reference day (the eve of the first event)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.dates import PARIS, DateSpan, bare_weekday, format_day, parse_french_date, reference_date

EVE = dt.date(2020, 11, 18)  # a Wednesday


def parse(text: str, reference: dt.date = EVE):
    return parse_french_date(text, reference, 2020, 11)


@pytest.mark.parametrize(
    "text, day",
    [
        ("qu'est-ce qu'il y a le 19 ?", dt.date(2020, 11, 19)),
        ("programme du jeudi 19 novembre", dt.date(2020, 11, 19)),
        ("les ateliers du 19/11", dt.date(2020, 11, 19)),
        ("19/11/2020", dt.date(2020, 11, 19)),
        ("le 24 novembre 2020", dt.date(2020, 11, 24)),
        ("mercredi 25", dt.date(2020, 11, 25)),
        ("le 26 nov", dt.date(2020, 11, 26)),
        ("2020-11-26", dt.date(2020, 11, 26)),
        ("demain", dt.date(2020, 11, 19)),
        ("aujourd'hui", EVE),
        ("qu'y a-t-il ce jour ?", EVE),
        ("apres-demain", dt.date(2020, 11, 20)),
        ("jeudi prochain", dt.date(2020, 11, 19)),
        ("mardi prochain", dt.date(2020, 11, 24)),
        ("le 1er décembre", dt.date(2020, 12, 1)),
    ],
)
def test_single_days(text, day):
    assert parse(text) == DateSpan.day(day)


def test_weeks_are_monday_to_sunday():
    assert parse("cette semaine") == DateSpan(dt.date(2020, 11, 16), dt.date(2020, 11, 22))
    assert parse("la semaine prochaine") == DateSpan(dt.date(2020, 11, 23), dt.date(2020, 11, 29))


def test_a_bare_weekday_is_left_to_the_programme():
    assert parse("jeudi") is None
    assert bare_weekday("et jeudi ?") == 3
    assert bare_weekday("jeudi 19") is None


@pytest.mark.parametrize(
    "text", ["le 32", "31/11", "à 14h", "quel est le programme", "les 17 projets", "et ce jour-là ?", "ce jour là"]
)
def test_impossible_or_absent_dates(text):
    assert parse(text) is None


def test_labels_are_french():
    assert format_day(dt.date(2020, 11, 19)) == "jeudi 19 novembre 2020"
    assert (
        DateSpan(dt.date(2020, 11, 16), dt.date(2020, 11, 22)).label()
        == "du lundi 16 novembre au dimanche 22 novembre 2020"
    )


def test_reference_date_can_be_pinned():
    # MOIS_REFERENCE_DATE is read and checked by bot/runtime/settings.py (tests/unit/test_settings.py).
    assert reference_date(EVE) == EVE
    assert reference_date() == dt.datetime.now(PARIS).date()
