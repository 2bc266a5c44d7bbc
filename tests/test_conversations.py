"""Conversation tests (tests/test_stories.yml) and training-data validation, as in CI of a Rasa bot."""

from __future__ import annotations

from bot.runtime.settings import PROJECT_ROOT
from tests.support.rasa_cli import read, run_rasa, tail

STORIES = PROJECT_ROOT / "tests" / "test_stories.yml"


def test_conversation_stories_pass(trained_model, tmp_path):
    process = run_rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        str(STORIES),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        "--no-plot",
    )
    failed = read(tmp_path / "failed_test_stories.yml")
    assert process.returncode == 0, f"{tail(process)}\n{failed}"


def test_there_are_enough_conversations():
    import yaml

    stories = yaml.safe_load(STORIES.read_text(encoding="utf-8"))["stories"]
    assert len(stories) >= 30
    assert sum(1 for s in stories if sum("user" in step for step in s["steps"]) >= 2) >= 10
