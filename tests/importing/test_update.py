"""Updating an existing catalogue: the 2020 edition, a copy of data/catalogue.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.catalogue import load_catalogue
from tests.importing.support import CATALOGUE_2020, ICS, OPENAGENDA, copy_2020, events_of, new_edition, run

MIND_MAPPING_2020 = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Etat'LIN//Mois de l'innovation publique 2020//FR
BEGIN:VEVENT
UID:mind-mapping-2020@etatlin.example.fr
SUMMARY:Initiation au mind mapping
DESCRIPTION:À partir d'une méthode originale de « portraits croisés »\\, réalisation d'un premier mind mapping.
DTSTART;TZID=Europe/Paris:20201119T140000
DTEND;TZID=Europe/Paris:20201119T160000
LOCATION:En ligne (Teams)
CONFERENCE;VALUE=URI:https://visio.example.fr/mind-mapping
ORGANIZER;CN="Région Pays de la Loire":mailto:innovation@region.example.fr
CATEGORIES:Créativité
END:VEVENT
BEGIN:VEVENT
UID:cafe-innovation-2020@etatlin.example.fr
SUMMARY:Café de l'innovation
DTSTART:20201127T083000
DTEND:20201127T100000
ORGANIZER;CN="IRA de Nantes":mailto:contact@ira.example.fr
CATEGORIES:Management
END:VEVENT
END:VCALENDAR
"""


def test_2021_events_are_dropped_from_the_2020_edition_and_said_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = copy_2020(tmp_path)
    code, report, err = run(capsys, ICS, "--catalogue", base)
    assert (code, err) == (0, "")
    assert "Événements créés (0)" in report and "Événements mis à jour (0)" in report
    assert (
        "« Hackathon des données publiques » (hackathon-donnees-2021@etatlin.example.fr), 2021-11-26 : hors du mois de l'édition (novembre 2020)"
        in report
    )
    assert report.count("hors du mois de l'édition (novembre 2020)") == 6
    assert "8 événement(s) du catalogue absents du fichier, gardés tels quels." in report
    # Nothing to change: the round trip writes the base back byte for byte, comments included.
    assert base.read_bytes() == CATALOGUE_2020.read_bytes()


def test_a_cancelled_openagenda_event_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = copy_2020(tmp_path)
    code, report, _ = run(capsys, OPENAGENDA, "--catalogue", base)
    assert code == 0
    assert "« Visite du tiers-lieu numérique de Saint-Nazaire » (48213630) : annulé dans la source" in report
    assert load_catalogue(base).events == load_catalogue(CATALOGUE_2020).events


def test_an_event_of_the_base_is_updated_and_keeps_what_staff_wrote(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = copy_2020(tmp_path)
    source = tmp_path / "mois-2020.ics"
    source.write_text(MIND_MAPPING_2020, encoding="utf-8")
    output = tmp_path / "mis-a-jour.yml"
    code, report, err = run(capsys, source, "--catalogue", base, "--sortie", output)
    assert (code, err) == (0, "")
    assert "mind-mapping : « Initiation au mind mapping », 2020-11-19 (même titre et même date)" in report
    assert "« IRA de Nantes » → ira-nantes" in report
    events = events_of(output)
    mind_mapping = events["mind-mapping"]
    assert (mind_mapping["start"], mind_mapping["end"]) == ("14:00", "16:00")
    assert mind_mapping["online_link"] == "https://visio.example.fr/mind-mapping"
    assert mind_mapping["format"] == "En ligne."
    assert "carte mentale" in mind_mapping["aliases"]  # written by hand, kept
    cafe = events["cafe-de-l-innovation"]
    assert (str(cafe["date"]), cafe["start"], cafe["organisers"]) == ("2020-11-27", "08:30", ["ira-nantes"])  # floating
    text = output.read_text(encoding="utf-8")
    assert "# in_sentence : le nom avec son article" in text  # the base's comments survive
    assert base.read_bytes() == CATALOGUE_2020.read_bytes()  # --sortie: the base is left alone
    assert len(load_catalogue(output).events) == len(load_catalogue(base).events) + 1


def test_importing_the_same_file_again_updates_instead_of_duplicating(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output, _ = new_edition(capsys, OPENAGENDA, tmp_path)
    before = load_catalogue(output)
    code, report, _ = run(capsys, OPENAGENDA, "--catalogue", output)
    assert code == 0
    assert "Événements créés (0)" in report and "Événements mis à jour (5)" in report
    assert "(même uid)" in report
    assert load_catalogue(output).events == before.events
