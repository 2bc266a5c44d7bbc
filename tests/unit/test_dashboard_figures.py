"""The dashboard's figures from hand-built conversations: channels, fallback rate, misunderstood questions,
answer-time percentiles, periods and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Optional

from bot.tooling.console.conversations import PARIS, BotReply, Conversation, UserTurn
from bot.tooling.console.dashboard_figures import (
    CSV_HEADER,
    PERIODS,
    csv_document,
    figures,
    french_number,
    messages_of,
    misunderstood_questions,
    nearest_rank,
    period_named,
    spreadsheet_text,
)

TODAY = dt.date(2025, 11, 20)
ALL, LAST_7_DAYS = period_named("tout"), period_named("7")


def at(day: dt.date, hour: int = 10, minute: int = 0, second: float = 0) -> float:
    whole = int(second)
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, whole, tzinfo=PARIS)
    return moment.timestamp() + (second - whole)


def turn(
    text: str,
    when: float,
    intent: Optional[str] = "demander_programme",
    confidence: float = 0.95,
    fallback: bool = False,
    wait: Optional[float] = 0.5,
) -> UserTurn:
    replies = [BotReply("Voici le programme.", when + wait)] if wait is not None else []
    return UserTurn(text, when, intent, confidence, [], fallback=fallback, replies=replies)


def conversation(sender: str, *turns: UserTurn) -> Conversation:
    return Conversation(sender, list(turns))


def test_messages_are_counted_per_paris_day_and_per_channel_with_empty_days_shown() -> None:
    monday, wednesday = dt.date(2025, 11, 17), dt.date(2025, 11, 19)
    found = figures(
        [
            conversation("socketio:a", turn("Quels ateliers mardi ?", at(monday)), turn("Et jeudi ?", at(monday, 11))),
            conversation("mattermost:agent1", turn("Où est la salle Jules Verne ?", at(monday, 23, 30))),
            conversation("rest:b", turn("Programme du 20 novembre", at(wednesday))),
        ],
        ALL,
        TODAY,
    )

    assert [(d.day, d.per_channel) for d in found.per_day] == [
        (monday, {"web": 2, "agents": 1, "REST": 0}),
        (dt.date(2025, 11, 18), {"web": 0, "agents": 0, "REST": 0}),
        (wednesday, {"web": 0, "agents": 0, "REST": 1}),
    ]
    assert (found.conversations, found.messages) == (3, 4)


def test_a_period_keeps_its_last_days_today_included_and_charts_every_day_of_it() -> None:
    old = conversation("socketio:ancien", turn("Bonjour", at(TODAY - dt.timedelta(days=7))))
    recent = conversation("socketio:recent", turn("Bonjour", at(TODAY - dt.timedelta(days=6), 8)))

    found = figures([old, recent], LAST_7_DAYS, TODAY)

    assert found.messages == 1
    assert [d.day for d in found.per_day] == [TODAY - dt.timedelta(days=n) for n in range(6, -1, -1)]
    assert [p.value for p in PERIODS] == ["7", "30", "tout"] and period_named("365") is None


def test_the_fallback_rate_is_the_share_of_each_days_messages_answered_by_the_fallback() -> None:
    day = dt.date(2025, 11, 18)
    found = figures(
        [
            conversation(
                "socketio:a",
                turn("Je veux réserver une salle", at(day, 9), fallback=True, confidence=0.3),
                turn("Quels ateliers demain ?", at(day, 10)),
                turn("Où se garer ?", at(day, 11)),
            ),
            conversation("socketio:b", turn("zzz", at(day, 12), intent=None, confidence=0.0, fallback=True)),
            conversation("socketio:c", turn("Merci", at(TODAY), intent="remercier")),
        ],
        ALL,
        TODAY,
    )

    assert [(r.day, r.messages, r.fallbacks, r.rate) for r in found.fallback_per_day] == [
        (day, 4, 2, 50.0),
        (dt.date(2025, 11, 19), 0, 0, 0.0),
        (TODAY, 1, 0, 0.0),
    ]
    assert found.fallback_rate == 40.0


def test_top_intents_count_understood_messages_only_most_frequent_first() -> None:
    day = dt.date(2025, 11, 18)
    found = figures(
        [
            conversation(
                "socketio:a",
                turn("Le programme ?", at(day, 9)),
                turn("Programme de jeudi", at(day, 10)),
                turn("Merci", at(day, 11), intent="remercier"),
                turn("Bonjour", at(day, 12), intent="saluer"),
                turn("réserver une salle", at(day, 13), intent="saluer", confidence=0.4, fallback=True),
            )
        ],
        ALL,
        TODAY,
    )

    assert found.top_intents == [("demander_programme", 2), ("remercier", 1), ("saluer", 1)]


def test_misunderstood_questions_are_grouped_by_normalised_text_with_the_latest_conversation() -> None:
    day = dt.date(2025, 11, 18)
    messages = messages_of(
        [
            conversation("socketio:a", turn("Où se garer ?", at(day, 9), fallback=True, confidence=0.2)),
            conversation("socketio:b", turn("où  se GARER", at(day, 10), confidence=0.5)),
            conversation("mattermost:c", turn("Où se garer ?", at(day, 11), fallback=True, confidence=0.1)),
            conversation("socketio:d", turn("Y a-t-il du café ?", at(day, 12), fallback=True, confidence=0.3)),
            conversation("socketio:e", turn("Le programme ?", at(day, 13), confidence=0.7)),
        ]
    )

    found = misunderstood_questions(messages)

    assert [(q.text, q.count, q.sender, sorted(q.conversations)) for q in found] == [
        ("Où se garer ?", 3, "mattermost:c", ["mattermost:c", "socketio:a", "socketio:b"]),
        ("Y a-t-il du café ?", 1, "socketio:d", ["socketio:d"]),
    ]


def test_answer_time_percentiles_are_times_a_citizen_really_waited() -> None:
    day = dt.date(2025, 11, 18)
    waits = [0.2 * n for n in range(1, 101)]  # 0.2 s to 20 s
    turns = [turn(f"Question {n}", at(day, 9, 0, n * 0.001) + n, wait=w) for n, w in enumerate(waits)]
    unanswered = turn("Allô ?", at(day, 12), wait=None)

    found = figures([conversation("socketio:a", *turns, unanswered)], ALL, TODAY)

    assert [(p.rank, p.seconds) for p in found.answer_times] == [(50, 10.0), (90, 18.0), (95, 19.0), (99, 19.8)]
    assert found.answered == 100
    assert nearest_rank([3.0], 99) == 3.0 and nearest_rank([1.0, 2.0], 50) == 1.0


def test_no_conversation_gives_empty_figures_and_no_percentile() -> None:
    found = figures([], LAST_7_DAYS, TODAY)

    assert found.empty and found.answer_times == [] and found.top_intents == [] and found.fallback_rate == 0.0


def test_the_csv_export_is_one_table_for_french_spreadsheets() -> None:
    day = dt.date(2025, 11, 18)
    found = figures(
        [
            conversation(
                "socketio:a",
                turn('=HYPERLINK("http://exemple.invalid")', at(day, 9), fallback=True, confidence=0.2, wait=1.25),
                turn("Programme de jeudi", at(day, 10), wait=0.5),
            )
        ],
        ALL,
        TODAY,
    )

    document = csv_document(found, TODAY)

    assert document.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(document[1:]), delimiter=";"))
    assert tuple(rows[0]) == CSV_HEADER
    assert ["résumé", "ensemble", "taux de repli (%)", "50"] in rows
    assert ["messages par jour", "2025-11-18", "web", "2"] in rows
    assert ["taux de repli par jour", "2025-11-18", "taux de repli (%)", "50"] in rows
    assert ["intentions les plus fréquentes", "demander_programme", "messages", "1"] in rows
    assert ["questions mal comprises", '\'=HYPERLINK("http://exemple.invalid")', "occurrences", "1"] in rows
    assert ["temps de réponse", "p99", "secondes", "1,25"] in rows


def test_numbers_take_a_decimal_comma_and_formulas_are_never_run() -> None:
    assert [french_number(v) for v in (12, 12.5, 0.42, 0.001, 33.3)] == ["12", "12,5", "0,42", "0", "33,3"]
    assert spreadsheet_text("@SOMME(A1)") == "'@SOMME(A1)"
    assert spreadsheet_text("-1 ticket ?") == "'-1 ticket ?"
    assert spreadsheet_text("Où se garer ?") == "Où se garer ?"
