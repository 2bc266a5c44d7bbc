"""Stories from real conversations (/histoires): staff correct a conversation of the tracker store into a
Rasa story and its conversation test, checked as `make retrain` checks stories, against the real console
running in a copy of the project.

The conversation is stored with Rasa's own tracker store (SQLTrackerStore, the events a Rasa server writes):
a greeting, then « c'est quand le serious game ? », misunderstood (fallback).
"""

from __future__ import annotations

import asyncio
import html
import time
from pathlib import Path

import pytest
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot.runtime.settings import PROJECT_ROOT
from bot.tooling.console.story_editor import CONSOLE_STORIES, CONSOLE_TESTS, action_choices, described_actions
from bot.tooling.staff.project import Project
from bot.tooling.staff.stories import story_problems
from tests.console.conftest import EDITOR, StaffClient, log_in_browser, staff_client
from tests.web.conftest import assert_no_axe_violations

SENDER = "rest:histoire-serious-game"
QUESTION = "c'est quand le serious game ?"
STORY = "date du serious game après un message mal compris"
GREETING = "Bonjour ! Je suis l'assistant du Mois de l'innovation publique en Pays de la Loire."


def user_message(text: str, intent: str, confidence: float, at: float, **parse: object) -> UserUttered:
    parse_data = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [], **parse}
    return UserUttered(text, parse_data["intent"], parse_data["entities"], parse_data, timestamp=at)


def stored_conversation(root: Path) -> None:
    """The events Rasa stores for the conversation, through Rasa's SQL tracker store on the copy's database."""
    domain = Domain.load(str(root / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(root / "var" / "tracker.db"))
    start = time.time() - 600
    serious_game = {
        "entity": "event",
        "start": 15,
        "end": 27,
        "value": "serious-game",
        "extractor": "DIETClassifier",
        "confidence_entity": 0.97,
    }
    events = [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
        user_message("Bonjour", "greet", 0.98, start + 1),
        ActionExecuted("utter_greet", timestamp=start + 2),
        BotUttered(GREETING, timestamp=start + 2),
        ActionExecuted("action_listen", timestamp=start + 2),
        user_message(
            QUESTION,
            "nlu_fallback",
            0.5,
            start + 10,
            entities=[serious_game],
            intent_ranking=[
                {"name": "nlu_fallback", "confidence": 0.5},
                {"name": "ask_event_date", "confidence": 0.41},
                {"name": "ask_event_details", "confidence": 0.22},
            ],
        ),
        ActionExecuted("action_fallback", timestamp=start + 11),
        BotUttered("Je n'ai pas bien compris. Je peux vous donner le programme du mois.", timestamp=start + 11),
        ActionExecuted("action_listen", timestamp=start + 11),
    ]
    tracker = DialogueStateTracker.from_events(SENDER, events, slots=domain.slots)
    asyncio.run(store.save(tracker))


@pytest.fixture(scope="module")
def conversation(console_project: Path) -> str:
    (console_project / "var").mkdir(exist_ok=True)
    stored_conversation(console_project)
    return SENDER


def corrected(name: str, second_action: str = "action_answer_event_date", **changes: str) -> dict[str, str]:
    """The form as staff send it: greeting kept as it was, the fallback replaced by `second_action`."""
    form = {
        "conversation": SENDER,
        "nom": name,
        "garder-1": "oui",
        "intention-1": "greet",
        "action-1-1": "utter_greet",
        "action-1-2": "",
        "garder-2": "oui",
        "intention-2": "ask_event_date",
        "action-2-1": second_action,
        "action-2-2": "",
    }
    form.update(changes)
    return form


def written_files(root: Path) -> dict[str, str]:
    return {
        str(relative): (root / relative).read_text(encoding="utf-8") if (root / relative).exists() else ""
        for relative in (CONSOLE_STORIES, CONSOLE_TESTS)
    }


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.text)


@pytest.fixture(scope="module")
def saved_story(console, conversation: str, console_project: Path):  # type: ignore[no-untyped-def]
    """The editor corrects the misunderstood message: the fallback becomes the answer about the date."""
    editor = staff_client(console, EDITOR)
    editor.get(f"/histoires/nouvelle?conversation={conversation}")
    return editor.post("/histoires/nouvelle", corrected(STORY))


def test_every_action_of_the_domain_says_what_it_does_in_french():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    custom = set(domain["actions"])
    descriptions = described_actions()
    assert sorted(custom - set(descriptions)) == [], "actions de domain.yml sans description dans actions.yml"
    assert sorted(set(descriptions) - custom) == [], "descriptions d'actions absentes de domain.yml"
    choices = {choice.name: choice.description for choice in action_choices(Project(PROJECT_ROOT))}
    assert set(choices) == custom | set(domain["responses"])
    assert choices["utter_goodbye"] == "répond « Au revoir et bonne journée ! »"
    assert choices["action_answer_event_date"].startswith("Donne la date")


def test_the_stories_page_explains_them_and_starts_from_a_conversation(editor: StaffClient):
    response = editor.get("/histoires")
    assert response.status_code == 200
    text = page_text(response)
    assert "<h1>Histoires</h1>" in text
    assert "Corriger cette conversation" in text
    assert 'href="/conversations"' in text


def test_correct_this_conversation_shows_each_message_its_intent_and_the_actions_the_bot_ran(
    editor: StaffClient, conversation: str
):
    response = editor.get(f"/histoires/nouvelle?conversation={conversation}")
    assert response.status_code == 200
    text = page_text(response)
    assert "<h1>Corriger cette conversation</h1>" in text
    assert "Message n° 1 : « Bonjour »" in text
    assert f"Message n° 2 : « {QUESTION} »" in text
    assert "message mal compris" in text
    # what the model would have said is preselected; so is what the bot did
    assert '<option value="ask_event_date" selected>' in text
    assert '<option value="action_fallback" selected>action_fallback : Message non compris' in text
    assert '<option value="utter_greet" selected>utter_greet : répond « Bonjour ! Je suis' in text
    assert 'label class="fr-label" for="action-2-1">Action n° 1 après le message n° 2' in text


def test_a_corrected_conversation_becomes_a_story_rasa_reads_and_its_conversation_test(
    saved_story, editor: StaffClient, console_project: Path
):
    assert saved_story.status_code == 200 and saved_story.url.endswith("/histoires"), page_text(saved_story)[:3000]
    text = page_text(saved_story)
    assert "Histoire enregistrée : elle sera apprise au prochain entraînement." in text
    assert STORY in text and "ask_event_date → action_answer_event_date" in text

    domain = Domain.load(str(console_project / "domain.yml"))
    steps = YAMLStoryReader(domain).read_from_file(console_project / CONSOLE_STORIES)
    story = next(step for step in steps if step.block_name == STORY)
    said = [(event.intent_name, event.entities) for event in story.events if isinstance(event, UserUttered)]
    ran = [event.action_name for event in story.events if isinstance(event, ActionExecuted)]
    assert said == [("greet", []), ("ask_event_date", [{"entity": "event", "value": "serious-game"}])]
    assert ran == ["utter_greet", "action_answer_event_date"]
    assert story_problems(Project(console_project)) == []  # what `make retrain` checks first

    tests = yaml.safe_load((console_project / CONSOLE_TESTS).read_text(encoding="utf-8"))
    case = next(s for s in tests["stories"] if s["story"] == STORY)
    assert case["steps"] == [
        {"user": "Bonjour", "intent": "greet"},
        {"action": "utter_greet"},
        {
            "user": 'c\'est quand le [serious game]{"entity": "event", "value": "serious-game"} ?',
            "intent": "ask_event_date",
        },
        {"action": "action_answer_event_date"},
    ]
    test_steps = YAMLStoryReader(domain).read_from_file(console_project / CONSOLE_TESTS)
    assert any(step.block_name == STORY for step in test_steps)
    assert any(path.name == CONSOLE_TESTS.name for path in Project(console_project).conversation_tests)

    journal = page_text(editor.get("/journal?action=histoire"))
    assert EDITOR[0] in journal and STORY in journal


def test_a_story_that_contradicts_a_rule_is_refused_in_french_and_nothing_is_written(
    saved_story, editor: StaffClient, console_project: Path
):
    before = written_files(console_project)
    response = editor.post("/histoires/nouvelle", corrected("salut puis aide", **{"action-1-1": "utter_help"}))
    assert response.status_code == 422
    text = page_text(response)
    assert "les vérifications de l'entraînement la refusent" in text
    assert (
        "histoire « salut puis aide » (data/stories/console.yml) : après « greet », elle fait « utter_help » "
        "alors que la règle « salutation » (data/stories/rules.yml) répond toujours « utter_greet »" in text
    )
    assert 'value="salut puis aide"' in text  # nothing the editor chose is lost
    assert '<option value="utter_help" selected>' in text
    assert written_files(console_project) == before


def test_a_story_naming_an_unknown_action_is_refused_with_a_suggestion(
    saved_story, editor: StaffClient, console_project: Path
):
    before = written_files(console_project)
    response = editor.post("/histoires/nouvelle", corrected("date mal tapée", "action_answer_event_dat"))
    assert response.status_code == 422
    text = page_text(response)
    assert (
        "étape 4 : l'action « action_answer_event_dat » n'existe pas dans domain.yml "
        "(vouliez-vous dire « action_answer_event_date » ?)" in text
    )
    assert written_files(console_project) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (STORY, f"Nom de l'histoire : « {STORY} » est déjà le nom d'une histoire, d'une règle ou d'un test"),
        ("Salutation", "Nom de l'histoire : « Salutation » est déjà le nom d'une histoire, d'une règle ou d'un test"),
        ("   ", "Nom de l'histoire : donnez un nom à l'histoire"),
    ],
)
def test_a_story_needs_a_name_of_its_own(saved_story, editor: StaffClient, console_project: Path, name, message):
    before = written_files(console_project)
    response = editor.post("/histoires/nouvelle", corrected(name))
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert 'aria-describedby="nom-erreur"' in text
    assert written_files(console_project) == before


def test_every_kept_message_needs_an_intent_and_an_action(saved_story, editor: StaffClient, console_project: Path):
    before = written_files(console_project)
    response = editor.post("/histoires/nouvelle", corrected("sans action", "", **{"intention-1": ""}))
    assert response.status_code == 422
    text = page_text(response)
    assert "Message n° 1, intention : choisissez ce que la personne voulait dire." in text
    assert "Message n° 2, action n° 1 : choisissez au moins une action du bot après ce message." in text
    assert written_files(console_project) == before


def test_an_unknown_conversation_is_said_in_french(editor: StaffClient):
    response = editor.get("/histoires/nouvelle?conversation=rest:inconnue")
    assert response.status_code == 404
    assert "Conversation « rest:inconnue » introuvable" in page_text(response)


def test_in_a_browser_an_editor_changes_an_action_and_saves_the_story(
    page, console, conversation: str, console_project: Path
):
    log_in_browser(page, console, EDITOR)
    page.goto(f"{console.url}/histoires/nouvelle?conversation={conversation}")
    assert_no_axe_violations(page, "corriger cette conversation")

    page.get_by_role("button", name="Enregistrer l'histoire").click()  # no name yet: refused, errors linked
    page.wait_for_selector("#nom-erreur")
    assert_no_axe_violations(page, "corriger cette conversation, avec erreurs")

    page.get_by_label("Nom de l'histoire").fill("date du serious game, correction au navigateur")
    page.get_by_label("Action n° 1 après le message n° 2").select_option("action_answer_event_date")
    page.get_by_role("button", name="Enregistrer l'histoire").click()
    page.wait_for_url(f"{console.url}/histoires")
    assert "Histoire enregistrée" in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("rowheader", name="date du serious game, correction au navigateur").is_visible()
    assert_no_axe_violations(page, "histoires")
    refused_form = "status of 422"  # the form sent back with its errors: the browser logs it, nothing broke
    assert [error for error in page.watch.errors if refused_form not in error] == []
    assert "date du serious game, correction au navigateur" in (console_project / CONSOLE_TESTS).read_text(
        encoding="utf-8"
    )
