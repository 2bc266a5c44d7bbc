"""The console's home page, the dashboard, against the real console in a copy of the project whose tracker
store holds real conversations, written with Rasa's own SQL tracker store (the events a Rasa server writes).

The first test runs before any conversation is stored: the dashboard of a bot nobody has talked to yet.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import html
import io
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tooling.console.conversations import PARIS
from tests.console.conftest import EDITOR, StaffClient, log_in_browser, staff_client
from tests.web.conftest import assert_no_axe_violations

TODAY = dt.datetime.now(PARIS).date()
PARKING = "Où se garer près de la préfecture ?"


def paris_time(days_ago: int, hour: int, minute: int = 0) -> float:
    day = TODAY - dt.timedelta(days=days_ago)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).timestamp()


def exchange(text: str, intent: str, confidence: float, at: float, reply: str, wait: float) -> list[Event]:
    """A user message as Rasa stores it, the action the bot ran and its reply `wait` seconds later."""
    ranking = [{"name": intent, "confidence": confidence}]
    action = "action_answer_programme"
    if intent == "nlu_fallback":
        ranking.append({"name": "ask_event_practical", "confidence": 0.35})
        action = "action_fallback"
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "intent_ranking": ranking,
    }
    return [
        UserUttered(text, parse_data["intent"], [], parse_data, timestamp=at),
        ActionExecuted(action, timestamp=at + wait),
        BotUttered(reply, timestamp=at + wait),
        ActionExecuted("action_listen", timestamp=at + wait),
    ]


def session(start: float, *exchanges: list[Event]) -> list[Event]:
    opening = [
        ActionExecuted("action_session_start", timestamp=start - 1),
        SessionStarted(timestamp=start - 1),
        ActionExecuted("action_listen", timestamp=start - 1),
    ]
    return opening + [event for events in exchanges for event in events]


HELLO = "Bonjour ! Je suis l'assistant du Mois de l'innovation publique en Pays de la Loire."
SORRY = "Je n'ai pas bien compris. Je peux vous donner le programme du mois."


def conversations() -> dict[str, list[Event]]:
    """Yesterday on the page and in Mattermost, three days ago over REST, ten days ago on the page."""
    yesterday_morning, yesterday_afternoon = paris_time(1, 10), paris_time(1, 14)
    three_days_ago, ten_days_ago = paris_time(3, 9), paris_time(10, 11)
    return {
        "socketio:visiteuse-1": session(
            yesterday_morning,
            exchange("Bonjour", "greet", 0.98, yesterday_morning, HELLO, 0.4),
            exchange("c'est quand le serious game ?", "ask_event_date", 0.93, yesterday_morning + 30, "Le 18.", 0.8),
        ),
        "mattermost:agent-1": session(
            yesterday_afternoon,
            exchange(PARKING, "nlu_fallback", 0.3, yesterday_afternoon, SORRY, 1.2),
            exchange("merci", "thanks", 0.97, yesterday_afternoon + 60, "Avec plaisir !", 0.3),
        ),
        "rest:api-1": session(
            three_days_ago,
            exchange("bonjour", "greet", 0.99, three_days_ago, HELLO, 0.5),
            exchange("où se garer près de la préfecture", "ask_event_practical", 0.55, three_days_ago + 20, "?", 2.0),
            exchange("programme du 20 novembre", "ask_day_programme", 0.9, three_days_ago + 40, "Voici.", 0.6),
        ),
        "socketio:ancien": session(
            ten_days_ago,
            exchange("Bonjour", "greet", 0.99, ten_days_ago, HELLO, 0.5),
            exchange("qui organise le hackathon ?", "nlu_fallback", 0.2, ten_days_ago + 15, SORRY, 1.0),
        ),
    }


def save_conversations(root: Path) -> None:
    domain = Domain.load(str(root / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(root / "var" / "tracker.db"))
    for sender, events in conversations().items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=domain.slots)))


@pytest.fixture(scope="module")
def stored(console_project: Path) -> None:
    # In a thread of its own: Playwright's synchronous API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(save_conversations, console_project).result()


class Tables(HTMLParser):
    """The page's tables by caption: rows of cell texts, header row first."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.rows: list[list[str]] = []
        self.text: Optional[list[str]] = None
        self.caption = ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        if tag == "table":
            self.rows = []
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td", "caption"):
            self.text = []

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td", "caption") and self.text is not None:
            content = " ".join("".join(self.text).split())
            if tag == "caption":
                self.caption = content
            else:
                self.rows[-1].append(content)
            self.text = None
        elif tag == "table":
            self.tables[self.caption] = self.rows


def tables(client: StaffClient, path: str) -> dict[str, list[list[str]]]:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    return Tables(response.text).tables


def french_day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def test_before_any_conversation_the_dashboard_says_so_in_french(editor: StaffClient, page, console):  # type: ignore[no-untyped-def]
    response = editor.get("/")

    assert response.status_code == 200
    assert "Aucune conversation pour le moment" in html.unescape(response.text)
    assert "<bar-chart" not in response.text and "<table" not in response.text
    log_in_browser(page, console, EDITOR)
    assert page.get_by_role("heading", name="Aucune conversation pour le moment").is_visible()
    assert_no_axe_violations(page, "tableau de bord sans conversation")
    assert page.watch.errors == []


def test_the_dashboard_needs_a_session(console):  # type: ignore[no-untyped-def]
    response = staff_client(console).get("/tableau-de-bord.csv", allow_redirects=False)
    assert response.status_code in (302, 303, 401)


def test_messages_per_day_and_channel_over_the_last_seven_days(stored, editor: StaffClient):
    found = tables(editor, "/?periode=7")["Messages par jour et par canal"]

    assert found[0] == ["Jour", "Page web", "Agents (Mattermost, Osmose)", "API REST", "Total"]
    rows = {row[0]: row[1:] for row in found[1:]}
    assert len(rows) == 7  # every day of the period, quiet days included
    assert rows[french_day(1)] == ["2", "2", "0", "4"]
    assert rows[french_day(3)] == ["0", "0", "3", "3"]
    assert rows[french_day(0)] == ["0", "0", "0", "0"]
    assert french_day(10) not in rows


def test_fallback_rate_top_intents_and_answer_times_of_the_period(stored, editor: StaffClient):
    page = tables(editor, "/?periode=7")

    rates = {row[0]: row[1:] for row in page["Taux de réponses de repli par jour"][1:]}
    assert rates[french_day(1)] == ["4", "1", "25 %"]
    assert rates[french_day(3)] == ["3", "0", "0 %"]
    intents = page["Intentions les plus fréquentes (messages compris, hors réponses de repli)"]
    assert intents[1] == ["greet", "2"]
    assert {row[0] for row in intents[1:]} == {
        "greet",
        "ask_event_date",
        "thanks",
        "ask_event_practical",
        "ask_day_programme",
    }
    # Waits of the seven answered messages: 0.3, 0.4, 0.5, 0.6, 0.8, 1.2 and 2 seconds.
    times = page["Temps de réponse en secondes, sur 7 messages suivis d'une réponse"]
    assert times[1:] == [["p50 (médiane)", "0,6"], ["p90", "2"], ["p95", "2"], ["p99", "2"]]


def test_misunderstood_questions_are_grouped_and_lead_to_their_latest_conversation(stored, editor: StaffClient):
    response = editor.get("/?periode=30")
    questions = Tables(response.text).tables[
        "Questions les plus souvent mal comprises, de la plus fréquente à la moins fréquente"
    ]

    # The fallback in Mattermost and the low-confidence REST message are the same question.
    assert questions[1][:3] == [PARKING, "2", "2"]
    assert questions[2][:3] == ["qui organise le hackathon ?", "1", "1"]
    assert 'href="/conversations/mattermost%3Aagent-1"' in response.text


def test_the_period_filter_keeps_the_chosen_days_and_an_unknown_one_is_refused_in_french(stored, editor: StaffClient):
    every = editor.get("/?periode=tout").text
    assert "Depuis le début" in every
    assert french_day(10) in every

    wrong = editor.get("/?periode=hier")
    assert wrong.status_code == 400
    assert 'aria-describedby="periode-erreur"' in wrong.text
    assert "Période inconnue" in html.unescape(wrong.text)


def csv_rows(client: StaffClient, period: str) -> list[list[str]]:
    response = client.get(f"/tableau-de-bord.csv?periode={period}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="tableau-de-bord-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, for Excel
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_holds_the_same_figures_for_a_french_spreadsheet(stored, editor: StaffClient):
    rows = csv_rows(editor, "7")

    assert rows[0] == ["section", "élément", "mesure", "valeur"]
    assert ["résumé", "ensemble", "conversations", "3"] in rows
    assert ["résumé", "ensemble", "messages", "7"] in rows
    assert ["résumé", "ensemble", "taux de repli (%)", "14,3"] in rows
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert ["messages par jour", yesterday, "agents", "2"] in rows
    assert ["taux de repli par jour", yesterday, "taux de repli (%)", "25"] in rows
    assert ["intentions les plus fréquentes", "greet", "messages", "2"] in rows
    assert ["questions mal comprises", PARKING, "occurrences", "2"] in rows
    assert ["temps de réponse", "p50", "secondes", "0,6"] in rows
    assert ["résumé", "ensemble", "messages", "9"] in csv_rows(editor, "tout")
    assert editor.get("/tableau-de-bord.csv?periode=hier").status_code == 400


def test_in_a_browser_the_charts_draw_with_their_data_tables_and_no_accessibility_error(  # type: ignore[no-untyped-def]
    stored, page, console
):
    log_in_browser(page, console, EDITOR)
    page.goto(console.url + "/?periode=7")

    page.wait_for_function(
        "() => ['bar-chart', 'line-chart'].every(name => customElements.get(name))"
        " && [...document.querySelectorAll('bar-chart, line-chart')].every(chart => chart.querySelector('canvas'))"
    )
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('bar-chart, line-chart')].map(chart => {"
        " const canvas = chart.querySelector('canvas'); return [chart.localName, canvas.width > 0 && canvas.height > 0];"
        "})"
    )
    assert drawn == [["bar-chart", True], ["line-chart", True], ["bar-chart", True], ["bar-chart", True]]
    assert page.locator("table caption").count() == 5

    data_button = page.get_by_role("button", name="Données : messages par jour et par canal")
    data_button.click()
    page.wait_for_function(
        "button => button.getAttribute('aria-expanded') === 'true'", arg=data_button.element_handle()
    )
    page.get_by_role("table", name="Messages par jour et par canal").wait_for(state="visible")
    assert_no_axe_violations(page, "tableau de bord")

    page.get_by_label("Période").select_option("tout")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(lambda url: url.endswith("/?periode=tout"))
    page.wait_for_function("() => document.querySelector('line-chart canvas')")
    assert page.get_by_role("rowheader", name="qui organise le hackathon ?").is_visible()
    assert_no_axe_violations(page, "tableau de bord, depuis le début")
    assert page.watch.errors == []
