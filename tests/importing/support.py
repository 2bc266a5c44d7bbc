"""Helpers of the import tests: run the command in this process, read what it wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.runtime.settings import PROJECT_ROOT
from bot.tooling.importing.command import import_events_command

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "import"
ICS = FIXTURES / "mois-2021.ics"
OPENAGENDA = FIXTURES / "mois-2021-openagenda.json"
CATALOGUE_2020 = PROJECT_ROOT / "data" / "catalogue.yml"
NEW_EDITION = ["--nouvelle-edition", "--region", "Pays de la Loire", "--contact", "SGAR Pays de la Loire, Etat'LIN"]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = import_events_command([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def new_edition(capsys: pytest.CaptureFixture[str], source: Path, tmp_path: Path) -> tuple[Path, str]:
    output = tmp_path / "catalogue-2021.yml"
    code, out, err = run(capsys, source, *NEW_EDITION, "--catalogue", CATALOGUE_2020, "--sortie", output)
    assert (code, err) == (0, "")
    return output, out


def copy_2020(tmp_path: Path) -> Path:
    return Path(shutil.copy(CATALOGUE_2020, tmp_path / "catalogue.yml"))


def events_of(path: Path) -> dict[str, dict]:
    """The written events by id, as the YAML says them (times as text)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(e["id"]): e for e in data["events"]}


def raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
