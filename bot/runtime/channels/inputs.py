"""Validation of what a channel receives, before Rasa sees it. Pure functions, no I/O.

Every refusal is a `RejectedInput` with an HTTP status and a short French reason; anything accepted
is safe to store (UTF-8 encodable, no control characters, bounded sizes) and to run through NLU.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Every inbound door refuses a larger body with a 413 (REST, agents, socket.io, the page: docs/securite.md).
MAX_BODY_BYTES = 4 * 1024
# Far above any real question (the citizens' page allows 500); keeps NLU cost and trackers bounded.
MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
MAX_METADATA_DEPTH = 8
_DROPPED_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn")


class RejectedInput(ValueError):
    """A request refused with `status` (4xx) and a French `reason`."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class Inbound:
    sender: str
    text: str
    metadata: dict = field(default_factory=dict)


def clean_message(value: str) -> str:
    """NFC, line breaks kept, other control/format/surrogate/unassigned characters dropped, trimmed."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    kept = "".join(c for c in value if c in "\n\t" or unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return kept.strip()


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


def validate_sender(value: Any) -> str:
    if value is None:
        raise RejectedInput(400, "champ sender manquant")
    if not isinstance(value, str):
        raise RejectedInput(400, "champ sender : texte attendu")
    if not value.strip():
        raise RejectedInput(400, "champ sender vide")
    if len(value) > MAX_SENDER_CHARS:
        raise RejectedInput(400, f"champ sender trop long (max. {MAX_SENDER_CHARS} caractères)")
    if any(unicodedata.category(c) in _DROPPED_CATEGORIES for c in value):
        raise RejectedInput(400, "champ sender : caractères de contrôle interdits")
    return value


def validate_text(value: Any, name: str = "message") -> str:
    if value is None:
        raise RejectedInput(400, f"champ {name} manquant")
    if not isinstance(value, str):
        raise RejectedInput(400, f"champ {name} : texte attendu")
    if len(value) > MAX_MESSAGE_CHARS * 4:  # cheap early refusal before cleaning a huge text
        raise RejectedInput(413, f"message trop long (max. {MAX_MESSAGE_CHARS} caractères)")
    text = clean_message(value)
    if not text:
        raise RejectedInput(400, "message vide")
    if len(text) > MAX_MESSAGE_CHARS:
        raise RejectedInput(413, f"message trop long (max. {MAX_MESSAGE_CHARS} caractères)")
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
    """A decoded JSON object {sender, message, metadata?} -> Inbound, or RejectedInput."""
    if not isinstance(data, dict):
        raise RejectedInput(400, 'objet JSON attendu : {"sender": …, "message": …}')
    sender = validate_sender(data.get(sender_key))
    text = validate_text(data.get("message"))
    return Inbound(sender, text, validate_metadata(data.get(metadata_key)))


def validate_rest_body(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> Inbound:
    return validate_fields(parse_json_body(body, max_bytes))
