"""The audit log: who changed what, and when, in the project database; shown on the console's "Journal"."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.tooling.console.database import AUDIT

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Entry:
    at: float
    who: str
    action: str
    detail: str

    @property
    def when(self) -> str:
        """Local time, as staff read it: « 04/12/2026 21:05:09 »."""
        return dt.datetime.fromtimestamp(self.at, PARIS).strftime("%d/%m/%Y %H:%M:%S")


class AuditLog:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def record(self, who: str, action: str, detail: str = "", now: Optional[float] = None) -> None:
        with self.engine.begin() as db:
            db.execute(
                AUDIT.insert().values(at=time.time() if now is None else now, who=who, action=action, detail=detail)
            )

    def latest(self, limit: int = 200, action: Optional[str] = None) -> list[Entry]:
        query = sa.select(AUDIT).order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc()).limit(limit)
        if action:
            query = query.where(AUDIT.c.action == action)
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        return [Entry(r.at, r.who, r.action, r.detail) for r in rows]
