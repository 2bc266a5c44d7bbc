"""A SQL tracker store that never writes a misaligned turn and tells the channel when it failed.

Rasa wraps every tracker store in FailSafeTrackerStore: a failed read returns "no tracker" (a fresh
conversation) and a failed write goes to memory, both silently. The user then gets an answer
without context, and if the database comes back between the read and the write, Rasa's
SQLTrackerStore appends the fresh tracker's events after the stored ones, misaligned (it writes
"the events beyond the stored count").

GuardedSQLTrackerStore (endpoints.yml `type: bot.reliability.store.GuardedSQLTrackerStore`):
- remembers, per conversation, that the last read failed and refuses to write that conversation
  until a read succeeds again: nothing stored before the fault is overwritten or misaligned;
- reports every failure to the `StoreWatch` of the request (a context variable the channels set),
  so that the channel answers 503 with a temporary-error text instead of a context-free answer;
- SQLite: waits at most `busy_timeout` seconds for a lock (the calls block Rasa's event loop);
  servers (PostgreSQL...): checks pooled connections before use, so a restarted database is
  picked up without restarting Rasa.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 2.0


class StoreUnavailable(RuntimeError):
    """The conversation could not be read or written."""


@dataclass
class StoreWatch:
    failed: bool = False
    detail: str = ""

    def fail(self, detail: str) -> None:
        self.failed, self.detail = True, self.detail or detail


_current: contextvars.ContextVar[Optional[StoreWatch]] = contextvars.ContextVar("tracker_store_watch", default=None)


@contextlib.contextmanager
def watching() -> Iterator[StoreWatch]:
    """Around one message: tasks created inside share the same StoreWatch."""
    watch = StoreWatch()
    token = _current.set(watch)
    try:
        yield watch
    finally:
        _current.reset(token)


def report(detail: str) -> None:
    watch = _current.get()
    if watch is not None:
        watch.fail(detail)


class GuardedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, dialect: Text = "sqlite", host: Optional[Text] = None,
                 port: Optional[int] = None, db: Text = "rasa.db", username: Text = None, password: Text = None,
                 event_broker: Any = None, login_db: Optional[Text] = None, query: Optional[Dict] = None,
                 busy_timeout: float = DEFAULT_BUSY_TIMEOUT, **kwargs: Any) -> None:
        query = dict(query or {})
        if dialect == "sqlite":
            query.setdefault("timeout", str(float(busy_timeout)))
        super().__init__(domain, dialect, host, port, db, username, password, event_broker, login_db, query or None, **kwargs)
        if self.engine.dialect.name != "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._unread: set[str] = set()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            tracker = await super().retrieve(sender_id)
        except Exception as exc:
            self._unread.add(sender_id)
            self._failed("lecture", sender_id, exc)
            raise
        self._unread.discard(sender_id)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except Exception as exc:
            self._failed("lecture", conversation_id, exc)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.sender_id in self._unread:
            report("conversation non relue")
            raise StoreUnavailable(f"conversation {tracker.sender_id!r} non relue après une panne : écriture refusée")
        try:
            await super().save(tracker)
        except Exception as exc:
            self._failed("écriture", tracker.sender_id, exc)
            raise

    def _failed(self, what: str, sender_id: str, exc: BaseException) -> None:
        report(f"{what} : {type(exc).__name__}")
        logger.error("Base des conversations indisponible (%s de %r) : %s", what, sender_id,
                     " ".join(str(exc).split())[:200])
