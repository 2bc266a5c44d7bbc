"""The console's tables (accounts, audit log) in the project database: the tracker store's SQLite file
by default, its PostgreSQL database when TRACKER_DIALECT=postgresql, so that a cluster shares them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

METADATA = sa.MetaData()

ACCOUNTS = sa.Table(
    "console_accounts",
    METADATA,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=True),
    # Sessions opened before this instant are refused: log-out and a new password end every session at once
    # (the session cookie itself cannot be recalled).
    sa.Column("sessions_valid_after", sa.Float, nullable=False, default=0.0),
    sa.Column("created_at", sa.Float, nullable=False),
)

AUDIT = sa.Table(
    "console_audit",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("who", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)


def database_url(source: Path | str) -> str:
    """`source` is the SQLite file or a ready SQLAlchemy URL (Project.tracker_db)."""
    if isinstance(source, Path):
        source.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{source}"
    return source


def connect(source: Path | str) -> sa.engine.Engine:
    """An engine on the project database, with the console's tables created if missing."""
    url = database_url(source)
    arguments = {"connect_args": {"timeout": 15}} if url.startswith("sqlite") else {"pool_pre_ping": True}
    engine = sa.create_engine(url, future=True, **arguments)
    METADATA.create_all(engine)
    return engine
