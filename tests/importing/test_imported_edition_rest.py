"""An edition imported from an iCalendar file or an OpenAgenda export, served by the real bot.

The catalogue is built by `import-events` from the committed fixtures, then the real action and
Rasa servers (the shipped model, never retrained for it) answer its times, places and registration
links over REST: names are linked by the action server from the live catalogue.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain.catalogue import load_catalogue
from bot.tooling.importing.command import import_events_command
from tests.importing.support import CATALOGUE_2020, ICS, NEW_EDITION, OPENAGENDA
from tests.support.servers import Server, ask, start_action_server, start_rasa_server, texts

# Before the 2021 edition starts: the bot speaks of its events in the present tense.
REFERENCE_DAY = "2021-11-02"


SOURCES = {"icalendar": ICS, "openagenda": OPENAGENDA}


@pytest.fixture(scope="module", params=SOURCES)
def imported(
    request: pytest.FixtureRequest, trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, Server]]:
    """(source name, imported catalogue, Rasa server answering from it)."""
    folder = tmp_path_factory.mktemp("edition-importee")
    catalogue = folder / "catalogue-2021.yml"
    argv = [str(SOURCES[request.param]), *NEW_EDITION, "--catalogue", str(CATALOGUE_2020), "--sortie", str(catalogue)]
    assert import_events_command(argv) == 0
    load_catalogue(catalogue)  # a catalogue the bot can serve
    actions = start_action_server(folder, MOIS_CATALOGUE=str(catalogue), MOIS_REFERENCE_DATE=REFERENCE_DAY)
    try:
        rasa = start_rasa_server(trained_model, actions.url, folder, folder / "tracker.db")
    except Exception:
        actions.stop()
        raise
    yield request.param, catalogue, rasa
    rasa.stop()
    actions.stop()


def reply_to(rasa: Server, question: str) -> str:
    return texts(ask(rasa, f"agent-{uuid.uuid4().hex[:8]}", question))


def test_the_imported_programme_is_the_one_served(imported):
    _, catalogue, rasa = imported
    reply = reply_to(rasa, "Quel est le programme du mois ?")
    for event in load_catalogue(catalogue).events:
        assert event.title in reply, reply
    assert "novembre 2021" in reply


QUESTIONS = {
    "icalendar": [
        (
            "À quelle heure commence l'atelier cartographier le parcours usager ?",
            ["9 h 30", "6 quai Ceineray", "https://innovation.example.fr/inscription/parcours-usager"],
        ),
    ],
    "openagenda": [
        (
            "À quelle heure est l'atelier FALC ?",
            ["de 14 h à 16 h 30", "Maison de l'administration nouvelle", "innovation@sgar.example.fr"],
        ),
        ("l'atelier FALC c'est gratuit ?", ["Gratuit, sur inscription"]),
    ],
}


def test_times_places_and_links_are_answered(imported):
    source, _, rasa = imported
    for question, facts in QUESTIONS[source]:
        reply = reply_to(rasa, question)
        for fact in facts:
            assert fact in reply, f"{question!r} -> {reply!r}"


def test_a_cancelled_event_is_not_announced(imported):
    _, _, rasa = imported
    assert "tiers-lieu numérique" not in reply_to(rasa, "Quels sont les événements du mois ?")
