"""Trying DIET settings on the development set: how variants are written and reported."""

from __future__ import annotations

import argparse

import pytest

from bot.tooling.dev_tuning import Trial, parse_variant, record, render, variant_config


def test_a_variant_names_the_diet_settings_it_changes():
    name, settings = parse_variant("t1=number_of_transformer_layers:1,transformer_size:128,epochs:100")
    assert (name, settings) == ("t1", {"number_of_transformer_layers": 1, "transformer_size": 128, "epochs": 100})
    assert parse_variant("livree=") == ("livree", {})


@pytest.mark.parametrize("text", ["=epochs:300", "e300=epochs", "e300=epochs:"])
def test_a_malformed_variant_is_refused_in_french(text):
    with pytest.raises(argparse.ArgumentTypeError, match="attendu"):
        parse_variant(text)


def test_only_diet_changes_the_rest_is_config_yml():
    config = variant_config({"epochs": 300})
    diet = next(c for c in config["pipeline"] if c["name"] == "DIETClassifier")
    assert diet["epochs"] == 300
    assert config["pipeline"][0]["name"] == "SpacyNLP"


def test_the_report_shows_each_trial_with_the_data_it_was_trained_on():
    report = render([Trial("e300", {"epochs": 300}, 13.0, 0.9102, 0.9742, "2026-12-05", "4943aa5")])
    assert "| e300 | `epochs: 300` | 13.0 min | 91,0 % | 97,4 % | 2026-12-05 | 4943aa5 |" in report
    assert "jeu de test n'est jamais consulté" in report


def test_a_rerun_on_new_data_keeps_the_earlier_measurement_and_a_rerun_on_the_same_data_replaces_it():
    earlier = Trial("e300", {"epochs": 300}, 13.0, 0.910, 0.974, "2026-12-05", "9fdbb0c")
    trials = {("e300", "9fdbb0c"): earlier}
    record(trials, Trial("e300", {"epochs": 300}, 6.7, 0.914, 0.959, "2026-12-08", "f0944d1"))
    record(trials, Trial("e300", {"epochs": 300}, 6.6, 0.914, 0.959, "2026-12-09", "f0944d1"))
    assert [(t.commit, t.cpu_minutes) for t in trials.values()] == [("9fdbb0c", 13.0), ("f0944d1", 6.6)]
