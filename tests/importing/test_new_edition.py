"""A new edition built from the 2021 programme, as an iCalendar file and as an OpenAgenda export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.domain.catalogue import load_catalogue
from tests.importing.support import ICS, OPENAGENDA, events_of, new_edition, raw


def test_the_icalendar_programme_becomes_a_valid_edition_of_november_2021(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output, report = new_edition(capsys, ICS, tmp_path)
    catalogue = load_catalogue(output)
    assert (catalogue.month.year, catalogue.month.month, catalogue.month.period) == (2021, 11, "novembre 2021")
    assert catalogue.month.name == "Mois de l'innovation publique"
    assert catalogue.month.region == "Pays de la Loire"
    assert catalogue.people == () and catalogue.projects == () and catalogue.glossary == ()
    assert "Événements créés (6)" in report


def test_icalendar_times_are_local_to_paris_whatever_zone_the_file_gives(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output, _ = new_edition(capsys, ICS, tmp_path)
    events = events_of(output)
    atelier = events["atelier-cartographier-le-parcours-usager"]
    assert (atelier["start"], atelier["end"]) == ("09:30", "12:00")  # TZID=Europe/Paris
    webinaire = events["webinaire-les-communs-numeriques-dans-les-collectivites"]
    assert (webinaire["start"], webinaire["end"]) == ("14:00", "15:30")  # 13:00 UTC, winter time
    portes_ouvertes = next(e for e in events.values() if e["title"].startswith("Journée portes ouvertes"))
    assert "start" not in portes_ouvertes and str(portes_ouvertes["date"]) == "2021-11-18"  # all day


def test_an_event_over_two_days_gives_one_entry_per_day(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output, report = new_edition(capsys, ICS, tmp_path)
    events = events_of(output)
    first, second = (
        events["hackathon-des-donnees-publiques-2021-11-25"],
        events["hackathon-des-donnees-publiques-2021-11-26"],
    )
    assert first["start"] == "09:00" and "end" not in first
    assert "start" not in second
    assert first["uid"] == second["uid"] == "hackathon-donnees-2021@etatlin.example.fr"
    assert "sur 2 jours : une entrée par jour" in report


def test_icalendar_place_link_and_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output, _ = new_edition(capsys, ICS, tmp_path)
    events = events_of(output)
    atelier = events["atelier-cartographier-le-parcours-usager"]
    assert atelier["place"] == "Etat'LIN, 6 quai Ceineray, 44000 Nantes"
    assert atelier["format"] == "Sur place."
    assert atelier["registration"] == "https://innovation.example.fr/inscription/parcours-usager"
    assert atelier["kind"] == "atelier"
    webinaire = events["webinaire-les-communs-numeriques-dans-les-collectivites"]
    assert webinaire["format"] == "En ligne."
    assert webinaire["online_link"] == "https://webinaire.example.fr/communs-numeriques"
    assert "place" not in webinaire


def test_icalendar_organisers_and_topics_are_recognised_or_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output, report = new_edition(capsys, ICS, tmp_path)
    catalogue = load_catalogue(output)
    events = {e.id: e for e in catalogue.events}
    assert events["atelier-cartographier-le-parcours-usager"].organisers == ("sgar",)
    assert events["hackathon-des-donnees-publiques-2021-11-25"].organisers == ("region",)  # « Region », no accent
    assert events["conference-debat-manager-une-equipe-en-mode-hybride"].organisers == ("prefecture-region",)
    assert "« Préfecture de la Région Pays de la Loire » → prefecture-region" in report
    # Copied from the base catalogue with their own words, not rebuilt from the source's name.
    assert catalogue.organiser("cd44").in_sentence == "le Conseil départemental de la Loire-Atlantique"
    lab = catalogue.organiser("laboratoire-d-innovation-territoriale-de-vendee")
    assert lab.name == lab.in_sentence == "Laboratoire d'innovation territoriale de Vendée"
    assert events["webinaire-les-communs-numeriques-dans-les-collectivites"].topics == ("communs", "numerique")
    assert catalogue.topic("donnees-ouvertes").aliases == ("Données ouvertes",)
    assert "Thèmes créés (3)" in report
    assert "ATTACH (1 événement)" in report and "GEO (1 événement)" in report


def test_the_openagenda_export_becomes_a_valid_edition(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output, report = new_edition(capsys, OPENAGENDA, tmp_path)
    catalogue = load_catalogue(output)
    assert catalogue.dates[0] == dt.date(2021, 11, 8)
    assert "« Visite du tiers-lieu numérique de Saint-Nazaire » (48213630) : annulé dans la source" in report
    assert not any("Saint-Nazaire" in e.title for e in catalogue.events)
    for field in ("image", "location.latitude", "age", "links"):
        assert field in report


def test_openagenda_practical_fields(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output, _ = new_edition(capsys, OPENAGENDA, tmp_path)
    events = events_of(output)
    falc = events["atelier-facile-a-lire-et-a-comprendre-falc"]
    assert (falc["start"], falc["end"], falc["format"]) == ("14:00", "16:30", "Sur place.")
    assert falc["place"] == "Maison de l'administration nouvelle, 4 rue Arsène Leloup, 44100 Nantes"
    assert falc["registration"] == "par courriel : innovation@sgar.example.fr"
    assert falc["accessibility"] == "Accessible aux personnes en situation de handicap moteur, auditif et intellectuel."
    assert falc["price"] == "Gratuit, sur inscription"
    assert falc["uid"] == "48213571"
    care = events["webinaire-la-comptabilite-care-en-pratique"]
    assert (care["start"], care["format"], care["topics"]) == ("10:00", "En ligne.", ["care"])
    assert care["online_link"] == "https://webinaire.example.fr/care-en-pratique"
    assert "accessibility" not in care  # every flag false
    table_ronde = events["table-ronde-participation-citoyenne-et-services-publics"]
    assert table_ronde["format"] == "Sur place et en ligne."
    assert table_ronde["place"] == "Le Lieu Unique, 2 rue de la Biscuiterie, 44000 Nantes"
    assert table_ronde["registration"] == "par téléphone : 02 40 41 20 20"
    assert table_ronde["organisers"] == ["prefecture-region"]  # from originAgenda's title
    assert table_ronde["kind"] == "table ronde"


def test_openagenda_timings_on_two_days_give_two_entries(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output, _ = new_edition(capsys, OPENAGENDA, tmp_path)
    events = events_of(output)
    days = [e for e in events.values() if e["title"] == "Formation : initiation au mind mapping"]
    assert [(str(e["date"]), e["start"], e["end"]) for e in days] == [
        ("2021-11-23", "09:00", "12:00"),
        ("2021-11-24", "09:00", "12:00"),
    ]
    assert days[0]["registration"] == (
        "https://innovation.example.fr/inscription/mind-mapping ou par courriel : formation@region.example.fr"
    )


def test_the_new_edition_says_its_time_zone_and_month_organiser(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output, _ = new_edition(capsys, OPENAGENDA, tmp_path)
    month = raw(output)["month"]
    assert month["timezone"] == "Europe/Paris"
    assert month["organiser"] == "sgar"
    assert "theme" not in month and "purpose" not in month
