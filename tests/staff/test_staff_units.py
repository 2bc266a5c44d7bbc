"""Pure parts of the staff tooling: masking, failure explanations, history, review and import."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from bot.domain.personal_data import mask
from bot.tooling.staff import failures
from bot.tooling.staff.changes import describe_changes, new_names
from bot.tooling.staff.history import ModelHistory
from bot.tooling.staff.nlu_figures import known_figures, nlu_fingerprint
from bot.tooling.staff.project import Project, StaffError
from bot.tooling.staff.retrain import score_model_in_service, service_to_score
from bot.tooling.staff.review import annotate, collect, import_review, read_tracker_store, review
from bot.tooling.staff.sandbox import copy_project


@pytest.mark.parametrize(
    "text, expected",
    [
        ("écrivez-moi à jean.dupont@example.org svp", "écrivez-moi à <courriel> svp"),
        ("mon numéro 06 12 34 56 78", "mon numéro <téléphone>"),
        ("+33 6 12 34 56 78 ou 0612345678", "<téléphone> ou <téléphone>"),
        ("appelez le 02.40.41.20.20", "appelez le <téléphone>"),
        ("le 19/11/2020 ou le 2020-11-19", "le 19/11/2020 ou le 2020-11-19"),
        ("quel est le programme du 24 ?", "quel est le programme du 24 ?"),
    ],
)
def test_personal_data_is_masked_and_dates_are_kept(text, expected):
    assert mask(text) == expected


def test_validation_output_is_explained_in_french():
    output = """2026-11-27 14:00:00 WARNING  rasa.validator  - Story structure conflict after intent 'greet':
  utter_goodbye predicted in 'bonjour puis au revoir'
  utter_greet predicted in 'salutation'
"""
    problems = failures.validation_problems(output)
    assert any("se contredisent après intent 'greet'" in p for p in problems)
    assert any("« bonjour puis au revoir » fait suivre par utter_goodbye" in p for p in problems)


def test_failed_conversation_names_the_story_and_the_first_wrong_step(tmp_path):
    # as written by `rasa test core` (Rasa 3.6.21); the user text comes from the test stories
    path = tmp_path / "failed_test_stories.yml"
    path.write_text(
        """version: "3.1"
stories:
- story: robot puis aide (/tmp/st/test_x.yml)
  steps:
  - intent: bot_challenge
  - action: utter_bot_challenge
  - action: utter_help  # predicted: action_listen
  - action: action_listen  # predicted: action_fallback
""",
        encoding="utf-8",
    )
    source = tmp_path / "test_x.yml"
    source.write_text(
        "stories:\n- story: robot puis aide\n  steps:\n  - user: |\n      tu es un robot ?\n    intent: bot_challenge\n"
        "  - action: utter_bot_challenge\n  - action: utter_help\n",
        encoding="utf-8",
    )
    assert failures.failed_conversations(path, [source]) == [
        "conversation « robot puis aide » après « tu es un robot ? » : l'action attendue était « utter_help », "
        "le modèle a prédit « action_listen »"
    ]


def test_intent_errors_are_listed(tmp_path):
    path = tmp_path / "intent_errors.json"
    path.write_text(
        json.dumps(
            [
                {
                    "text": "c'est quand ?",
                    "intent": "ask_event_date",
                    "intent_prediction": {"name": "ask_day_programme", "confidence": 0.61},
                }
            ]
        )
    )
    assert failures.intent_errors(path) == [
        "« c'est quand ? » : intention attendue « ask_event_date », comprise « ask_day_programme » (confiance 0.61)"
    ]


def test_training_contradiction_names_the_rules():
    output = (
        "rasa.shared.core.training_data.structures.InvalidRule: \nContradicting rules or stories found 🚨\n\n"
        "- the prediction of the action 'utter_goodbye' in rule 'bonjour au revoir' is contradicting with rule(s) 'salutation'.\n"
    )
    lines = failures.training_problem(output)
    assert any(
        "« bonjour au revoir » prévoit « utter_goodbye », contredit par « salutation »" in line for line in lines
    )


def test_changes_between_manifests():
    old = {
        "intents": ["greet"],
        "stories": ["règle : salutation"],
        "nlu_examples": {"greet": 10},
        "names": {"event": ["serious game"]},
        "figures": {"intent_accuracy": 0.96},
    }
    new = {
        "intents": ["greet", "ask_room"],
        "stories": ["règle : salutation", "histoire : robot puis aide"],
        "nlu_examples": {"greet": 12, "ask_room": 5},
        "names": {"event": ["serious game", "hackathon"]},
        "figures": {"conversations_passed": 33, "conversations_total": 33, "intent_accuracy": 0.97, "entity_f1": 0.93},
    }
    text = "\n".join(describe_changes(old, new))
    assert "Nouvelles intentions : ask_room" in text
    assert "histoire : robot puis aide" in text
    assert "greet +2" in text and "ask_room +5" in text
    assert "Nouveaux noms (event) : hackathon" in text
    assert "33/33" in text and "97.0% (avant 96.0%)" in text
    assert new_names({"event": ["a"]}, {"event": ["a", "b"], "topic": ["c"]}) == {"event": ["b"], "topic": ["c"]}


def test_history_keeps_current_and_previous(tmp_path):
    project = Project(tmp_path)
    project.models_dir.mkdir()
    project.live_model.write_bytes(b"v0")
    history = ModelHistory(project)
    first = history.adopt_live_model()
    candidate = tmp_path / "candidate.tar.gz"
    candidate.write_bytes(b"v1")
    history.add(candidate, {"figures": {}}, "20261127-150000")
    history.make_current("20261127-150000", first)
    assert project.live_model.read_bytes() == b"v1"
    assert history.state().previous == first
    history.make_current(first, "20261127-150000")  # what rollback does
    assert project.live_model.read_bytes() == b"v0"
    with pytest.raises(StaffError, match="aucun modèle"):
        ModelHistory(Project(tmp_path / "empty")).require(None, "précédent")


def _tracker_db(path: Path, conversations: list[list[tuple[str, dict]]]) -> Path:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
        "intent_name TEXT, action_name TEXT, data TEXT)"
    )
    for n, conversation in enumerate(conversations):
        for type_name, data in conversation:
            connection.execute(
                "INSERT INTO events (sender_id, type_name, action_name, data) VALUES (?, ?, ?, ?)",
                (f"s{n}", type_name, data.get("name"), json.dumps(data)),
            )
    connection.commit()
    connection.close()
    return path


def _user(text: str, intent: str, confidence: float, ranking=(), entities=()) -> tuple[str, dict]:
    return (
        "user",
        {
            "text": text,
            "parse_data": {
                "intent": {"name": intent, "confidence": confidence},
                "intent_ranking": list(ranking),
                "entities": list(entities),
            },
        },
    )


def test_review_groups_masks_and_import_deduplicates(tmp_path):
    project = Project(tmp_path)
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "stories").mkdir(parents=True)
    (tmp_path / "tests" / "nlu").mkdir(parents=True)
    (tmp_path / "domain.yml").write_text("intents: [greet, ask_contact, ask_event_date]\n")
    (tmp_path / "data" / "nlu" / "base.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - bonjour\n'
    )
    (tmp_path / "tests" / "nlu" / "test_nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - salut à vous\n'
    )
    (tmp_path / "data" / "stories" / "rules.yml").write_text(
        "rules:\n- rule: contact\n  steps: [{intent: ask_contact}, {action: action_answer_contact}]\n"
        "- rule: date\n  steps: [{intent: ask_event_date}, {action: action_answer_event_date}]\n"
    )
    fallback = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "ask_contact", "confidence": 0.41}]
    db = _tracker_db(
        tmp_path / "tracker.db",
        [
            [
                _user("je veux écrire à marie@example.org", "nlu_fallback", 0.5, fallback),
                ("action", {"name": "action_fallback"}),
            ],
            [
                _user("Je veux écrire à paul@example.org ?", "nlu_fallback", 0.5, fallback),
                ("action", {"name": "action_fallback"}),
            ],
            [
                _user(
                    "c'est quand le serious game",
                    "ask_event_date",
                    0.62,
                    entities=[
                        {
                            "entity": "event",
                            "start": 15,
                            "end": 27,
                            "value": "serious-game",
                            "extractor": "DIETClassifier",
                        }
                    ],
                ),
                ("action", {"name": "action_answer_event_date"}),
            ],
            [_user("bonjour", "greet", 0.99), ("action", {"name": "utter_greet"})],
            [_user('/inform{"event":"communs"}', "inform", 0.2)],
            [_user("salut à vous", "greet", 0.3)],
        ],
    )
    messages = read_tracker_store(db)
    items = collect(messages)
    assert [(i.text, i.occurrences) for i in items][0] == ("je veux écrire à <courriel>", 2)
    assert {i.understood for i in items} == {"ask_contact", "ask_event_date", "greet"}
    assert (
        annotate("c'est quand le serious game", messages[2].entities)
        == 'c\'est quand le [serious game]{"entity": "event", "value": "serious-game"}'
    )
    out = tmp_path / "revue.yml"
    review(project, db, out)
    text = out.read_text(encoding="utf-8")
    assert "example.org" not in text and "intention_correcte" in text
    document = yaml.safe_load(text)
    for entry in document["messages"]:
        entry["intention_correcte"] = entry["intention_comprise"]
    out.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = import_review(project, out)
    assert [intent for intent, _ in result.examples_added] == ["ask_contact", "ask_event_date"]
    assert result.held_out == ["salut à vous"]
    nlu = (tmp_path / "data" / "nlu" / "revue.yml").read_text(encoding="utf-8")
    assert "- je veux écrire à <courriel>" in nlu and "[serious game]" in nlu
    tests = yaml.safe_load((tmp_path / "tests" / "test_stories_revue.yml").read_text(encoding="utf-8"))
    assert tests["stories"][0]["steps"][1] == {"action": "action_answer_contact"}
    again = import_review(project, out)
    assert again.examples_added == [] and len(again.duplicates) == 2
    assert (tmp_path / "data" / "nlu" / "revue.yml").read_text(encoding="utf-8") == nlu
    document["messages"][0]["intention_correcte"] = "ask_room"
    out.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(StaffError, match="message n° 1 .*intention_correcte.*ask_room"):
        import_review(project, out)


def test_story_problems_name_the_story_the_step_and_the_rule(tmp_path):
    from bot.tooling.staff.stories import story_problems

    (tmp_path / "data" / "stories").mkdir(parents=True)
    (tmp_path / "domain.yml").write_text(
        "intents: [greet, goodbye]\nresponses:\n  utter_greet: [{text: b}]\n  utter_goodbye: [{text: a}]\n"
    )
    (tmp_path / "data" / "stories" / "rules.yml").write_text(
        "rules:\n- rule: salutation\n  steps: [{intent: greet}, {action: utter_greet}]\n"
    )
    (tmp_path / "data" / "stories" / "essai.yml").write_text(
        "stories:\n- story: bonjour puis au revoir\n  steps: [{intent: greet}, {action: utter_goodbye}]\n"
        "- story: faute de frappe\n  steps: [{intent: goodbye}, {action: utter_godbye}]\n"
    )
    problems = "\n".join(story_problems(Project(tmp_path)))
    assert "histoire « bonjour puis au revoir » (data/stories/essai.yml) : après « greet »" in problems
    assert "règle « salutation »" in problems
    assert (
        "histoire « faute de frappe » (data/stories/essai.yml), étape 2 : l'action « utter_godbye » n'existe pas"
        in problems
    )
    assert "vouliez-vous dire « utter_goodbye »" in problems


def test_entities_found_inside_personal_data_are_dropped_before_masking():
    text = "rappelez moi au 06 12 34 56 78 pour le hackathon"
    entities = [{"entity": "date", "start": 16 + 3 * i, "end": 18 + 3 * i, "value": "x"} for i in range(5)]
    entities.append({"entity": "event", "start": 39, "end": 48, "value": "hackathon"})
    assert annotate(text, entities) == "rappelez moi au <téléphone> pour le [hackathon](event)"


def test_an_unreachable_conversation_database_is_said_in_french_without_its_password():
    from tests.support.servers import free_port

    with pytest.raises(StaffError, match="base des conversations illisible") as error:
        read_tracker_store(f"postgresql://rasa:motdepasse@127.0.0.1:{free_port()}/rasa")
    assert "motdepasse" not in str(error.value)


INJECTION = (
    "bonjour\n- intent: greet\n  examples: |\n    - pirate\n"
    "- synonym: serious-game\n  examples: |\n    - pirate\n"
    "- regex: code\n  examples: |\n    - \\d+\n"
    '\tet [pirate]{"entity": "event", "value": "serious-game"} [x](event:hackathon)'
)


def _small_project(tmp_path: Path) -> Project:
    for folder in ("data/nlu", "data/stories", "tests/nlu"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "domain.yml").write_text("intents: [greet, ask_contact]\n")
    (tmp_path / "data" / "nlu" / "base.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - bonjour\n    - salut\n'
        "- intent: ask_contact\n  examples: |\n    - comment vous joindre\n"
    )
    (tmp_path / "data" / "stories" / "rules.yml").write_text(
        "rules:\n- rule: salutation\n  steps: [{intent: greet}, {action: utter_greet}]\n"
    )
    return Project(tmp_path)


def _training_data(folder: Path):
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(folder))


def test_a_multi_line_message_labelled_by_staff_becomes_one_example_and_nothing_else(tmp_path):
    project = _small_project(tmp_path)
    fallback = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "greet", "confidence": 0.4}]
    db = _tracker_db(
        tmp_path / "tracker.db",
        [[_user(INJECTION, "nlu_fallback", 0.5, fallback), ("action", {"name": "action_fallback"})]],
    )
    before = _training_data(tmp_path / "data" / "nlu")
    out = tmp_path / "revue.yml"
    review(project, db, out)
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    [entry] = document["messages"]
    flat = " ".join(INJECTION.split())
    assert entry["texte"] == flat and "\n" not in entry["exemple"] and "[" not in entry["exemple"]
    entry["intention_correcte"] = "greet"  # the staff labels it
    out.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = import_review(project, out)
    assert result.examples_added == [("greet", entry["exemple"])]

    learnt = _training_data(tmp_path / "data" / "nlu" / "revue.yml")
    assert [(m.get("intent"), m.get("text")) for m in learnt.intent_examples] == [
        ("greet", flat.replace("[", "(").replace("]", ")"))
    ]
    assert learnt.entity_synonyms == {} and learnt.regex_features == [] and learnt.lookup_tables == []
    assert learnt.entity_examples == []  # the citizen's brackets annotate nothing
    after = _training_data(tmp_path / "data" / "nlu")
    assert after.intents == before.intents
    assert len(after.intent_examples) == len(before.intent_examples) + 1
    assert after.entity_synonyms == before.entity_synonyms and after.regex_features == before.regex_features
    tests = yaml.safe_load((tmp_path / "tests" / "test_stories_revue.yml").read_text(encoding="utf-8"))
    assert [story["steps"][0]["user"] for story in tests["stories"]] == [entry["exemple"]]


def test_a_hand_edited_multi_line_example_is_imported_on_one_line_and_keeps_the_file_comments(tmp_path):
    project = _small_project(tmp_path)
    nlu = tmp_path / "data" / "nlu" / "revue.yml"
    nlu.write_text(
        '# notes de l\'équipe\nversion: "3.1"\nnlu:\n- intent: greet  # à relire\n  examples: |\n    - coucou\n',
        encoding="utf-8",
    )
    review_file = tmp_path / "revue-main.yml"
    review_file.write_text(
        yaml.safe_dump(
            {
                "messages": [
                    {
                        "texte": "x",
                        "exemple": "bonsoir\n- regex: code\n  examples: |\n    - .*",
                        "intention_correcte": "greet",
                    },
                    {"texte": "je voudrais\r\nvous\u2028écrire\x85[merci](event)", "intention_correcte": "ask_contact"},
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    result = import_review(project, review_file)
    assert result.examples_added == [
        ("greet", "bonsoir - regex: code examples: | - .*"),
        ("ask_contact", "je voudrais vous écrire (merci)(event)"),
    ]
    text = nlu.read_text(encoding="utf-8")
    assert "# notes de l'équipe" in text and "# à relire" in text
    learnt = _training_data(nlu)
    assert sorted((m.get("intent"), m.get("text")) for m in learnt.intent_examples) == [
        ("ask_contact", "je voudrais vous écrire (merci)(event)"),
        ("greet", "bonsoir - regex: code examples: | - .*"),
        ("greet", "coucou"),
    ]
    assert learnt.regex_features == [] and learnt.entity_examples == []


def test_the_model_in_service_is_scored_once_on_the_development_set_when_its_figures_are_unknown(
    tmp_path, trained_model
):
    """A model from `make train` has no figures: the first retrain scores it beside the candidate, so the
    console's result page compares both on the same development set."""
    project = Project(copy_project(tmp_path / "projet"))
    live = nlu_fingerprint(project, project.live_model)
    assert service_to_score(project, live) is None  # the candidate's own scoring serves: same understanding
    candidate = "empreinte d'un candidat ajusté"
    fingerprint, process = service_to_score(project, candidate)
    said: list[str] = []
    score_model_in_service(project, fingerprint, process, project.results_dir / "nlu-en-service", said.append)
    figures = known_figures(project, live)
    assert figures and 0.8 < figures["intent_accuracy"] <= 1 and 0.8 < figures["entity_f1"] <= 1
    assert said == [
        f"  modèle en service, sur le même jeu de contrôle : exactitude des intentions "
        f"{figures['intent_accuracy']:.1%}, F1 des entités {figures['entity_f1']:.1%}"
    ]
    assert service_to_score(project, candidate) is None  # scored once, remembered
