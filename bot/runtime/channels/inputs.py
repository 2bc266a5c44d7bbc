"""Validation of what a channel or the citizens' page receives, before Rasa sees it. Pure functions, no I/O.

The one validation module: the channels (REST, socket.io, agents: bot/runtime/channels/) and the
page's proxy (bot/web/app.py) use the same text cleaning and the same sender checks, the page with
its stricter identifier rule. Every refusal is a `RejectedInput` with an HTTP status, a short French
reason and a stable code; the page's are `InvalidRequest`s, worded for the visitor. Anything
accepted is safe to store (UTF-8 encodable, no control characters, bounded sizes) and to run
through NLU.

Each channel has its own namespace of conversations: the tracker's sender id is the channel's
prefix, ":" and the id the client gave (`rest:<id>`, `socketio:<id>`), while the agents' channel
builds `mattermost:<channel>:<user>` / `osmose:…` ids itself. The public channels (REST, socket.io)
refuse ":" in an id (`validate_public_sender`) and drop the metadata keys another channel writes
(`public_metadata`): a citizen cannot name, write into or read an agent's conversation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Optional

# Every inbound door refuses a larger body with a 413 (REST, agents, socket.io, the page: docs/securite.md).
MAX_BODY_BYTES = 4 * 1024
# Far above any real question (the citizens' page allows 500); keeps NLU cost and trackers bounded.
MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
MAX_METADATA_DEPTH = 8
# The page's conversation ids, drawn by the widget: they also appear in its URLs (/api/history?sender=).
PAGE_SENDER = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Between a channel's prefix and the id inside it (`rest:<id>`, `mattermost:<channel>:<user>`).
SENDER_SEPARATOR = ":"
REST_NAMESPACE = "rest"
SOCKETIO_NAMESPACE = "socketio"
# Metadata only a channel of ours writes (the agents' channel: bot/runtime/channels/agents/payloads.py).
RESERVED_METADATA_KEYS = frozenset({"agents"})
_DROPPED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")


class RejectedInput(ValueError):
    """A request refused with `status` (4xx), a French `reason` and a stable `code`."""

    def __init__(self, status: int, reason: str, code: str = "requete_invalide") -> None:
        super().__init__(reason)
        self.status, self.reason, self.code = status, reason, code


class InvalidRequest(RejectedInput):
    """A refusal of the page's proxy: {"error": code, "detail": detail} with `status` (bot/web/app.py)."""

    def __init__(self, code: str, detail: str, status: int = 400) -> None:
        super().__init__(status, detail, code)
        self.detail = detail


@dataclass(frozen=True)
class Inbound:
    sender: str
    text: str
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str


def clean_text(value: str) -> str:
    """NFC, line breaks as "\n", other control/format/surrogate/private/unassigned characters dropped."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) not in _DROPPED_CATEGORIES)


def clean_message(value: str) -> str:
    """A message as Rasa gets it: `clean_text`, trimmed."""
    return clean_text(value).strip()


def parse_json_body(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> Any:
    if len(body) > max_bytes:
        raise RejectedInput(413, f"corps de requête trop volumineux (max. {max_bytes // 1024} Kio)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise RejectedInput(400, "corps de requête non UTF-8") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise RejectedInput(400, "JSON trop imbriqué") from None
    except ValueError:
        raise RejectedInput(400, "JSON invalide") from None


def validate_sender(value: Any, name: str = "sender", pattern: Optional[re.Pattern[str]] = None) -> str:
    """A conversation id: text, not blank, at most 128 characters, no control characters (and `pattern`)."""
    if value is None:
        raise RejectedInput(400, f"champ {name} manquant", "identifiant_manquant")
    if not isinstance(value, str):
        raise RejectedInput(400, f"champ {name} : texte attendu", "identifiant_invalide")
    if not value.strip():
        raise RejectedInput(400, f"champ {name} vide", "identifiant_invalide")
    if len(value) > MAX_SENDER_CHARS:
        raise RejectedInput(400, f"champ {name} trop long (max. {MAX_SENDER_CHARS} caractères)", "identifiant_invalide")
    if any(unicodedata.category(c) in _DROPPED_CATEGORIES for c in value):
        raise RejectedInput(400, f"champ {name} : caractères de contrôle interdits", "identifiant_invalide")
    if pattern is not None and not pattern.fullmatch(value):
        raise RejectedInput(400, f"champ {name} : forme d'identifiant non reconnue", "identifiant_invalide")
    return value


def validate_public_sender(value: Any, name: str = "sender") -> str:
    """A conversation id from a public channel (REST, socket.io): `validate_sender`, without ":"."""
    value = validate_sender(value, name)
    if SENDER_SEPARATOR in value:
        raise RejectedInput(
            400,
            f"champ {name} : le caractère « {SENDER_SEPARATOR} » est réservé aux canaux internes",
            "identifiant_invalide",
        )
    return value


def namespaced(namespace: str, sender: str) -> str:
    """The tracker's sender id of `sender` in a channel's namespace: `rest:<sender>`."""
    return f"{namespace}{SENDER_SEPARATOR}{sender}"


def public_metadata(metadata: dict) -> dict:
    """Metadata from a public channel without the keys reserved to our own channels (dropped)."""
    if not RESERVED_METADATA_KEYS.intersection(metadata):
        return metadata
    return {key: value for key, value in metadata.items() if key not in RESERVED_METADATA_KEYS}


def validate_page_sender(value: Any) -> str:
    """The page's conversation id: `validate_sender` with PAGE_SENDER, refused in one sentence."""
    try:
        return validate_sender(value, pattern=PAGE_SENDER)
    except RejectedInput:
        raise InvalidRequest(
            "identifiant_invalide",
            "Identifiant de conversation invalide : 16 à 64 caractères parmi lettres, chiffres, « - » et « _ ».",
        ) from None


def validate_text(value: Any, name: str = "message", max_chars: int = MAX_MESSAGE_CHARS) -> str:
    if value is None:
        raise RejectedInput(400, f"champ {name} manquant", "message_manquant")
    if not isinstance(value, str):
        raise RejectedInput(400, f"champ {name} : texte attendu", "message_manquant")
    if len(value) > MAX_MESSAGE_CHARS * 4:  # cheap early refusal before cleaning a huge text
        raise RejectedInput(413, f"message trop long (max. {max_chars} caractères)", "message_trop_long")
    text = clean_message(value)
    if not text:
        raise RejectedInput(400, "message vide", "message_vide")
    if len(text) > max_chars:
        raise RejectedInput(413, f"message trop long (max. {max_chars} caractères)", "message_trop_long")
    return text


def _depth(value: Any, limit: int, level: int = 1) -> int:
    if level > limit:
        return level
    if isinstance(value, dict):
        return max((_depth(v, limit, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, limit, level + 1) for v in value), default=level)
    return level


def validate_metadata(value: Any) -> dict:
    if value is None:
        return {}
    if isinstance(value, str):  # socket.io clients may send it as a JSON string
        try:
            value = json.loads(value) if value.strip() else {}
        except (ValueError, RecursionError):
            raise RejectedInput(400, "champ metadata : JSON invalide") from None
    if not isinstance(value, dict):
        raise RejectedInput(400, "champ metadata : objet JSON attendu")
    if _depth(value, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH:
        raise RejectedInput(400, f"champ metadata trop imbriqué (max. {MAX_METADATA_DEPTH} niveaux)")
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        raise RejectedInput(400, "champ metadata : texte non encodable en UTF-8") from None
    return value


def validate_fields(data: Any, metadata_key: str = "metadata", sender_key: str = "sender") -> Inbound:
    """A decoded JSON object {sender, message, metadata?} of a public channel -> Inbound, or RejectedInput.

    The sender is a public one (no ":"); reserved metadata keys are dropped."""
    if not isinstance(data, dict):
        raise RejectedInput(400, 'objet JSON attendu : {"sender": …, "message": …}')
    sender = validate_public_sender(data.get(sender_key), sender_key)
    text = validate_text(data.get("message"))
    return Inbound(sender, text, public_metadata(validate_metadata(data.get(metadata_key))))


def validate_rest_body(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> Inbound:
    return validate_fields(parse_json_body(body, max_bytes))


# What the page says to the visitor for each refusal of `validate_text`.
_PAGE_TEXT_REFUSALS = {
    "message_manquant": "Le champ « message » (texte) est obligatoire.",
    "message_vide": "Le message est vide.",
    "message_trop_long": "Le message dépasse {max_chars} caractères.",
}


def validate_chat(body: Any, max_chars: int) -> ChatRequest:
    """The page's decoded JSON {sender, message} -> ChatRequest, or InvalidRequest."""
    if not isinstance(body, dict):
        raise InvalidRequest("corps_invalide", 'Le corps de la requête doit être un objet JSON {"sender", "message"}.')
    sender = validate_page_sender(body.get("sender"))
    try:
        message = validate_text(body.get("message"), max_chars=max_chars)
    except RejectedInput as exc:
        raise InvalidRequest(exc.code, _PAGE_TEXT_REFUSALS[exc.code].format(max_chars=max_chars), exc.status) from None
    return ChatRequest(sender, message)
