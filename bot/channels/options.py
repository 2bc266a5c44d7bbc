"""Options of the agents' channel, read from its entry in credentials.yml (no secret there)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.channels.markdown import MAX_POST_CHARS

SLASH_RESPONSE_TYPES = ("ephemeral", "in_channel")


@dataclass(frozen=True)
class ChannelOptions:
    # Who sees a slash command's answer: only the agent (Mattermost's default) or the channel.
    slash_response_type: str = "ephemeral"
    # Mattermost asks for a reply within 3 s; past this delay, a wait message goes back at once
    # and the answer follows on response_url.
    reply_timeout: float = 2.0
    # Outgoing webhooks have no response_url: wait this long at most (Mattermost gives up at 30 s).
    webhook_timeout: float = 25.0
    # Posts of these users are ignored, so that two bots cannot answer each other forever.
    bot_user_ids: frozenset[str] = frozenset()
    # 16,383 on current Mattermost; servers with the old schema allow only 4,000.
    max_post_chars: int = MAX_POST_CHARS

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> "ChannelOptions":
        c = dict(credentials or {})
        unknown = set(c) - {"slash_response_type", "reply_timeout", "webhook_timeout", "bot_user_ids", "max_post_chars"}
        if unknown:
            raise ValueError(f"credentials.yml, canal agents : option(s) inconnue(s) {sorted(unknown)}")
        response_type = str(c.get("slash_response_type") or cls.slash_response_type)
        if response_type not in SLASH_RESPONSE_TYPES:
            raise ValueError(f"slash_response_type : {' ou '.join(SLASH_RESPONSE_TYPES)} attendu, pas {response_type!r}")
        reply_timeout = _number(c, "reply_timeout", cls.reply_timeout, 0.05, 2.9)
        webhook_timeout = _number(c, "webhook_timeout", cls.webhook_timeout, reply_timeout, 29)
        ids = c.get("bot_user_ids") or []
        if isinstance(ids, str):
            ids = ids.split(",")
        max_chars = int(_number(c, "max_post_chars", cls.max_post_chars, 200, MAX_POST_CHARS))
        return cls(response_type, reply_timeout, webhook_timeout, frozenset(str(i).strip() for i in ids if str(i).strip()), max_chars)


def _number(c: Mapping[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = c.get(name, default)
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} : nombre attendu, pas {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{name} : valeur entre {low:g} et {high:g} attendue, pas {number:g}")
    return number
