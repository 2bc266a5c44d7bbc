"""A second Rasa server with the security settings tests must be able to exhaust: tight rate limits shared
through a real redis-server, and the wrong action-server token. The session servers (tests/conftest.py)
keep the defaults every other suite relies on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.redis_server import REDIS_SERVER, RedisServer, start_redis
from tests.support.servers import AGENTS_TEST_TOKEN, Server, start_rasa_server

GUARDED_LIMITS = {
    "RATE_LIMIT_IP_PER_MINUTE": "6",
    "RATE_LIMIT_IP_BURST": "4",  # 4 at once, then one every 10 s
    "RATE_LIMIT_SENDER_PER_MINUTE": "6",
    "RATE_LIMIT_SENDER_BURST": "3",  # 3 at once, then one every 10 s
}
WRONG_ACTION_TOKEN = "pas-le-jeton-du-serveur-d-actions"


@pytest.fixture(scope="package")
def redis_server() -> Iterator[RedisServer]:
    if REDIS_SERVER is None:
        pytest.fail("redis-server absent : lancez scripts/setup-system.sh (make test-system).")
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def guarded_rasa(
    trained_model: Path,
    action_server: Server,
    redis_server: RedisServer,
    server_logs: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    logs = tmp_path_factory.mktemp("guarded-rasa")
    server = start_rasa_server(
        trained_model,
        action_server.url,
        logs,
        logs / "tracker.db",
        REDIS_URL=redis_server.url,
        ACTION_SERVER_TOKEN=WRONG_ACTION_TOKEN,
        AGENTS_WEBHOOK_TOKENS=AGENTS_TEST_TOKEN,
        **GUARDED_LIMITS,
    )
    yield server
    server.stop()


@pytest.fixture(scope="package")
def web_page(guarded_rasa: Server, server_logs: Path) -> Iterator[Server]:
    """The citizens' page (`python -m bot web`) in front of the guarded Rasa server."""
    import sys

    from tests.support.servers import API_TOKEN, free_port, quiet_env, start

    port = free_port()
    env = quiet_env(WEB_HOST="127.0.0.1", WEB_PORT=str(port), RASA_URL=guarded_rasa.url, RASA_API_TOKEN=API_TOKEN)
    server = start(
        "web-security",
        [sys.executable, "-m", "bot", "web"],
        f"http://localhost:{port}",
        "/healthz",
        server_logs,
        env,
        timeout=60,
    )
    yield server
    server.stop()
