"""A SQL tracker store that never writes a misaligned turn and tells the channel when it failed.

Rasa wraps every tracker store in FailSafeTrackerStore: a failed read returns "no tracker" (a fresh
conversation) and a failed write goes to memory, both silently. The user then gets an answer
without context, and if the database comes back between the read and the write, Rasa's
SQLTrackerStore appends the fresh tracker's events after the stored ones, misaligned (it writes
"the events beyond the stored count").

GuardedSQLTrackerStore (endpoints.yml `type: bot.runtime.stores.tracker_store.GuardedSQLTrackerStore`):
- remembers, per conversation, that the last read failed and refuses to write that conversation
  until a read succeeds again: nothing stored before the fault is overwritten or misaligned;
- reports every failure to the `StoreWatch` of the request (a context variable the channels set),
  so that the channel answers 503 with a temporary-error text instead of a context-free answer;
- SQLite: waits at most `busy_timeout` seconds for a lock (the calls block Rasa's event loop);
  servers (PostgreSQL...): checks pooled connections before use, so a restarted database is
  picked up without restarting Rasa;
- masks email addresses and phone numbers in every event before writing it (bot/domain/personal_data.py):
  the NLU and the actions worked on the original text already, only the stored copy is masked;
- deletes what is older than TRACKER_RETENTION_DAYS (bot/runtime/stores/retention.py) at start-up, then at
  most once an hour after a write; and never writes an event older than that: a tracker read before a
  purge (this store's, another instance's, `python -m bot purge`) would otherwise write the purged
  events back, Rasa's store writing "the events beyond the stored count", now 0.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.domain.personal_data import mask_event
from bot.runtime.stores import retention, sqlite_tuning

logger = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT = 2.0
PURGE_INTERVAL = 3600.0  # seconds between two purges of a running store


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
    def __init__(
        self,
        domain: Any = None,
        dialect: str = "sqlite",
        host: Optional[str] = None,
        port: Optional[int] = None,
        db: str = "rasa.db",
        username: str = None,
        password: str = None,
        event_broker: Any = None,
        login_db: Optional[str] = None,
        query: Optional[dict] = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        purge_interval: float = PURGE_INTERVAL,
        purge_on_start: bool = True,
        **kwargs: Any,
    ) -> None:
        # endpoints.yml expands unused connection variables (TRACKER_HOST...) to "": that means "not set".
        host, port, username, password = (value if value != "" else None for value in (host, port, username, password))
        query = dict(query or {})
        if dialect == "sqlite":
            query.setdefault("timeout", str(float(busy_timeout)))
        super().__init__(
            domain, dialect, host, port, db, username, password, event_broker, login_db, query or None, **kwargs
        )
        if self.engine.dialect.name != "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        elif sqlite_tuning.wal_enabled():  # `make run`: no disk wait in Rasa's event loop per turn
            self.engine = sqlite_tuning.wal_engine(self.engine)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._unread: set[str] = set()
        self.retention_days = retention.retention_days()
        self.purge_interval = float(purge_interval)
        self._next_purge = 0.0
        try:
            retention.ensure_timestamp_index(self.engine)
        except Exception as exc:  # noqa: BLE001 - several instances starting together: one of them creates it
            logger.warning("Index des dates d'événements non créé : %s", " ".join(str(exc).split())[:200])
        if purge_on_start:
            self._purge_if_due()
        else:
            self._next_purge = time.monotonic() + self.purge_interval

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            tracker = await super().retrieve(sender_id)
        except Exception as exc:
            self._unread.add(sender_id)
            self._failed("lecture", sender_id, exc)
            raise
        self._unread.discard(sender_id)
        return tracker

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
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
            await self._save_masked(tracker)
        except Exception as exc:
            self._failed("écriture", tracker.sender_id, exc)
            raise
        self._purge_if_due()

    async def _save_masked(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, with every event masked before it is written and none older than the
        retention period."""
        await self.stream_events(tracker)  # no event broker is configured; one would receive unmasked events
        horizon = retention.cutoff(self.retention_days)
        expired = 0
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                if horizon is not None and event.timestamp is not None and event.timestamp < horizon:
                    expired += 1  # purged while this tracker was in memory: not brought back
                    continue
                data = mask_event(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=((data.get("parse_data") or {}).get("intent") or {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        if expired:
            logger.info(
                "%d événement(s) plus ancien(s) que la durée de conservation non réécrit(s) (purgé(s) pendant le tour).",
                expired,
            )

    def purge(self, now: Optional[float] = None) -> retention.PurgeCounts:
        """Delete what is older than the retention period (nothing when it is 0)."""
        before = retention.cutoff(self.retention_days, now)
        if before is None:
            return retention.PurgeCounts()
        with self.engine.begin() as connection:
            return retention.purge(connection, before)

    def _purge_if_due(self) -> None:
        """At start-up, then at most once per purge_interval; a failure is logged, never raised (the write succeeded)."""
        if self.retention_days <= 0 or time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + self.purge_interval
        try:
            counts = self.purge()
        except Exception as exc:  # noqa: BLE001 - the server keeps serving; the next hourly purge retries
            logger.error("Purge des conversations anciennes impossible : %s", " ".join(str(exc).split())[:200])
            return
        if counts.events:
            logger.info(counts.describe(self.retention_days))

    def _failed(self, what: str, sender_id: str, exc: BaseException) -> None:
        report(f"{what} : {type(exc).__name__}")
        logger.error(
            "Base des conversations indisponible (%s de %r) : %s", what, sender_id, " ".join(str(exc).split())[:200]
        )
