"""Shared fixtures: the trained model and the real servers, started once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.quiet import silence

silence()  # sanic turns DeprecationWarning back on at import: keep library noise out of test logs

from bot.runtime.settings import PROJECT_ROOT  # noqa: E402
from tests.support.servers import AGENTS_TEST_TOKEN, Server, start_action_server, start_rasa_server  # noqa: E402

MODEL = PROJECT_ROOT / "models" / "mois-innovation.tar.gz"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--captures-console",
        action="store_true",
        help="le parcours de la console enregistre ses captures dans docs/console/ (make captures-console)",
    )


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"Modèle absent ({MODEL}) : lancez `make test`, qui l'entraîne, ou `make train`.")
    return MODEL


@pytest.fixture(scope="session")
def server_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def action_server(server_logs: Path) -> Iterator[Server]:
    server = start_action_server(server_logs)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa_server(
    trained_model: Path, action_server: Server, server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The Rasa server with every channel of credentials.yml, on a fresh SQLite tracker store."""
    tracker_db = tmp_path_factory.mktemp("trackers") / "tracker.db"
    server = start_rasa_server(
        trained_model, action_server.url, server_logs, tracker_db, AGENTS_WEBHOOK_TOKENS=AGENTS_TEST_TOKEN
    )
    yield server
    server.stop()
