"""`python -m bot import-events`, run as staff run it: a French report and exit code 0, or a French error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.domain.catalogue import load_catalogue
from bot.runtime.settings import PROJECT_ROOT, process_environment
from bot.tooling.cli import usage
from tests.importing.support import CATALOGUE_2020, FIXTURES, ICS, NEW_EDITION, copy_2020, run


def bot(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "import-events", *map(str, argv)],
        cwd=PROJECT_ROOT,
        env=process_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_prints_the_french_report(tmp_path: Path) -> None:
    output = tmp_path / "catalogue-2021.yml"
    result = bot(ICS, *NEW_EDITION, "--catalogue", CATALOGUE_2020, "--sortie", output)
    assert result.returncode == 0, result.stderr
    assert "Import iCalendar" in result.stdout and "Événements créés (6) :" in result.stdout
    assert "Organisateurs créés (1) :" in result.stdout
    assert load_catalogue(output).month.period == "novembre 2021"


def test_the_command_fails_in_french_without_a_traceback(tmp_path: Path) -> None:
    base = copy_2020(tmp_path)
    result = bot(FIXTURES / "sans-dtstart.ics", "--catalogue", base)
    assert result.returncode != 0
    assert "date de début (DTSTART) manquante" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert base.read_bytes() == CATALOGUE_2020.read_bytes()


def test_the_report_is_also_written_as_markdown(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "rapports" / "import.md"
    code, out, _ = run(capsys, ICS, "--catalogue", copy_2020(tmp_path), "--rapport", report)
    assert code == 0 and f"Rapport Markdown : {report}" in out
    markdown = report.read_text(encoding="utf-8")
    assert markdown.startswith("# Import iCalendar : ")
    assert "## Événements écartés (6)" in markdown


def test_the_command_is_listed_in_the_help() -> None:
    assert "import-events" in usage()
