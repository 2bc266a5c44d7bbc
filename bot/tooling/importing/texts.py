"""Small text helpers shared by the sources: whitespace, HTML, links, telephone numbers, slugs."""

from __future__ import annotations

import html
import re
from typing import Optional

import phonenumbers

from bot.domain.text import fold, is_web_address

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/li|/h\d)\s*/?\s*>", re.IGNORECASE)
_SLUG_GAPS = re.compile(r"[^a-z0-9]+")
SLUG_LENGTH = 60
_ONLINE_WORDS = ("en ligne", "visio", "distanciel", "webinaire", "webinar", "zoom", "teams", "jitsi")


def clean(text: Optional[str]) -> Optional[str]:
    """Whitespace collapsed, None when nothing is left."""
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text or None


def plain(text: Optional[str]) -> Optional[str]:
    """HTML or Markdown-ish rich text as one plain paragraph (OpenAgenda's longDescription)."""
    if text is None:
        return None
    text = _TAG.sub(" ", _BREAK.sub(" ", str(text)))
    return clean(html.unescape(text).replace("**", "").replace("__", ""))


def http_url(value: Optional[str]) -> Optional[str]:
    """The value when it is an absolute http(s) URL with a host, else None."""
    value = clean(value)
    return value if value and is_web_address(value) else None


def looks_online(place: str) -> bool:
    """A LOCATION that names no place but a meeting tool or a link: « En ligne (Zoom) », « https://… »."""
    folded = fold(place)
    return bool(http_url(place)) or any(word in f" {folded} " for word in _ONLINE_WORDS)


def phone(value: str) -> str:
    """A French number in its national form (« 02 40 41 20 20 »); anything unparsable is kept as written."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return clean(value) or value
    if not phonenumbers.is_valid_number(number):
        return clean(value) or value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def slug(text: str) -> str:
    """A catalogue id: « Atelier : design de services » -> « atelier-design-de-services »."""
    words = _SLUG_GAPS.sub("-", fold(text)).strip("-")
    if len(words) > SLUG_LENGTH:  # cut between two words
        words = words[: SLUG_LENGTH + 1].rsplit("-", 1)[0]
    return words or "evenement"


def unique(base: str, taken: set[str]) -> str:
    """base, or base-2, base-3… when base is taken."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


_ACRONYM = re.compile(r"\(([A-ZÉ0-9][A-ZÉ0-9'’-]{1,11})\)")
_QUOTED = re.compile(r"«\s*([^»]+?)\s*»")


def title_aliases(title: str) -> list[str]:
    """Shorter names people use for an event, read from its title only: the subject after « Kind : »
    (« Webinaire : la comptabilité CARE en pratique » → « la comptabilité CARE en pratique »), a quoted
    name, an acronym in brackets (« (FALC) »)."""
    found = []
    if " : " in title:
        found.append(title.split(" : ", 1)[1])
    found += _QUOTED.findall(title) + _ACRONYM.findall(title)
    names = [" ".join(name.split()) for name in found]
    return [name for name in dict.fromkeys(names) if name and fold(name) != fold(title)]
