"""The held-out French test set (tests/nlu/), scored by `rasa test nlu`, must stay above the bars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.runtime.settings import PROJECT_ROOT
from tests.support.rasa_cli import run_rasa, tail

# Regression floors, not the goals: on the independent held-out set (505 sentences) the shipped model
# scores the figures of README.md's table, below the intent bar of 97 % (bot/tooling/evaluation.py,
# `make eval`). A change that loses ground fails here.
INTENT_ACCURACY_BAR = 0.86
ENTITY_F1_BAR = 0.95
TEST_SET = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"


def _normalised(path: Path) -> set[str]:
    return {" ".join(m.get("text").lower().split()) for m in load_data(str(path)).training_examples}


def test_the_test_set_is_held_out_and_large_enough():
    test_texts = _normalised(TEST_SET)
    assert len(test_texts) >= 150
    assert not test_texts & _normalised(PROJECT_ROOT / "data" / "nlu"), (
        "phrases du jeu de test présentes à l'entraînement"
    )


@pytest.fixture(scope="module")
def nlu_report(trained_model, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nlu-results")
    process = run_rasa(
        "test", "nlu", "--model", str(trained_model), "--nlu", str(TEST_SET), "--out", str(out), "--no-plot"
    )
    assert process.returncode == 0, tail(process)
    return out


def test_intent_accuracy(nlu_report):
    report = json.loads((nlu_report / "intent_report.json").read_text())
    errors = json.loads((nlu_report / "intent_errors.json").read_text())
    listing = "\n".join(
        f"  {e['text']!r}: attendu {e['intent']}, prédit {e['intent_prediction']['name']}" for e in errors
    )
    assert report["accuracy"] >= INTENT_ACCURACY_BAR, f"exactitude {report['accuracy']:.3f}\n{listing}"


def test_entity_f1(nlu_report):
    report = json.loads((nlu_report / "DIETClassifier_report.json").read_text())
    f1 = report["micro avg"]["f1-score"]
    per_entity = {k: round(v["f1-score"], 3) for k, v in report.items() if isinstance(v, dict) and "f1-score" in v}
    assert f1 >= ENTITY_F1_BAR, f"F1 entités {f1:.3f} : {per_entity}"
