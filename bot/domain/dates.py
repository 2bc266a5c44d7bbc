"""French date expressions resolved without a Duckling server.

Understands "19 novembre", "le 19", "jeudi 19 novembre", "19/11", "19/11/2020", "2020-11-19",
"jeudi", "jeudi prochain", "aujourd'hui", "demain", "après-demain", "hier", "cette semaine",
"la semaine prochaine". Relative forms are resolved against a reference date, which defaults to
today in the edition's time zone; the caller may pin it (the actions pass MOIS_REFERENCE_DATE=AAAA-MM-JJ,
read by bot/runtime/settings.py, for tests and demos).
A day without month or year ("le 19", "jeudi 19", "19/11") belongs to the edition's month and year, which
the caller passes from the catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional
from zoneinfo import ZoneInfo

from bot.domain.catalogue.model import DEFAULT_TIMEZONE
from bot.domain.text import fold

PARIS = ZoneInfo(DEFAULT_TIMEZONE)


MONTHS = {
    "janvier": 1,
    "janv": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
WEEKDAY_NAMES = list(WEEKDAYS)
MONTH_NAMES = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

_RELATIVE_DAYS = {
    "avant hier": -2,
    "hier": -1,
    "aujourd'hui": 0,
    "aujourd hui": 0,
    "aujourdhui": 0,
    "auj": 0,
    r"ce jour(?![\s-]*la\b)": 0,  # "ce jour-là" is a day of the conversation, not today (queries.py)
    "apres demain": 2,
    "demain": 1,
}
_NUMERIC = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DAY_MONTH = re.compile(r"\b(\d{1,2}|1er|premier)\s*(?:er\s+)?(" + "|".join(MONTHS) + r")\b(?:\s+(\d{4}))?")
_DAY_ONLY = re.compile(
    r"\b(?:le|du|au|ce|pour le|jour)\s+(\d{1,2}|1er|premier)\b(?!\s*(?:h|heures?|min|ans?|projets?|personnes?)\b)"
)
_WEEKDAY_DAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\s+(\d{1,2}|1er|premier)\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b(?:\s+(prochain|suivant|dernier))?")


@dataclass(frozen=True)
class DateSpan:
    """An inclusive range of days; a single day has start == end."""

    start: dt.date
    end: dt.date

    @classmethod
    def day(cls, day: dt.date) -> DateSpan:
        return cls(day, day)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def is_single_day(self) -> bool:
        return self.start == self.end

    def label(self) -> str:
        """French label: "jeudi 19 novembre 2020" or "du lundi 23 au dimanche 29 novembre 2020"."""
        if self.is_single_day:
            return format_day(self.start)
        return f"du {format_day(self.start, with_year=False)} au {format_day(self.end)}"


def format_day(day: dt.date, with_year: bool = True) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    text = f"{WEEKDAY_NAMES[day.weekday()]} {first} {MONTH_NAMES[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def reference_date(pinned: Optional[dt.date] = None, timezone: str = DEFAULT_TIMEZONE) -> dt.date:
    """Today in the edition's time zone (an IANA name), unless the caller pins another day."""
    return pinned or dt.datetime.now(ZoneInfo(timezone)).date()


def _day_number(token: str) -> int:
    return 1 if token in ("1er", "premier") else int(token)


def _safe_date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(token: Optional[str], default: int) -> int:
    if not token:
        return default
    year = int(token)
    return year + 2000 if year < 100 else year


def parse_french_date(text: str, reference: dt.date, year: int, month: int) -> Optional[DateSpan]:
    """Resolve the first date expression in text, or None if there is none or it is impossible.

    reference: the day "demain" or "jeudi prochain" count from.
    year, month: where a day without month ("le 19", "jeudi 19") falls: the programme's month.
    """
    raw = text.lower()
    t = fold(text)
    if m := _ISO.search(raw):
        day = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        return DateSpan.day(day) if day else None
    if m := _NUMERIC.search(raw):
        day = _safe_date(_full_year(m[3], year), int(m[2]), int(m[1]))
        return DateSpan.day(day) if day else None
    if m := _DAY_MONTH.search(t):
        month_number = MONTHS[m[2]]
        day = _safe_date(_full_year(m[3], year), month_number, _day_number(m[1]))
        return DateSpan.day(day) if day else None
    if m := _WEEKDAY_DAY.search(t):
        day = _safe_date(year, month, _day_number(m[2]))
        return DateSpan.day(day) if day else None
    for words, offset in _RELATIVE_DAYS.items():
        if re.search(rf"\b{words}\b", t):
            return DateSpan.day(reference + dt.timedelta(days=offset))
    if re.search(r"\b(semaine prochaine|semaine suivante)\b", t):
        monday = reference - dt.timedelta(days=reference.weekday()) + dt.timedelta(days=7)
        return DateSpan(monday, monday + dt.timedelta(days=6))
    if re.search(r"\b(cette semaine|en ce moment|semaine en cours)\b", t):
        monday = reference - dt.timedelta(days=reference.weekday())
        return DateSpan(monday, monday + dt.timedelta(days=6))
    if m := _WEEKDAY.search(t):
        weekday = WEEKDAYS[m[1]]
        if m[2] in ("prochain", "suivant"):
            ahead = (weekday - reference.weekday() - 1) % 7 + 1
            return DateSpan.day(reference + dt.timedelta(days=ahead))
        if m[2] == "dernier":
            back = (reference.weekday() - weekday - 1) % 7 + 1
            return DateSpan.day(reference - dt.timedelta(days=back))
        return None  # a bare weekday: the caller lists matching days of the programme
    if m := _DAY_ONLY.search(t):
        day = _safe_date(year, month, _day_number(m[1]))
        return DateSpan.day(day) if day else None
    return None


def bare_weekday(text: str) -> Optional[int]:
    """Weekday number (0 = lundi) when the text names a weekday without day number or 'prochain'."""
    t = fold(text)
    if _WEEKDAY_DAY.search(t) or _DAY_MONTH.search(t):
        return None
    m = _WEEKDAY.search(t)
    return WEEKDAYS[m[1]] if m and not m[2] else None
