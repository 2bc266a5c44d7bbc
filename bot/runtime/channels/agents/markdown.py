"""Bot messages -> Mattermost Markdown posts.

The answers are plain French text with "- " list lines; in a chat they read better with bold
headings and labels. Buttons cannot be clicked in a post (interactive buttons need a bot
account and a callback URL), so they become a numbered list the agent answers with a number.
A press-kit quotation (`custom.quote`, bot/runtime/channels/quotes.py) becomes a real Markdown quote;
everywhere else, a '>' the bot writes at the start of a line is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.runtime.channels.quotes import join_quotes, split_around

MAX_POST_CHARS = 16383  # Mattermost's limit per post, in characters (runes)
CUT_NOTICE = "\n\n_… réponse tronquée : posez une question plus précise._"

_URL = re.compile(r"(https?://\S+)")
_SPECIAL = re.compile(r"([\\`*_~\[\]])")
_LINE_START = re.compile(r"^(\s*)([#>|])", re.MULTILINE)
# '@' starting a word would notify someone (@channel, @all, a user): a zero-width space stops it.
# A '@' inside a word (e-mail address) is left alone.
_MENTION = re.compile(r"(?<![\w.@])@(?=[\w.-])")
_LABEL = re.compile(r"^([A-ZÀ-Ý][\w'’ ]{0,23}) : (.+)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


@dataclass
class Rendered:
    posts: list[str]
    choices: list[Choice] = field(default_factory=list)


def escape(text: str) -> str:
    """Neutralise Markdown and mentions in bot text, leaving URLs intact."""
    parts = _URL.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside URLs
        parts[i] = _MENTION.sub("@\u200b", _SPECIAL.sub(r"\\\1", parts[i]))
    return _LINE_START.sub(r"\1\\\2", "".join(parts))


def emphasise(text: str) -> str:
    """Bold headings ("… :" lines), the title of a multi-line card and "Label : value" labels."""
    lines = text.split("\n")
    multi = len(lines) > 1
    out = []
    for n, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or _LIST_ITEM.match(line):
            out.append(line)
        elif stripped.endswith(":") or multi and n == 0 and len(stripped) <= 120 and stripped[-1] not in ".?!…»)":
            out.append(f"**{stripped}**")
        elif multi and (m := _LABEL.match(stripped)):
            out.append(f"**{m.group(1)} :** {m.group(2)}")
        else:
            out.append(line)
    return "\n".join(_separate_lists(out))


def _separate_lists(lines: list[str]) -> list[str]:
    """Blank lines around lists: without them, a line after a list item is read as part of it."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and bool(_LIST_ITEM.match(out[-1])) != bool(_LIST_ITEM.match(line)):
            out.append("")
        out.append(line)
    return out


def quote_block(quote: dict[str, str]) -> str:
    """A press-kit quotation as Markdown: its lines as "> « … »", then "— section" below the quote."""
    lines = [line for line in quote["text"].split("\n") if line.strip()]
    lines[0] = f"« {lines[0]}"
    lines[-1] = f"{lines[-1]} »"
    block = "\n".join(f"> {escape(line)}" for line in lines)
    return f"{block}\n\n— {escape(quote['section'])}" if quote.get("section") else block


def _text_parts(message: dict[str, Any]) -> list[str]:
    text = str(message.get("text") or "")
    quote = message.get("quote")
    if not quote:
        return [emphasise(escape(text))] if text else []
    before, after = split_around(text, quote["text"])
    parts = [emphasise(escape(before.strip()))] if before.strip() else []
    parts.append(quote_block(quote))
    return parts + ([emphasise(escape(after.strip()))] if after.strip() else [])


def choice_hint(example: str) -> str:
    # In a code span: the example is shown, never run as a mention or a command.
    return f"_Répondez par le numéro de votre choix, par exemple `{example}`._"


def calendar_line(calendar: dict[str, str], page_url: str) -> str:
    """« Ajouter à mon agenda », linked to the event's iCalendar file on the citizens' page."""
    return f"[Ajouter à mon agenda]({page_url}/evenements/{calendar['event']}.ics)"


def render_messages(messages: Iterable[dict[str, Any]], answer_prefix: str = "", page_url: str = "") -> Rendered:
    """Rasa bot messages (text, quote, calendar link, buttons, image) -> one Markdown post each, buttons
    numbered across posts.

    `answer_prefix` is what the agent types before the number on this platform ("/evenements");
    `page_url` the citizens' page, whose calendar files the links point to (no page: no link).
    """
    posts: list[str] = []
    choices: list[Choice] = []
    for message in join_quotes(messages):
        parts = _text_parts(message)
        if message.get("calendar") and page_url:
            parts.append(calendar_line(message["calendar"], page_url))
        if message.get("image"):
            parts.append(f"![image]({message['image']})")
        buttons = [b for b in message.get("buttons") or [] if b.get("payload")]
        if buttons:
            lines = []
            for button in buttons:
                choices.append(Choice(str(button.get("title") or button["payload"]), str(button["payload"])))
                lines.append(f"{len(choices)}. {escape(choices[-1].title)}")
            parts.append("\n".join(lines))
        if parts:
            posts.append("\n\n".join(parts))
    if choices:
        posts[-1] += "\n\n" + choice_hint(f"{answer_prefix} 1".strip())
    return Rendered(posts, choices)


def cut_post(text: str, limit: int = MAX_POST_CHARS) -> str:
    """Fit a post within `limit` characters: cut on the last line boundary, say it was cut."""
    if len(text) <= limit:
        return text
    budget = limit - len(CUT_NOTICE)
    head = text[:budget]
    cut = head.rfind("\n")
    if cut < budget // 2:  # one huge line: fall back to a word boundary, then a hard cut
        cut = head.rfind(" ")
    if cut < budget // 2:
        cut = budget
    return head[:cut].rstrip().rstrip("\\") + CUT_NOTICE


def join_posts(posts: Sequence[str], limit: int = MAX_POST_CHARS) -> str:
    """Several bot messages in the single post an outgoing webhook allows."""
    return cut_post("\n\n".join(posts), limit)
