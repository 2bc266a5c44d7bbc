"""The catalogue file is the single source of facts: it loads, and bad edits are refused clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError, load_catalogue
from tests.support.catalogues import mutated_copy


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_event_of_the_press_kit_is_in_the_catalogue(catalogue):
    titles = {e.title for e in catalogue.events}
    assert len(catalogue.events) == 8
    assert "Initiation au mind mapping" in titles
    assert "Serious game : mener un entretien difficile et retour d'expérience" in titles
    assert catalogue.dates == (
        dt.date(2020, 11, 19),
        dt.date(2020, 11, 24),
        dt.date(2020, 11, 25),
        dt.date(2020, 11, 26),
    )


def test_co_organisers_and_speakers_are_kept(catalogue):
    assert catalogue.event("serious-game").organisers == ("sgar", "ira-nantes")
    assert catalogue.event("communs").speakers == ("27e-region",)
    assert catalogue.event("design-services-numeriques").people == ("marion-guerchet",)


def test_month_projects_people_and_contact(catalogue):
    assert catalogue.organiser(catalogue.month.organiser).aliases[0] == "DITP"
    assert {p.id for p in catalogue.projects} == {
        "etat-lin",
        "signaletique",
        "lab-3-0",
        "cap-2030",
        "participation-citoyenne",
    }
    assert catalogue.person("anne-laure-guillaume").organisation == "sgar"
    assert "communication interministérielle" in catalogue.contact.name


def test_no_event_claims_a_time_place_or_link_the_press_kit_does_not_give(catalogue):
    for event in catalogue.events:
        assert event.format is None
        assert "http" not in event.description and " h " not in event.description


def _write(tmp_path: Path, mutate) -> Path:
    return mutated_copy(DEFAULT_CATALOGUE_PATH, tmp_path, mutate)


@pytest.mark.parametrize(
    "mutate, entry, field, words",
    [
        (lambda d: d["events"][5].update(date="2020-13-01"), "événement « serious-game »", "date", "date invalide"),
        (lambda d: d["events"][5].update(date="le 25"), "événement « serious-game »", "date", "AAAA-MM-JJ"),
        (
            lambda d: d["events"][5].update(date="2021-11-25"),
            "événement « serious-game »",
            "date",
            "n'est pas dans le mois",
        ),
        (lambda d: d["events"][0].pop("title"), "événement « demarches-simplifiees-osmose »", "title", "obligatoire"),
        (
            lambda d: d["events"][1].update(organisers=["inconnu"]),
            "événement « mind-mapping »",
            "organisers",
            "« inconnu » inconnu",
        ),
        (lambda d: d["events"][1].update(topics="creativite"), "événement « mind-mapping »", "topics", "liste"),
        (lambda d: d["events"][2].update(id="mind-mapping"), "événement « mind-mapping »", "id", "déjà utilisé"),
        (lambda d: d["events"].append("pas un dictionnaire"), "événement n°9", "", "clé: valeur"),
        (lambda d: d.pop("events"), "section « events »", "", "manquante"),
        (lambda d: d["month"].update(year="deux mille vingt"), "mois", "year", "entier"),
        (lambda d: d["contact"].update(name=""), "contact", "name", "vide"),
        (lambda d: d["projects"][0].update(id="Etat LIN"), "projet « Etat LIN »", "id", "minuscules"),
    ],
)
def test_a_malformed_catalogue_names_file_entry_and_field(tmp_path, mutate, entry, field, words):
    path = _write(tmp_path, mutate)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    error = caught.value
    assert (error.path, error.entry, error.field) == (str(path), entry, field)
    assert words in str(error) and str(path) in str(error)


def test_an_impossible_date_written_as_a_date_is_located(tmp_path):
    text = DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8").replace("date: 2020-11-25", "date: 2020-13-45")
    path = tmp_path / "catalogue.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        CatalogueError, match="événement « serious-game », champ « date » : date invalide « 2020-13-45 »"
    ):
        load_catalogue(path)


def test_invalid_yaml_gives_the_line(tmp_path):
    path = tmp_path / "catalogue.yml"
    path.write_text("month:\n  name: [non fermé\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"ligne \d+, colonne \d+ : YAML invalide"):
        load_catalogue(path)


def test_missing_file(tmp_path):
    with pytest.raises(CatalogueError, match="introuvable"):
        load_catalogue(tmp_path / "absent.yml")
