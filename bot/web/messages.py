"""What the proxy sends the browser: Rasa's replies and conversation history, normalised for the widget.

Pure functions, no I/O. The browser renders every string as text; here we only bound sizes,
drop what the widget does not render and keep links to http(s) addresses. The browser's input is
validated with the channels' rules (bot/runtime/channels/inputs.py: validate_chat, validate_page_sender).
"""

from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlsplit

from bot.runtime.channels.inputs import clean_text
from bot.runtime.channels.quotes import calendar_of, join_quotes, quote_of

MAX_BUTTONS = 20
MAX_TEXT_CHARS = 5000
MAX_TITLE_CHARS = 300
MAX_PAYLOAD_CHARS = 500
MAX_HISTORY_MESSAGES = 200


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


def _quote(raw: dict) -> Optional[dict]:
    """A press-kit quotation, from `custom` (tracker) or joined to its text (join_quotes)."""
    quote = quote_of({"custom": {"quote": raw["quote"]}}) if "quote" in raw else quote_of(raw)
    if quote is None:
        return None
    text = _text(quote["text"], MAX_TEXT_CHARS)
    return {"text": text, "section": _text(quote["section"], MAX_TITLE_CHARS) or ""} if text else None


def _calendar(raw: dict) -> Optional[dict]:
    """« Ajouter à mon agenda » for one event: the page's own iCalendar file of that event."""
    calendar = calendar_of({"custom": {"calendar": raw["calendar"]}}) if "calendar" in raw else calendar_of(raw)
    if calendar is None:
        return None
    return {"href": f"/evenements/{calendar['event']}.ics", "title": _text(calendar["title"], MAX_TITLE_CHARS) or ""}


def bot_message(raw: Any) -> Optional[dict]:
    """One bot message as the widget renders it: {"text"?, "quote"?, "calendar"?, "buttons"?, "image"?}, or
    None if empty.

    "quote" ({"text", "section"}) is a press-kit quotation that the text also holds between « »;
    "calendar" ({"href", "title"}) the event's « Ajouter à mon agenda » link."""
    if not isinstance(raw, dict):
        return None
    message: dict = {}
    if text := _text(raw.get("text"), MAX_TEXT_CHARS):
        message["text"] = text
    if quote := _quote(raw):
        message["quote"] = quote
    if calendar := _calendar(raw):
        message["calendar"] = calendar
    if buttons := _buttons(raw.get("buttons")):
        message["buttons"] = buttons
    if image := safe_url(raw.get("image")):
        message["image"] = image
    return message or None


def bot_messages(raw: Any) -> list[dict]:
    """Rasa REST channel's reply (a list) -> the widget's messages."""
    if not isinstance(raw, list):
        return []
    return [m for m in (bot_message(r) for r in join_quotes(raw)) if m]


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
                {
                    "text": event.get("text"),
                    "buttons": data.get("buttons"),
                    "image": data.get("image"),
                    "custom": data.get("custom"),
                }
            )
            if message:
                titles.update({b["payload"]: b["title"] for b in message.get("buttons", [])})
                shown.append({"from": "bot", **message})
        elif kind == "user":
            text = _text(event.get("text"), MAX_TEXT_CHARS)
            if text:
                shown.append({"from": "user", "text": titles.get(text, text)})
    return shown[-MAX_HISTORY_MESSAGES:]
