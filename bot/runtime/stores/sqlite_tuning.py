"""SQLite settings of the embedded tracker store for a running server: write-ahead log, kept connections.

Rasa's SQL tracker store is synchronous: each call blocks Rasa's event loop, and every other conversation
waits meanwhile. With SQLite's defaults (rollback journal, synchronous=FULL, a new connection for each
call), saving a turn waits for the disk, a large part of a message's time under load
(measured by `make bench`). With TRACKER_SQLITE_WAL=1, which `make run` sets (bot/runtime/settings.server_environment),
the file is in write-ahead-log mode with synchronous=NORMAL and each thread keeps its connection: a commit
is a write to the log, synced to disk at checkpoints. The file stays consistent after a crash or a power
cut; at worst the turns of the last moments before a power cut are lost. Unset: SQLite's defaults
(tools, and the tests that lock the file to simulate a failing store).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.pool import SingletonThreadPool

from bot.runtime.settings import load_settings

WAL_VARIABLE = "TRACKER_SQLITE_WAL"


def wal_enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    """TRACKER_SQLITE_WAL: 1/oui/yes/true, or 0/non/no/false/unset (bot/runtime/settings.py checks it)."""
    return load_settings(environ).tracker_sqlite_wal


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def wal_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The same SQLite database (URL, busy timeout) in WAL mode, one kept connection per thread; `engine` is disposed.

    Kept connections matter: when the last connection to a WAL file closes, SQLite checkpoints and syncs,
    which would cost the disk wait again on every call.
    """
    url = engine.url
    engine.dispose()
    tuned = sa.create_engine(url, poolclass=SingletonThreadPool)
    sa.event.listen(tuned, "connect", _pragmas)
    return tuned
