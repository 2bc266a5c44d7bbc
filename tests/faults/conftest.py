"""Rasa servers and action servers of the fault tests' own, on loopback, with their own tracker
stores: tests stop, freeze, lock and kill them without touching the session servers.

Both stacks (SQLite, and PostgreSQL where installed) start in parallel: Rasa's start-up (~30 s,
imports and model loading) is most of this suite's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from tests.faults.support import PG_BINARIES, FaultStack, Postgres, pg_endpoints


@dataclass
class Stacks:
    sqlite: FaultStack
    pg: Optional[FaultStack] = None
    postgres: Optional[Postgres] = None


@pytest.fixture(scope="package")
def stacks(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stacks]:
    folder = tmp_path_factory.mktemp("fault-stack")
    result = Stacks(FaultStack(trained_model, folder, folder / "tracker.db"))
    if all(PG_BINARIES):
        result.postgres = Postgres().init()
        result.postgres.start()
        pg_folder = tmp_path_factory.mktemp("pg-stack")
        result.pg = FaultStack(
            trained_model,
            pg_folder,
            pg_folder / "unused.db",
            extra_args=["--endpoints", str(pg_endpoints(pg_folder, result.postgres.port))],
        )
    try:
        with ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(s.start) for s in (result.sqlite, result.pg) if s is not None]:
                started.result()
        yield result
    finally:
        for stack in (result.sqlite, result.pg):
            if stack is not None:
                stack.stop()
        if result.postgres is not None:
            result.postgres.cleanup()


@pytest.fixture
def stack(stacks: Stacks) -> Iterator[FaultStack]:
    """The SQLite fault stack, healthy before the test and put back healthy after it."""
    _heal(stacks.sqlite)
    yield stacks.sqlite
    _heal(stacks.sqlite)


def _heal(stack: FaultStack) -> None:
    if stack.actions is None or stack.actions.process.poll() is not None:
        stack.start_actions()
    else:
        stack.thaw_actions()
    if stack.rasa is None or stack.rasa.process.poll() is not None:
        stack.restart_rasa()
