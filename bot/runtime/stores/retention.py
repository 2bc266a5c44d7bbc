"""How long conversations are kept (TRACKER_RETENTION_DAYS) and the purge of the SQL tracker store.

What is deleted, beyond the retention period:
- whole conversations whose last event is older (the user has not come back);
- older events of conversations still in use, except those of their current session: Rasa counts
  the stored events of the current session to know which events of a tracker are new, so that
  part must not change under a running server (a session spans the retention period only if the
  user wrote at least once per session expiry for that long).

A purge may run while Rasa holds a conversation it read before (another instance, `python -m bot purge`,
this store after another conversation's write): the store never writes an event older than the
retention period (tracker_store.py), so the next save cannot put purged events back.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from bot.runtime.settings import load_settings

if TYPE_CHECKING:
    import sqlalchemy as sa

DEFAULT_RETENTION_DAYS = 90
RETENTION_VARIABLE = "TRACKER_RETENTION_DAYS"
SESSION_STARTED = "session_started"


def retention_days(environ: Optional[Mapping[str, str]] = None) -> int:
    """TRACKER_RETENTION_DAYS: whole days, 0 = keep forever; default 90."""
    return load_settings(environ).tracker_retention_days


def cutoff(days: int, now: Optional[float] = None) -> Optional[float]:
    """The Unix time before which events are deleted; None when kept forever."""
    if days <= 0:
        return None
    return (time.time() if now is None else now) - days * 86400


@dataclass(frozen=True)
class PurgeCounts:
    conversations: int = 0  # conversations deleted entirely
    events: int = 0  # events deleted in all (including those of the deleted conversations)

    def describe(self, days: int) -> str:
        if days <= 0:
            return f"Conservation sans limite ({RETENTION_VARIABLE}=0) : rien n'a été supprimé."
        return (
            f"Conversations de plus de {days} jours : {self.conversations} supprimée(s) entièrement, "
            f"{self.events} événement(s) supprimé(s) au total."
        )


@functools.cache
def _events_table() -> Any:
    """Rasa's `events` table, imported on first use: `python -m bot` must not import Rasa to start."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    table = SQLTrackerStore.SQLEvent.__table__
    # The purge selects on the timestamp: an index keeps it cheap on a large table.
    sa.Index("ix_events_timestamp", table.c.timestamp)
    return table


def purge(connection: sa.engine.Connection, before: float) -> PurgeCounts:
    """Delete what is older than `before` (Unix time) in one transaction of the caller."""
    import sqlalchemy as sa

    EVENTS = _events_table()  # noqa: N806 (the table, named as in SQL)
    # Only conversations with an old event are looked at (timestamp index): cheap once purges are regular.
    touched = sa.select(EVENTS.c.sender_id).where(EVENTS.c.timestamp < before).distinct()
    stale = (
        sa.select(EVENTS.c.sender_id)
        .where(EVENTS.c.sender_id.in_(touched))
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < before)
    )
    conversations = connection.execute(sa.select(sa.func.count()).select_from(stale.subquery())).scalar() or 0
    deleted = connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id.in_(stale))).rowcount or 0
    later = EVENTS.alias("later")
    current_session_start = (
        sa.select(sa.func.max(later.c.timestamp))
        .where(later.c.sender_id == EVENTS.c.sender_id, later.c.type_name == SESSION_STARTED)
        .scalar_subquery()
    )
    # No session start stored: the whole conversation is its current session, kept (the comparison is NULL).
    deleted += (
        connection.execute(
            sa.delete(EVENTS).where(EVENTS.c.timestamp < before, EVENTS.c.timestamp < current_session_start)
        ).rowcount
        or 0
    )
    return PurgeCounts(conversations, deleted)


def ensure_timestamp_index(engine: sa.engine.Engine) -> None:
    for index in _events_table().indexes:
        if index.name == "ix_events_timestamp":
            index.create(engine, checkfirst=True)
