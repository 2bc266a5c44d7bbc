"""Incoming requests of the agents' channel: decode the body, tell the kinds apart, validate.

Three kinds share one endpoint and are told apart by their fields (Mattermost sends no kind):
- `command`            -> Mattermost slash command (form-encoded);
- `question`           -> generic JSON webhook (Osmose-style platforms, schema in docs/mattermost.md);
- `trigger_word`/`post_id` -> Mattermost outgoing webhook (JSON or form).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

from bot.runtime.channels.inputs import MAX_BODY_BYTES, MAX_MESSAGE_CHARS, RejectedInput

OUTGOING_WEBHOOK = "outgoing_webhook"
SLASH_COMMAND = "slash_command"
GENERIC = "generic"

# The limits of every inbound door (docs/securite.md): over them, 413.
MAX_QUESTION_CHARS = MAX_MESSAGE_CHARS

# Mattermost ids are 26 [a-z0-9]; other platforms may use uuids or e-mail-like ids. No ':' so
# that the sender id "platform:channel:user" cannot be forged by crafting an id.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
_PLATFORM = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_COMMAND = re.compile(r"^/[^\s/]{1,64}$")
_TRUE = {"true", "1", "yes", "on"}


class PayloadError(RejectedInput):
    """A malformed agents' request: the REST channel's RejectedInput, reason first and 400 unless too large (413)."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(status, reason)


@dataclass(frozen=True)
class AgentRequest:
    kind: str
    platform: str
    channel_id: str
    user_id: str
    question: str  # the agent's words, trigger word or command removed
    trigger: str = ""  # "@evenements", "/evenements": used to show how to answer a choice
    team_id: str = ""
    channel_name: str = ""
    user_name: str = ""
    post_id: str = ""
    response_url: Optional[str] = None
    from_bot: bool = False

    @property
    def sender_id(self) -> str:
        # One tracker per (user, channel): the same agent in two channels has two contexts.
        return f"{self.platform}:{self.channel_id}:{self.user_id}"

    def metadata(self) -> dict[str, Any]:
        """What the tracker keeps about the request (no token, no user name)."""
        return {
            "agents": {
                "kind": self.kind,
                "platform": self.platform,
                "team_id": self.team_id,
                "channel_id": self.channel_id,
                "channel_name": self.channel_name,
                "post_id": self.post_id,
            }
        }


def decode_body(content_type: Optional[str], body: bytes) -> dict[str, Any]:
    """JSON or form-encoded body -> flat dict. Raises PayloadError."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(f"corps de requête trop volumineux (max. {MAX_BODY_BYTES // 1024} Kio)", 413)
    media_type = (content_type or "").split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PayloadError("corps de requête non UTF-8") from None
    if media_type == "application/json":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested beyond the parser's depth
            raise PayloadError("JSON invalide") from None
        if not isinstance(data, dict):
            raise PayloadError("objet JSON attendu")
        return data
    if media_type == "application/x-www-form-urlencoded":
        try:
            form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=100)
        except ValueError:
            raise PayloadError("formulaire invalide") from None
        return {key: values[0] for key, values in form.items()}
    raise PayloadError("Content-Type attendu : application/json ou application/x-www-form-urlencoded")


def token_of(fields: Mapping[str, Any]) -> Optional[str]:
    token = fields.get("token")
    return token if isinstance(token, str) and token else None


def header_token(authorization: Optional[str]) -> Optional[str]:
    """Mattermost slash commands also send `Authorization: Token <token>`; other schemes are ignored."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    return (value.strip() or None) if scheme.lower() == "token" else None


def strip_trigger(text: str, trigger_word: str) -> str:
    """'@evenements : quand a lieu ...' -> 'quand a lieu ...'."""
    text = text.strip()
    if trigger_word and text.lower().startswith(trigger_word.lower()):
        text = text[len(trigger_word) :]
    return text.lstrip(" \t:,;-–—").strip()


def parse_request(fields: Mapping[str, Any]) -> AgentRequest:
    """Validated request of one of the three kinds. Raises PayloadError."""
    if "command" in fields:
        return _slash_command(fields)
    if "question" in fields:
        return _generic(fields)
    if "trigger_word" in fields or "post_id" in fields:
        return _outgoing_webhook(fields)
    raise PayloadError("type de requête inconnu : champ command, trigger_word ou question attendu")


def _outgoing_webhook(f: Mapping[str, Any]) -> AgentRequest:
    trigger = _text(f, "trigger_word", required=False, limit=64)
    return AgentRequest(
        kind=OUTGOING_WEBHOOK,
        platform="mattermost",
        channel_id=_id(f, "channel_id"),
        user_id=_id(f, "user_id"),
        post_id=_id(f, "post_id"),
        team_id=_id(f, "team_id", required=False),
        channel_name=_text(f, "channel_name", required=False, limit=128),
        user_name=_text(f, "user_name", required=False, limit=128),
        question=_question(
            strip_trigger(_text(f, "text", limit=MAX_QUESTION_CHARS + 100, too_long_status=413), trigger)
        ),
        trigger=trigger,
        from_bot=_flag(f, "from_webhook") or _flag(f, "from_bot"),
    )


def _slash_command(f: Mapping[str, Any]) -> AgentRequest:
    command = _text(f, "command", limit=65)
    if not _COMMAND.match(command):
        raise PayloadError("champ command invalide (attendu : /mot)")
    return AgentRequest(
        kind=SLASH_COMMAND,
        platform="mattermost",
        channel_id=_id(f, "channel_id"),
        user_id=_id(f, "user_id"),
        team_id=_id(f, "team_id", required=False),
        channel_name=_text(f, "channel_name", required=False, limit=128),
        user_name=_text(f, "user_name", required=False, limit=128),
        question=_question(_text(f, "text", required=False, limit=MAX_QUESTION_CHARS, too_long_status=413)),
        trigger=command,
        response_url=_url(f, "response_url"),
        from_bot=_flag(f, "from_webhook") or _flag(f, "from_bot"),
    )


def _generic(f: Mapping[str, Any]) -> AgentRequest:
    platform = _text(f, "platform", required=False, limit=32) or "osmose"
    if not _PLATFORM.match(platform):
        raise PayloadError("champ platform invalide (minuscules, chiffres, tirets)")
    return AgentRequest(
        kind=GENERIC,
        platform=platform,
        channel_id=_id(f, "channel_id"),
        user_id=_id(f, "user_id"),
        team_id=_id(f, "space_id", required=False),
        channel_name=_text(f, "channel_name", required=False, limit=128),
        user_name=_text(f, "user_name", required=False, limit=128),
        post_id=_id(f, "message_id", required=False),
        question=_question(_text(f, "question", required=False, limit=MAX_QUESTION_CHARS, too_long_status=413)),
        response_url=_url(f, "response_url"),
        from_bot=_flag(f, "from_bot"),
    )


def _text(f: Mapping[str, Any], name: str, required: bool = True, limit: int = 256, too_long_status: int = 400) -> str:
    value = f.get(name)
    if value is None or value == "":
        if required and value is None:
            raise PayloadError(f"champ {name} manquant")
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"champ {name} : texte attendu")
    if len(value) > limit:
        raise PayloadError(f"champ {name} trop long (max. {limit} caractères)", too_long_status)
    return value


def _question(text: str) -> str:
    if len(text) > MAX_QUESTION_CHARS:
        raise PayloadError(f"question trop longue (max. {MAX_QUESTION_CHARS} caractères)", 413)
    return text.strip()


def _id(f: Mapping[str, Any], name: str, required: bool = True) -> str:
    value = _text(f, name, required=required, limit=128)
    if required and not value:
        raise PayloadError(f"champ {name} vide")
    if value and not _ID.match(value):
        raise PayloadError(f"champ {name} invalide")
    return value


def _url(f: Mapping[str, Any], name: str) -> Optional[str]:
    value = _text(f, name, required=False, limit=2048)
    if not value:
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port  # "https://chat:99999/", "https://chat:abc/" raise here, "https://[::1" above
    except ValueError:
        raise PayloadError(f"champ {name} invalide (adresse illisible)") from None
    # Old Mattermost servers sent "not supported yet": no deferred answer then, not an error.
    return value if parts.scheme in ("http", "https") and parts.hostname else None


def _flag(f: Mapping[str, Any], name: str) -> bool:
    value = f.get(name)
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)
