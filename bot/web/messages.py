"""What crosses the proxy: validation of the browser's input, normalisation of Rasa's output.

Pure functions, no I/O. The browser renders every string as text; here we only bound sizes,
drop what the widget does not render and keep links to http(s) addresses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

SENDER = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_BUTTONS = 20
MAX_TEXT_CHARS = 5000
MAX_TITLE_CHARS = 300
MAX_PAYLOAD_CHARS = 500
MAX_HISTORY_MESSAGES = 200


class InvalidRequest(ValueError):
    """A request the proxy refuses, with a stable code and a French explanation."""

    def __init__(self, code: str, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str


def clean_text(value: str) -> str:
    """Drop control and format characters (except line breaks and tabs), normalise to NFC."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co"))


def validate_sender(value: Any) -> str:
    if not isinstance(value, str) or not SENDER.match(value):
        raise InvalidRequest(
            "identifiant_invalide",
            "Identifiant de conversation invalide : 16 à 64 caractères parmi lettres, chiffres, « - » et « _ ».",
        )
    return value


def validate_chat(body: Any, max_chars: int) -> ChatRequest:
    if not isinstance(body, dict):
        raise InvalidRequest("corps_invalide", 'Le corps de la requête doit être un objet JSON {"sender", "message"}.')
    sender = validate_sender(body.get("sender"))
    message = body.get("message")
    if not isinstance(message, str):
        raise InvalidRequest("message_manquant", "Le champ « message » (texte) est obligatoire.")
    message = clean_text(message).strip()
    if not message:
        raise InvalidRequest("message_vide", "Le message est vide.")
    if len(message) > max_chars:
        raise InvalidRequest("message_trop_long", f"Le message dépasse {max_chars} caractères.", status=413)
    return ChatRequest(sender, message)


def safe_url(value: Any) -> Optional[str]:
    """The URL if it is an absolute http(s) address, else None."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return None
    return value


def _text(value: Any, limit: int) -> Optional[str]:
    if not isinstance(value, str):
        return None
    value = clean_text(value)
    return value[:limit] if value.strip() else None


def _buttons(value: Any) -> list[dict]:
    buttons = []
    for raw in value if isinstance(value, list) else []:
        if not isinstance(raw, dict):
            continue
        title = _text(raw.get("title"), MAX_TITLE_CHARS)
        payload = _text(raw.get("payload"), MAX_PAYLOAD_CHARS)
        if title and payload:
            buttons.append({"title": title, "payload": payload})
        if len(buttons) == MAX_BUTTONS:
            break
    return buttons


def bot_message(raw: Any) -> Optional[dict]:
    """One bot message as the widget renders it: {"text"?, "buttons"?, "image"?}, or None if empty."""
    if not isinstance(raw, dict):
        return None
    message: dict = {}
    if text := _text(raw.get("text"), MAX_TEXT_CHARS):
        message["text"] = text
    if buttons := _buttons(raw.get("buttons")):
        message["buttons"] = buttons
    if image := safe_url(raw.get("image")):
        message["image"] = image
    return message or None


def bot_messages(raw: Any) -> list[dict]:
    """Rasa REST channel's reply (a list) -> the widget's messages."""
    if not isinstance(raw, list):
        return []
    return [m for m in (bot_message(r) for r in raw) if m]


def history(tracker: Any) -> list[dict]:
    """A Rasa tracker -> the conversation as shown: [{"from": "user"|"bot", ...}], oldest first.

    A button click sends its payload ("/inform{...}"); it is shown, as it was live, with the
    title of the button that carried it.
    """
    events = tracker.get("events") if isinstance(tracker, dict) else None
    shown: list[dict] = []
    titles: dict[str, str] = {}
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        kind = event.get("event")
        if kind == "restart":
            shown, titles = [], {}
        elif kind == "bot":
            data = event.get("data") if isinstance(event.get("data"), dict) else {}
            message = bot_message(
                {"text": event.get("text"), "buttons": data.get("buttons"), "image": data.get("image")}
            )
            if message:
                titles.update({b["payload"]: b["title"] for b in message.get("buttons", [])})
                shown.append({"from": "bot", **message})
        elif kind == "user":
            text = _text(event.get("text"), MAX_TEXT_CHARS)
            if text:
                shown.append({"from": "user", "text": titles.get(text, text)})
    return shown[-MAX_HISTORY_MESSAGES:]
