"""The inbox of real conversations and the annotation of a message, in the staff console.

The conversations are real: the test starts the real Rasa and action servers on the tracker store of
the project copy the console runs in, and asks them French questions over REST and the agents'
channel. Two questions are misunderstood (fallback) and one is answered with a passage of the press
kit: those three are replayed with a recorded understanding, so that retraining the model, which
changes what it misses, does not move the premise (tests/support/servers.py, replay).
Annotating writes through the staff import code into the copy's data/nlu/revue.yml, or with
« ajouter aux tests » into its development set, tests/dev/nlu/ (never tests/nlu/).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import requests
from rasa.shared.nlu.training_data.loading import load_data

from bot.tooling.console.conversations import PARIS, read_conversations
from tests.channels.mattermost import generic
from tests.console.conftest import EDITOR, StaffClient, assert_no_axe_violations, log_in_browser
from tests.support.servers import AGENTS_TEST_TOKEN, ask, replay, start_action_server, start_rasa_server

# sender -> what the citizen or the agent wrote, in order
PROGRAMME = ("inbox-programme", ["Quel est le programme ?", "c'est quand le serious game ?"])
MISUNDERSTOOD = ("inbox-frugale", ["qu'est-ce que l'innovation frugale ?"])
PASSAGE = ("inbox-laboratoire", ["le laboratoire d'innovation de la préfecture, il ouvre quand ?"])
BROWSER_MISUNDERSTOOD = ("inbox-navigateur", ["qu'est-ce que le nudge ?"])
AGENT_QUESTION = "qui organise l'atelier mind mapping ?"


def understood(intent: str, confidence: float, *others: tuple[str, float], entities: tuple[dict, ...] = ()) -> dict:
    """A parse as Rasa records it; below the FallbackClassifier's threshold, nlu_fallback comes first."""
    ranking = [{"name": intent, "confidence": confidence}] + [{"name": n, "confidence": c} for n, c in others]
    return {"intent": ranking[0], "intent_ranking": ranking, "entities": list(entities)}


# An event the catalogue does not have: the project of the Lab' 3.0, which the press kit describes
NEW_LAB = {"entity": "event", "value": "laboratoire d'innovation", "start": 3, "end": 27}

# sender -> (what a model understood of the message, the action the rules choose for it: data/stories/rules.yml)
REPLAYED = {
    MISUNDERSTOOD[0]: (
        understood("nlu_fallback", 0.5, ("ask_definition", 0.41), ("ask_topic_events", 0.22)),
        "action_fallback",
    ),
    PASSAGE[0]: (
        understood("ask_event_date", 0.9, ("ask_project", 0.06), entities=(NEW_LAB,)),
        "action_answer_event_date",
    ),
    BROWSER_MISUNDERSTOOD[0]: (
        understood("nlu_fallback", 0.5, ("ask_definition", 0.38), ("ask_month", 0.2)),
        "action_fallback",
    ),
}


@pytest.fixture(scope="module")
def conversations(console_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Real conversations in the copy's tracker store; name -> the console's path of the conversation."""
    logs = tmp_path_factory.mktemp("inbox-servers")
    actions = start_action_server(logs, MOIS_CATALOGUE=str(console_project / "data" / "catalogue.yml"))
    try:
        rasa = start_rasa_server(
            console_project / "models" / "mois-innovation.tar.gz",
            actions.url,
            logs,
            console_project / "var" / "tracker.db",
            AGENTS_WEBHOOK_TOKENS=AGENTS_TEST_TOKEN,
        )
    except Exception:
        actions.stop()
        raise
    try:
        replies = {}
        for sender, messages in (PROGRAMME, MISUNDERSTOOD, PASSAGE, BROWSER_MISUNDERSTOOD):
            if sender in REPLAYED:
                [message], (parse, action) = messages, REPLAYED[sender]
                replies[sender] = [replay(rasa, f"rest:{sender}", message, parse, action)]
            else:
                replies[sender] = [ask(rasa, sender, message) for message in messages]
        agents = requests.post(
            rasa.url + "/webhooks/agents/webhook",
            json=generic(AGENT_QUESTION, channel_id="espace-innovation", user_id="camille"),
            timeout=30,
        )
        assert agents.ok, agents.text
    finally:
        rasa.stop()
        actions.stop()
    # The premise, as the store recorded it: two questions missed, a passage quoted for another.
    stored = {c.sender: c for c in read_conversations(f"sqlite:///{console_project / 'var' / 'tracker.db'}")}
    assert {s for s, c in stored.items() if c.has_fallback} == {
        f"rest:{MISUNDERSTOOD[0]}",
        f"rest:{BROWSER_MISUNDERSTOOD[0]}",
    }
    assert {s for s, c in stored.items() if c.passage_used} == {f"rest:{PASSAGE[0]}"}, replies
    paths = {sender: "/conversations/" + quote(f"rest:{sender}", safe="") for sender, _ in replies.items()}
    paths["agents"] = "/conversations/" + quote("osmose:espace-innovation:camille", safe="")
    return paths


def listed(page: str) -> set[str]:
    """The conversations of an inbox page, by the console's path of each."""
    return set(re.findall(r'href="(/conversations/[^"?]+)"', page))


def inbox(client: StaffClient, **filters: str) -> requests.Response:
    return client.get("/conversations", params=filters)


def annotation_path(conversation: str, number: int = 1) -> str:
    return f"{conversation}/messages/{number}/annoter"


def examples_of(path: Path) -> dict[str, list[str]]:
    """intent -> examples (annotations removed), read with Rasa's own loader."""
    found: dict[str, list[str]] = {}
    for message in load_data(str(path)).intent_examples:
        found.setdefault(message.get("intent"), []).append(message.get("text"))
    return found


def tree_snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- the inbox


def test_the_inbox_lists_every_real_conversation_most_recent_first(console, conversations, editor):
    response = inbox(editor)
    assert response.status_code == 200
    page = response.text
    assert listed(page) == set(conversations.values())
    assert "5 conversations correspondent" in page
    # most recent first: the agents' question was asked last
    order = re.findall(r'href="(/conversations/[^"?]+)"', page)
    assert order[0] == conversations["agents"] and order[-1] == conversations[PROGRAMME[0]]
    assert "Agents (Mattermost, Osmose)" in page and "API REST" in page


def test_the_fallback_filter_keeps_the_misunderstood_conversations_only(console, conversations, editor):
    page = inbox(editor, repli="oui").text
    assert listed(page) == {conversations[MISUNDERSTOOD[0]], conversations[BROWSER_MISUNDERSTOOD[0]]}
    assert "Repli" in page


def test_the_channel_filter(console, conversations, editor):
    assert listed(inbox(editor, canal="agents").text) == {conversations["agents"]}
    assert conversations["agents"] not in listed(inbox(editor, canal="REST").text)
    assert listed(inbox(editor, canal="web").text) == set()


def test_the_confidence_filter_keeps_conversations_with_a_message_understood_below_it(console, conversations, editor):
    below_half = listed(inbox(editor, confiance="0,5").text)
    assert conversations[MISUNDERSTOOD[0]] in below_half
    assert conversations[PROGRAMME[0]] not in below_half and conversations["agents"] not in below_half
    assert listed(inbox(editor, confiance="1").text) >= below_half


def test_a_wrong_confidence_gets_a_french_error_and_keeps_what_was_typed(console, conversations, editor):
    for typed in ("1,5", "beaucoup"):
        response = inbox(editor, confiance=typed, repli="oui")
        assert response.status_code == 400
        assert "Confiance inférieure à : saisissez un nombre entre 0 et 1" in response.text
        assert f'value="{typed}"' in response.text and 'aria-describedby="confiance-erreur"' in response.text
        # the valid filters still apply
        assert conversations[PROGRAMME[0]] not in listed(response.text)


def test_the_passage_and_day_filters(console, conversations, editor):
    assert listed(inbox(editor, passage="oui").text) == {conversations[PASSAGE[0]]}
    today = dt.datetime.now(PARIS).date().isoformat()
    assert listed(inbox(editor, jour=today).text) == set(conversations.values())
    assert listed(inbox(editor, jour="2020-11-19").text) == set()
    wrong = inbox(editor, jour="19 novembre")
    assert wrong.status_code == 400 and "Date : saisissez une date au format AAAA-MM-JJ" in wrong.text


# ---------------------------------------------------------------- a conversation


def test_a_conversation_shows_each_message_with_its_intent_and_confidence(console, conversations, editor):
    page = editor.get(conversations[PROGRAMME[0]]).text
    assert "Usager : </span>Quel est le programme ?" in page
    assert "Assistant : </span>Programme du Mois de l&#39;innovation publique" in page
    # live turns: the confidence is the served model's, shown with two decimals
    assert re.search(r"Intention comprise : <strong>ask_programme</strong>, confiance [01],\d\d", page)
    assert re.search(r"Intention comprise : <strong>ask_event_date</strong>, confiance [01],\d\d", page)
    assert page.count("Annoter ce message") == 2
    assert f'href="{annotation_path(conversations[PROGRAMME[0]], 2)}"' in page
    assert "/histoires/nouvelle?conversation=rest%3Ainbox-programme" in page


def test_a_misunderstood_message_is_marked_fallback_and_a_quote_is_marked(console, conversations, editor):
    missed = editor.get(conversations[MISUNDERSTOOD[0]]).text
    assert "Repli" in missed and re.search(r"confiance 0,[0-4]\d", missed)
    quoted = editor.get(conversations[PASSAGE[0]]).text
    assert "Cite le dossier de presse" in quoted


def test_an_unknown_conversation_or_message_is_a_french_404(console, conversations, editor):
    assert "Cette conversation n&#39;existe pas" in editor.get("/conversations/rest%3Apersonne").text
    response = editor.get(annotation_path(conversations[PROGRAMME[0]], 9))
    assert response.status_code == 404 and "Ce message n&#39;existe pas" in response.text


# ---------------------------------------------------------------- annotate


def test_the_annotation_form_offers_the_intents_with_their_french_description(console, conversations, editor):
    page = editor.get(annotation_path(conversations[MISUNDERSTOOD[0]])).text
    assert "ask_definition : ce que veut dire un terme, un sigle, une notion du dossier" in page
    assert "ask_event_date : quand a lieu un événement" in page
    assert "term : un terme du glossaire" in page
    # the model's best guess is preselected, the message ready to annotate
    assert '<option value="ask_definition" selected>' in page
    assert 'value="qu&#39;est-ce que l&#39;innovation frugale ?"' in page


def test_an_annotation_that_changes_the_text_or_invents_an_entity_type_is_refused(
    console, console_project, conversations, editor
):
    before = tree_snapshot(console_project / "data") | tree_snapshot(console_project / "tests")
    path = annotation_path(conversations[MISUNDERSTOOD[0]])
    editor.get(path)
    changed = editor.post(
        path, {"intention": "ask_definition", "exemple": "qu'est-ce que l'[innovation sobre](term) ?"}
    )
    assert changed.status_code == 400
    assert "Exemple annoté : sans les crochets, le texte doit rester celui du message" in changed.text
    assert "[innovation sobre](term)" in changed.text  # nothing typed is lost
    invented = editor.post(
        path, {"intention": "ask_definition", "exemple": "qu'est-ce que l'[innovation frugale](concept) ?"}
    )
    assert invented.status_code == 400
    assert "type d&#39;entité inconnu « concept »" in invented.text
    no_intent = editor.post(path, {"intention": "ask_recette", "exemple": "qu'est-ce que l'innovation frugale ?"})
    assert no_intent.status_code == 400 and "Intention : choisissez dans la liste" in no_intent.text
    assert tree_snapshot(console_project / "data") | tree_snapshot(console_project / "tests") == before


def test_annotating_adds_the_example_and_its_entity_to_the_training_data(
    console, console_project, conversations, editor
):
    held_out = tree_snapshot(console_project / "tests" / "nlu")
    path = annotation_path(conversations[MISUNDERSTOOD[0]])
    editor.get(path)
    saved = editor.post(
        path,
        {"intention": "ask_definition", "exemple": "qu'est-ce que l'[innovation frugale](term) ?"},
        allow_redirects=False,
    )
    assert saved.status_code == 303 and unquote(saved.headers["Location"]) == unquote(conversations[MISUNDERSTOOD[0]])
    back = editor.get(saved.headers["Location"]).text
    assert "Exemple ajouté : il sera appris au prochain entraînement." in back

    revue = console_project / "data" / "nlu" / "revue.yml"
    assert "qu'est-ce que l'innovation frugale ?" in examples_of(revue)["ask_definition"]
    [example] = [m for m in load_data(str(revue)).intent_examples if "frugale" in m.get("text")]
    assert [(e["entity"], e["value"]) for e in example.get("entities")] == [("term", "innovation frugale")]
    assert not (console_project / "tests" / "dev" / "nlu" / "revue.yml").exists()
    assert tree_snapshot(console_project / "tests" / "nlu") == held_out

    again = editor.post(path, {"intention": "ask_definition", "exemple": "qu'est-ce que l'innovation frugale ?"})
    assert "Cette phrase est déjà connue : rien n&#39;a été ajouté." in again.text
    assert revue.read_text(encoding="utf-8").count("innovation frugale") == 1

    journal = editor.get("/journal", params={"action": "annotation"}).text
    assert EDITOR[0] in journal and "innovation frugale" in journal and "ask_definition" in journal


def test_ajouter_aux_tests_puts_the_example_in_the_development_set_never_in_the_held_out_set(
    console, console_project, conversations, editor
):
    held_out = tree_snapshot(console_project / "tests" / "nlu")
    path = annotation_path(conversations[PASSAGE[0]])
    editor.get(path)
    saved = editor.post(
        path,
        {
            "intention": "ask_project",
            "exemple": "le laboratoire d'innovation de la préfecture, il ouvre quand ?",
            "ajouter_aux_tests": "oui",
        },
    )
    assert "Exemple ajouté aux tests (jeu de développement)" in saved.text
    development = console_project / "tests" / "dev" / "nlu" / "revue.yml"
    assert PASSAGE[1][0] in examples_of(development)["ask_project"]
    assert "laboratoire" not in (console_project / "data" / "nlu" / "revue.yml").read_text(encoding="utf-8")
    assert tree_snapshot(console_project / "tests" / "nlu") == held_out
    assert "jeu de développement" in editor.get("/journal", params={"action": "annotation"}).text


# ---------------------------------------------------------------- in a real browser


def test_in_a_browser_staff_filter_open_mark_an_entity_and_save(console, console_project, conversations, page):
    log_in_browser(page, console, EDITOR)
    page.goto(console.url + "/conversations")
    assert_no_axe_violations(page, "boîte des conversations")
    page.locator('label[for="repli"]').click()  # the DSFR draws the box on the label
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("2 conversations correspondent").wait_for()
    page.get_by_label("Confiance inférieure à").fill("deux")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("Confiance inférieure à : saisissez un nombre entre 0 et 1").wait_for()
    assert_no_axe_violations(page, "filtre en erreur")

    page.goto(console.url + "/conversations?repli=oui")
    page.locator(f'a[href="{conversations[BROWSER_MISUNDERSTOOD[0]]}"]').click()
    page.get_by_text("qu'est-ce que le nudge ?").first.wait_for()
    assert_no_axe_violations(page, "conversation")
    page.get_by_role("link", name=re.compile("Annoter ce message")).first.click()
    assert_no_axe_violations(page, "annotation")

    # Select « nudge » with the keyboard, as a keyboard-only user would, and mark it.
    message = page.get_by_label("Message de l'usager")
    message.focus()
    start = BROWSER_MISUNDERSTOOD[1][0].index("nudge")
    page.keyboard.press("Home")
    for _ in range(start):
        page.keyboard.press("ArrowRight")
    for _ in range(len("nudge")):
        page.keyboard.press("Shift+ArrowRight")
    page.get_by_label("Type d'entité").select_option("term")
    page.get_by_role("button", name="Marquer la sélection").click()
    page.get_by_text("« nudge » marqué comme term.").wait_for()
    example = page.get_by_label("Exemple annoté")
    assert example.input_value() == "qu'est-ce que le [nudge](term) ?"
    page.get_by_role("combobox", name=re.compile("^Intention")).select_option("ask_definition")
    assert_no_axe_violations(page, "annotation, entité marquée")
    page.get_by_role("button", name="Enregistrer l'exemple").click()
    page.get_by_text("Exemple ajouté : il sera appris au prochain entraînement.").wait_for()
    assert unquote(page.url).endswith(unquote(conversations[BROWSER_MISUNDERSTOOD[0]]))
    revue = load_data(str(console_project / "data" / "nlu" / "revue.yml"))
    [saved] = [m for m in revue.intent_examples if "nudge" in m.get("text")]
    assert saved.get("intent") == "ask_definition"
    assert [(e["entity"], e["value"]) for e in saved.get("entities")] == [("term", "nudge")]
    # The only error the browser reports: the deliberate wrong filter, answered with a 400.
    assert [e for e in page.watch.errors if "status of 400" not in e] == []
