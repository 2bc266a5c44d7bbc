"""The dashboard's figures, computed from the real conversations (conversations.py): pure functions,
no server, no database.

- messages per day and per channel (web, agents, REST), days without a message included;
- fallback rate per day: the share of the day's messages the bot answered with its fallback;
- top intents: the intents of the messages the bot understood (fallbacks are counted apart);
- misunderstood questions: fallback or confidence under the review threshold, grouped like `make review`
  groups them (same normalisation), most frequent first, with the latest conversation to open;
- answer time: percentiles of the time from a user message to the bot's first reply (nearest rank: each
  figure is a time a citizen really waited).

Days are Paris days. A period keeps the messages of its last days, today included.

The CSV export (`csv_document`) is one table of four columns, `section;élément;mesure;valeur`, one figure
a row, so that a spreadsheet can filter or pivot it:

    période                         | 30 derniers jours | début, fin           | date (AAAA-MM-JJ)
    résumé                          | ensemble          | conversations, ...   | nombre
    messages par jour               | date              | web, agents, REST    | nombre
    taux de repli par jour          | date              | messages, réponses de repli, taux de repli (%)
    intentions les plus fréquentes  | intention         | messages             | nombre
    questions mal comprises         | texte             | occurrences, conversations
    temps de réponse                | p50, p90, p95, p99 | secondes            | nombre

For French spreadsheets: `;` separator, decimal comma, UTF-8 with a byte order mark (Excel reads accents).
A citizen's text that a spreadsheet would run as a formula (= + - @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from bot.tooling.console.conversations import CHANNEL_LABELS, PARIS, Conversation, UserTurn
from bot.tooling.staff.review import LOW_CONFIDENCE, normalise, one_line

CHANNELS = tuple(CHANNEL_LABELS)  # web, agents, REST: the order of the columns and of the chart's series
PERCENTILES = (50, 90, 95, 99)
TOP_INTENTS = 10
TOP_MISUNDERSTOOD = 10


@dataclass(frozen=True)
class Period:
    """A choice of the period filter: its value in the URL, its French label, its length in days."""

    value: str
    label: str
    days: Optional[int]  # None: every conversation

    def start(self, today: dt.date) -> Optional[dt.date]:
        return None if self.days is None else today - dt.timedelta(days=self.days - 1)


PERIODS = (
    Period("7", "7 derniers jours", 7),
    Period("30", "30 derniers jours", 30),
    Period("tout", "Depuis le début", None),
)
DEFAULT_PERIOD = PERIODS[1]


def period_named(value: str) -> Optional[Period]:
    return next((p for p in PERIODS if p.value == value), None)


@dataclass(frozen=True)
class Message:
    """A user message with its conversation: the unit every figure counts."""

    sender: str
    channel: str
    turn: UserTurn

    @property
    def day(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.turn.at, PARIS).date()

    @property
    def misunderstood(self) -> bool:
        return self.turn.fallback or self.turn.confidence < LOW_CONFIDENCE


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    per_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.per_channel.values())


@dataclass(frozen=True)
class DayFallback:
    day: dt.date
    messages: int
    fallbacks: int

    @property
    def rate(self) -> float:
        """Percentage, one decimal."""
        return round(100 * self.fallbacks / self.messages, 1) if self.messages else 0.0


@dataclass
class MisunderstoodQuestion:
    text: str  # as the citizen last wrote it (masked as stored)
    count: int
    last_at: float
    sender: str  # the conversation of the latest occurrence
    conversations: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Percentile:
    rank: int  # 50, 90, 95, 99
    seconds: float


@dataclass(frozen=True)
class Figures:
    period: Period
    conversations: int
    messages: int
    fallbacks: int
    per_day: list[DayCount]
    fallback_per_day: list[DayFallback]
    top_intents: list[tuple[str, int]]
    misunderstood: list[MisunderstoodQuestion]
    answer_times: list[Percentile]
    answered: int  # messages with a reply: the population of the percentiles

    @property
    def fallback_rate(self) -> float:
        return round(100 * self.fallbacks / self.messages, 1) if self.messages else 0.0

    @property
    def empty(self) -> bool:
        return self.messages == 0


def messages_of(conversations: Iterable[Conversation], start: Optional[dt.date] = None) -> list[Message]:
    """Every user message, oldest first; with `start`, only those of that Paris day or later."""
    found = [Message(c.sender, c.channel, turn) for c in conversations for turn in c.turns]
    if start is not None:
        found = [m for m in found if m.day >= start]
    return sorted(found, key=lambda m: m.turn.at)


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _days(messages: Sequence[Message], start: Optional[dt.date], today: Optional[dt.date]) -> list[dt.date]:
    """The charts' days: the whole period when it has a start, else from the first message to the last."""
    if start is None or today is None:
        return days_between(messages[0].day, messages[-1].day) if messages else []
    return days_between(start, max([today, *(m.day for m in messages[-1:])]))


def messages_per_day(
    messages: Sequence[Message], start: Optional[dt.date] = None, today: Optional[dt.date] = None
) -> list[DayCount]:
    counts = Counter((m.day, m.channel) for m in messages)
    return [
        DayCount(day, {channel: counts[(day, channel)] for channel in CHANNELS})
        for day in _days(messages, start, today)
    ]


def fallback_per_day(
    messages: Sequence[Message], start: Optional[dt.date] = None, today: Optional[dt.date] = None
) -> list[DayFallback]:
    totals = Counter(m.day for m in messages)
    fallbacks = Counter(m.day for m in messages if m.turn.fallback)
    return [DayFallback(day, totals[day], fallbacks[day]) for day in _days(messages, start, today)]


def top_intents(messages: Iterable[Message], limit: int = TOP_INTENTS) -> list[tuple[str, int]]:
    """The most frequent understood intents (ties: alphabetical order, for a stable page)."""
    counts = Counter(m.turn.intent for m in messages if m.turn.intent and not m.turn.fallback)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def misunderstood_questions(messages: Iterable[Message], limit: int = TOP_MISUNDERSTOOD) -> list[MisunderstoodQuestion]:
    """Fallbacks and low-confidence messages grouped by normalised text (case, spaces, final punctuation)."""
    groups: dict[str, MisunderstoodQuestion] = {}
    for message in messages:
        if not message.misunderstood:
            continue
        text = one_line(message.turn.text)
        group = groups.setdefault(normalise(text), MisunderstoodQuestion(text, 0, message.turn.at, message.sender))
        group.count += 1
        group.conversations.add(message.sender)
        if message.turn.at >= group.last_at:
            group.text, group.last_at, group.sender = text, message.turn.at, message.sender
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last_at))[:limit]


def nearest_rank(sorted_values: Sequence[float], rank: int) -> float:
    """The smallest value with at least `rank` % of the values at or below it."""
    index = max(math.ceil(rank / 100 * len(sorted_values)), 1) - 1
    return sorted_values[index]


def answer_percentiles(messages: Iterable[Message], ranks: Sequence[int] = PERCENTILES) -> list[Percentile]:
    waits = sorted(max(wait, 0.0) for wait in (m.turn.answer_seconds for m in messages) if wait is not None)
    return [Percentile(rank, round(nearest_rank(waits, rank), 2)) for rank in ranks] if waits else []


def figures(conversations: Iterable[Conversation], period: Period, today: dt.date) -> Figures:
    start = period.start(today)
    messages = messages_of(conversations, start)
    return Figures(
        period=period,
        conversations=len({m.sender for m in messages}),
        messages=len(messages),
        fallbacks=sum(1 for m in messages if m.turn.fallback),
        per_day=messages_per_day(messages, start, today),
        fallback_per_day=fallback_per_day(messages, start, today),
        top_intents=top_intents(messages),
        misunderstood=misunderstood_questions(messages),
        answer_times=answer_percentiles(messages),
        answered=sum(1 for m in messages if m.turn.answer_seconds is not None),
    )


def paris_today(now: Optional[float] = None) -> dt.date:
    moment = dt.datetime.now(PARIS) if now is None else dt.datetime.fromtimestamp(now, PARIS)
    return moment.date()


CSV_HEADER = ("section", "élément", "mesure", "valeur")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def french_number(value: float) -> str:
    """12 ; 12,5 ; 0,42: integers stay integers, decimals take a comma."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows and never runs (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(found: Figures, today: dt.date) -> list[tuple[str, str, str, str]]:
    start = found.period.start(today)
    rows = [
        ("période", found.period.label, "début", start.isoformat() if start else ""),
        ("période", found.period.label, "fin", today.isoformat()),
        ("résumé", "ensemble", "conversations", str(found.conversations)),
        ("résumé", "ensemble", "messages", str(found.messages)),
        ("résumé", "ensemble", "réponses de repli", str(found.fallbacks)),
        ("résumé", "ensemble", "taux de repli (%)", french_number(found.fallback_rate)),
    ]
    for count in found.per_day:
        day = count.day.isoformat()
        rows += [("messages par jour", day, channel, str(count.per_channel[channel])) for channel in CHANNELS]
    for fallback in found.fallback_per_day:
        day = fallback.day.isoformat()
        rows += [
            ("taux de repli par jour", day, "messages", str(fallback.messages)),
            ("taux de repli par jour", day, "réponses de repli", str(fallback.fallbacks)),
            ("taux de repli par jour", day, "taux de repli (%)", french_number(fallback.rate)),
        ]
    rows += [("intentions les plus fréquentes", intent, "messages", str(count)) for intent, count in found.top_intents]
    for question in found.misunderstood:
        text = spreadsheet_text(question.text)
        rows += [
            ("questions mal comprises", text, "occurrences", str(question.count)),
            ("questions mal comprises", text, "conversations", str(len(question.conversations))),
        ]
    rows += [("temps de réponse", f"p{p.rank}", "secondes", french_number(p.seconds)) for p in found.answer_times]
    return rows


def csv_document(found: Figures, today: dt.date) -> str:
    """The CSV text, byte order mark first: encode it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(found, today))
    return "\ufeff" + out.getvalue()
