"""Press-kit quotations and calendar links in the bot's messages, as the channels receive them. Pure, no I/O.

An answer that quotes the press kit carries `custom: {"quote": {"text", "section"}}` next to its text, and
an answer about one event `custom: {"calendar": {"event", "title"}}` (actions/adapter.py). Rasa's
collecting channels split such a reply in two messages: the text, then `{"custom": {…}}` alone; the
tracker keeps one bot event with both. `join_quotes` gives each quote and calendar link back to its
text, so that the web page and the team chats can show a quotation and an « Ajouter à mon agenda » link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Optional

MAX_QUOTE_CHARS = 5000
MAX_SECTION_CHARS = 300
MAX_TITLE_CHARS = 300
EVENT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # the catalogue's identifiers: they go into a URL path


def quote_of(message: Any) -> Optional[dict[str, str]]:
    """The message's quotation {"text", "section"}, or None when it carries none (or a malformed one)."""
    custom = message.get("custom") if isinstance(message, dict) else None
    quote = custom.get("quote") if isinstance(custom, dict) else None
    if not isinstance(quote, dict):
        return None
    text, section = quote.get("text"), quote.get("section")
    if not isinstance(text, str) or not text.strip() or not isinstance(section, str):
        return None
    return {"text": text[:MAX_QUOTE_CHARS], "section": section[:MAX_SECTION_CHARS]}


def calendar_of(message: Any) -> Optional[dict[str, str]]:
    """The message's calendar link {"event", "title"}, or None when it carries none (or a malformed one)."""
    custom = message.get("custom") if isinstance(message, dict) else None
    calendar = custom.get("calendar") if isinstance(custom, dict) else None
    if not isinstance(calendar, dict):
        return None
    event, title = calendar.get("event"), calendar.get("title")
    if not isinstance(event, str) or not EVENT_ID.fullmatch(event) or not isinstance(title, str):
        return None
    return {"event": event, "title": title[:MAX_TITLE_CHARS]}


def join_quotes(messages: Iterable[Any]) -> list[Any]:
    """Messages with each quotation as a "quote" key, and each calendar link as a "calendar" key, of the
    message whose text they belong to.

    A custom-only message joins the text message just before it; a message with both keeps them. The
    `custom` that carried them is dropped; other messages pass unchanged.
    """
    joined: list[Any] = []
    for message in messages:
        extras = {k: v for k, v in (("quote", quote_of(message)), ("calendar", calendar_of(message))) if v}
        if not extras:
            joined.append(message)
            continue
        rest = {k: v for k, v in message.items() if k not in ("custom", "recipient_id")}
        previous = joined[-1] if joined else None
        if not rest and isinstance(previous, dict) and previous.get("text") and not set(extras) & set(previous):
            joined[-1] = {**previous, **extras}
        else:
            joined.append({**{k: v for k, v in message.items() if k != "custom"}, **extras})
    return joined


def split_around(text: str, quote: str) -> tuple[str, str]:
    """The text before and after the quotation « quote » in a reply's text; ("text", "") if absent.

    "Voici… :\\n« passage »\\nPour en savoir plus…" -> ("Voici… :\\n", "\\nPour en savoir plus…")."""
    marked = f"« {quote} »"
    at = text.find(marked)
    if at < 0:
        return text, ""
    return text[:at], text[at + len(marked) :]
