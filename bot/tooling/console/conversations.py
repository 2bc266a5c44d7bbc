"""Real conversations read from Rasa's SQL tracker store (SQLite or PostgreSQL), for the inbox, the
story editor and the dashboard: one reading, three pages.

Texts are shown as stored: the channels mask personal data before Rasa stores a message.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Optional
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.tooling.staff.review import FALLBACK_ACTIONS, FALLBACK_INTENT

PARIS = ZoneInfo("Europe/Paris")
# Sender prefixes of each channel (bot/runtime/channels/inputs.py): the page and socket.io are the web.
CHANNELS = {"rest": "REST", "socketio": "web", "mattermost": "agents", "osmose": "agents"}
CHANNEL_LABELS = {"web": "Page web", "agents": "Agents (Mattermost, Osmose)", "REST": "API REST"}
EVENTS_QUERY = sa.text(
    "SELECT sender_id, type_name, action_name, timestamp, data FROM events ORDER BY sender_id, timestamp, id"
)


def channel_of(sender: str) -> str:
    """web, agents or REST (the page's conversations, `rest:<id>`, are its REST calls: they count as web)."""
    prefix = sender.split(":", 1)[0] if ":" in sender else "rest"
    return CHANNELS.get(prefix, "REST")


@dataclass
class BotReply:
    text: str
    at: float
    quote: bool = False  # a passage of the press kit was quoted (actions/fallback.py)


@dataclass
class UserTurn:
    """A user's message, what the model understood, and what the bot did and said after it."""

    text: str
    at: float
    intent: Optional[str]
    confidence: float
    entities: list[dict[str, Any]]
    fallback: bool = False
    actions: list[str] = field(default_factory=list)
    replies: list[BotReply] = field(default_factory=list)

    @property
    def passage_used(self) -> bool:
        return any(reply.quote for reply in self.replies)

    @property
    def answer_seconds(self) -> Optional[float]:
        """From the message to the bot's first reply."""
        return self.replies[0].at - self.at if self.replies else None


@dataclass
class Conversation:
    sender: str
    turns: list[UserTurn] = field(default_factory=list)

    @property
    def channel(self) -> str:
        return channel_of(self.sender)

    @property
    def started(self) -> float:
        return self.turns[0].at if self.turns else 0.0

    @property
    def day(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.started, PARIS).date()

    @property
    def lowest_confidence(self) -> float:
        return min((t.confidence for t in self.turns), default=1.0)

    @property
    def has_fallback(self) -> bool:
        return any(t.fallback for t in self.turns)

    @property
    def passage_used(self) -> bool:
        return any(t.passage_used for t in self.turns)


def local_time(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, PARIS).strftime("%d/%m/%Y %H:%M")


def _user_turn(data: dict[str, Any], at: float) -> Optional[UserTurn]:
    text = (data.get("text") or "").strip()
    if not text:
        return None
    parse = data.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name")
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    fallback = intent == FALLBACK_INTENT
    if fallback:  # what the classifier would have said, below the threshold
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
        intent, confidence = (ranking[0]["name"], float(ranking[0].get("confidence") or 0)) if ranking else (None, 0.0)
    return UserTurn(text, at, intent, confidence, list(parse.get("entities") or []), fallback=fallback)


def _bot_reply(data: dict[str, Any], at: float) -> Optional[BotReply]:
    # Rasa stores what an action sent besides the text under `data` (custom, buttons...).
    custom = (data.get("data") or {}).get("custom") or data.get("custom")
    quote = isinstance(custom, dict) and "quote" in custom
    text = data.get("text") or (custom.get("text") if isinstance(custom, dict) else None) or ""
    return BotReply(str(text), at, quote) if text or quote else None


def conversations_from_rows(rows: Iterable[tuple]) -> list[Conversation]:
    """Rows of (sender_id, type_name, action_name, timestamp, data JSON) in sender, time order."""
    found: dict[str, Conversation] = {}
    for sender, type_name, action_name, timestamp, raw in rows:
        if type_name not in ("user", "bot", "action"):
            continue
        conversation = found.setdefault(sender, Conversation(sender))
        turn = conversation.turns[-1] if conversation.turns else None
        data = json.loads(raw or "{}")
        if type_name == "user":
            new = _user_turn(data, float(timestamp))
            if new:
                conversation.turns.append(new)
        elif turn is None:
            continue
        elif type_name == "action" and action_name and action_name != "action_listen":
            turn.actions.append(action_name)
            turn.fallback = turn.fallback or action_name in FALLBACK_ACTIONS
        elif type_name == "bot":
            reply = _bot_reply(data, float(timestamp))
            if reply:
                turn.replies.append(reply)
    return [c for c in found.values() if c.turns]


def read_conversations(source: str, sender: Optional[str] = None) -> list[Conversation]:
    """Every conversation of the store at the SQLAlchemy URL `source` (or one, by its sender id),
    most recent first. A store Rasa has not created yet has no conversation."""
    engine = sa.create_engine(source)
    query = EVENTS_QUERY
    if sender is not None:
        query = sa.text(
            "SELECT sender_id, type_name, action_name, timestamp, data FROM events "
            "WHERE sender_id = :sender ORDER BY timestamp, id"
        ).bindparams(sender=sender)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return []
            rows = [tuple(row) for row in connection.execute(query)]
    finally:
        engine.dispose()
    return sorted(conversations_from_rows(rows), key=lambda c: c.started, reverse=True)


@dataclass(frozen=True)
class Filters:
    """The inbox's filters; each left empty does not filter."""

    channel: str = ""  # web, agents, REST
    day: Optional[dt.date] = None
    fallback: bool = False
    below: Optional[float] = None  # some message understood with a confidence under this
    passage: bool = False

    def keep(self, conversation: Conversation) -> bool:
        return (
            (not self.channel or conversation.channel == self.channel)
            and (self.day is None or conversation.day == self.day)
            and (not self.fallback or conversation.has_fallback)
            and (self.below is None or conversation.lowest_confidence < self.below)
            and (not self.passage or conversation.passage_used)
        )
