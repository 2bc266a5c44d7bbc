"""Bad input: one French line naming the event, exit code 2, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importing.support import CATALOGUE_2020, FIXTURES, NEW_EDITION, copy_2020, run

BROKEN = [
    ("tronque.ics", "« Journée portes ouvertes du laboratoire d'innovation de Vendée » est incomplet"),
    ("sans-dtstart.ics", "« Rencontre des laboratoires d'innovation de l'Ouest »"),
    ("fuseau-inconnu.ics", "« Café de l'innovation à Angers »"),
    ("json-invalide.json", "« Webinaire : la comptabilité CARE en pratique »"),
]
TWO_MONTHS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Etat'LIN//test//FR
BEGIN:VEVENT
UID:a@etatlin.example.fr
SUMMARY:Lancement du mois de l'innovation
DTSTART;TZID=Europe/Paris:20211029T100000
ORGANIZER;CN="SGAR Pays de la Loire":mailto:a@sgar.example.fr
CATEGORIES:Design
END:VEVENT
BEGIN:VEVENT
UID:b@etatlin.example.fr
SUMMARY:Atelier design de services
DTSTART;TZID=Europe/Paris:20211105T100000
ORGANIZER;CN="SGAR Pays de la Loire":mailto:a@sgar.example.fr
CATEGORIES:Design
END:VEVENT
END:VCALENDAR
"""


@pytest.mark.parametrize(("fixture", "named"), BROKEN)
def test_a_broken_file_changes_nothing_and_names_the_event(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixture: str, named: str
) -> None:
    base = copy_2020(tmp_path)
    code, out, err = run(capsys, FIXTURES / fixture, "--catalogue", base)
    assert code == 2 and out == ""
    assert err.startswith("Import impossible — ") and named in err
    assert "Traceback" not in err
    assert base.read_bytes() == CATALOGUE_2020.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.yml"]  # no temporary file left


def test_a_broken_file_creates_no_new_edition(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "catalogue-2021.yml"
    code, _, err = run(capsys, FIXTURES / "fuseau-inconnu.ics", *NEW_EDITION, "--sortie", output)
    assert code == 2 and "fuseau horaire inconnu « Europe/Angers »" in err
    assert not output.exists()


def test_a_new_edition_must_fit_in_one_calendar_month(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "deux-mois.ics"
    source.write_text(TWO_MONTHS, encoding="utf-8")
    output = tmp_path / "catalogue-2021.yml"
    code, _, err = run(capsys, source, *NEW_EDITION, "--catalogue", CATALOGUE_2020, "--sortie", output)
    assert code == 2
    assert "un seul mois civil" in err and "octobre 2021 : « Lancement du mois de l'innovation »" in err
    assert not output.exists()


def test_a_new_edition_asks_for_its_region_contact_and_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, FIXTURES / "mois-2021.ics", "--nouvelle-edition", "--sortie", tmp_path / "x.yml")
    assert code == 2 and "--region et --contact" in err
    code, _, err = run(capsys, FIXTURES / "mois-2021.ics", *NEW_EDITION)
    assert code == 2 and "--sortie" in err


def test_an_unknown_file_format_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "programme.txt"
    source.write_text("Programme du mois : voir le site.", encoding="utf-8")
    code, _, err = run(capsys, source, "--catalogue", copy_2020(tmp_path))
    assert code == 2 and "format inconnu" in err
