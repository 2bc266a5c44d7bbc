"""The production topology on loopback, started once for the package (every test file of tests/cluster
shares it): PostgreSQL, Redis, an action server, two Rasa instances sharing the tracker store and the
locks, nginx in front."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.launcher import StartupError
from bot.tooling.deploy.cluster import Cluster, Ports
from bot.tooling.deploy.programs import find_program
from tests.support.servers import API_TOKEN, quiet_env

# 200 messages from one address in seconds: the per-address limit (docs/securite.md) would refuse most.
RATE_LIMITS_OFF = {"RATE_LIMIT_IP_PER_MINUTE": "0", "RATE_LIMIT_SENDER_PER_MINUTE": "0"}


def missing_programs() -> list[str]:
    missing = []
    for program in ("initdb", "postgres", "redis-server", "nginx"):
        try:
            find_program(program)
        except StartupError:
            missing.append(program)
    return missing


@pytest.fixture(scope="package")
def cluster(trained_model: Path) -> Iterator[Cluster]:
    missing = missing_programs()
    if missing:
        pytest.skip(f"programmes Debian absents ({', '.join(missing)}) : lancez `sudo scripts/setup-system.sh`")
    root = Path(tempfile.mkdtemp(prefix="cluster-", dir="/tmp"))
    root.chmod(0o755)  # PostgreSQL runs as `postgres` when the tests run as root
    # One action server keeps the start-up within budget; nginx still fronts it like a pool.
    running = Cluster(
        root=root,
        ports=Ports.free(rasa_count=2, action_count=1),
        model_path=trained_model,
        base_env=quiet_env(RASA_API_TOKEN=API_TOKEN, **RATE_LIMITS_OFF),
        postgres_options=("fsync=off",),
        log=lambda _: None,
    )
    try:
        running.start()
    except StartupError as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(str(exc))
    yield running
    running.stop()
    shutil.rmtree(root, ignore_errors=True)
