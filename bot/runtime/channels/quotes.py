"""Press-kit quotations in the bot's messages, as the channels receive them. Pure, no I/O.

An answer that quotes the press kit carries `custom: {"quote": {"text", "section"}}` next to its text
(actions/adapter.py). Rasa's collecting channels split such a reply in two messages: the text, then
`{"custom": {…}}` alone; the tracker keeps one bot event with both. `join_quotes` gives each quote
back to its text, so that the web page and the team chats can show it as a quotation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Optional

MAX_QUOTE_CHARS = 5000
MAX_SECTION_CHARS = 300


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


def join_quotes(messages: Iterable[Any]) -> list[Any]:
    """Messages with each quotation as a "quote" key of the message whose text it belongs to.

    A quote-only message joins the text message just before it; a message with both keeps its
    quote. The `custom` that carried a quotation is dropped; other messages pass unchanged.
    """
    joined: list[Any] = []
    for message in messages:
        quote = quote_of(message)
        if quote is None:
            joined.append(message)
            continue
        rest = {k: v for k, v in message.items() if k not in ("custom", "recipient_id")}
        previous = joined[-1] if joined else None
        if not rest and isinstance(previous, dict) and previous.get("text") and "quote" not in previous:
            joined[-1] = {**previous, "quote": quote}
        else:
            joined.append({**{k: v for k, v in message.items() if k != "custom"}, "quote": quote})
    return joined


def split_around(text: str, quote: str) -> tuple[str, str]:
    """The text before and after the quotation « quote » in a reply's text; ("text", "") if absent.

    "Voici… :\\n« passage »\\nPour en savoir plus…" -> ("Voici… :\\n", "\\nPour en savoir plus…")."""
    marked = f"« {quote} »"
    at = text.find(marked)
    if at < 0:
        return text, ""
    return text[:at], text[at + len(marked) :]
