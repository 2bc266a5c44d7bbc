"""Start-up with a bad catalogue or without a usable model: one French line saying what is wrong and
how to fix it, a non-zero exit code, no traceback, and no server left running."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH
from bot.runtime.settings import PROJECT_ROOT
from tests.support.servers import free_port, quiet_env


def run_bot(tmp_path, **env: str) -> subprocess.CompletedProcess:
    environ = quiet_env(
        RASA_PORT=str(free_port()), ACTION_PORT=str(free_port()), TRACKER_DB=str(tmp_path / "t.db"), **env
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output and 'File "' not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert not result.stdout.strip(), result.stdout  # nothing started, nothing announced
    return lines[0]


def catalogue_data() -> dict:
    return yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def write(tmp_path, data) -> str:
    path = tmp_path / "catalogue.yml"
    path.write_text(
        data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return str(path)


def without_date(data: dict) -> dict:
    del data["events"][1]["date"]
    return data


def unknown_organiser(data: dict) -> dict:
    data["events"][0]["organisers"] = ["prefecture-inconnue"]
    return data


def bad_date(data: dict) -> dict:
    data["events"][2]["date"] = "31/02/2020"
    return data


CASES = {
    "fichier absent": (None, ["introuvable"]),
    "YAML invalide": ("events:\n  - id: x\n   title: [mal indenté\n", ["YAML invalide", "ligne"]),
    "champ manquant": (without_date, ["événement « mind-mapping »", "champ « date »"]),
    "référence inconnue": (
        unknown_organiser,
        ["événement « demarches-simplifiees-osmose »", "« organisers »", "prefecture-inconnue"],
    ),
    "date impossible": (bad_date, ["champ « date »"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_catalogue_stops_start_up_in_one_line(tmp_path, case):
    change, expected = CASES[case]
    if change is None:
        path = str(tmp_path / "absent.yml")
    elif isinstance(change, str):
        path = write(tmp_path, change)
    else:
        path = write(tmp_path, change(catalogue_data()))
    line = one_line_error(run_bot(tmp_path, MOIS_CATALOGUE=path))
    assert line.startswith("Impossible de démarrer — catalogue invalide : ") and path in line, line
    for fragment in expected:
        assert fragment in line, line
    assert "make validate" in line and "make train" in line


def test_missing_model_stops_start_up_in_one_line(tmp_path):
    empty = tmp_path / "models"
    empty.mkdir()
    line = one_line_error(run_bot(tmp_path, MODELS_DIR=str(empty)))
    assert "aucun modèle entraîné" in line and str(empty) in line and "make train" in line


def test_corrupt_model_stops_start_up_in_one_line(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "mois-innovation.tar.gz").write_bytes(b"\x1f\x8b\x08\x00 truncated")
    line = one_line_error(run_bot(tmp_path, MODELS_DIR=str(models)))
    assert "modèle illisible" in line and "make train" in line
