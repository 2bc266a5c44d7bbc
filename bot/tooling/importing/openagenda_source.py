"""Read an OpenAgenda JSON export (API v2 field names) into `SourceEvent`s.

Fields, as OpenAgenda names them: `uid`, `title`, `description` (else `longDescription`, as plain text),
`keywords` → topics, `timings` [{begin, end}] (ISO 8601 with an offset, converted to the edition's time
zone; without one, taken as already in it), `location` {name, address, postalCode, city} → place,
`onlineAccessLink`, `attendanceMode` (1 on site, 2 online, 3 both) → format, `registration`
[{type: link | email | phone, value}], `accessibility` {hi, ii, mi, pi, vi} → a French sentence,
`conditions` → price, `status` 6 (cancelled) → dropped. Multilingual maps give their « fr » text, else
their first one. OpenAgenda has no standard organiser field: an agenda's own field named `organisateur`,
`organizer`, `organiser` or `organisation` is read, else the title of `originAgenda`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo

from bot.domain.text import join_french
from bot.tooling.importing.records import (
    MIXED,
    ON_SITE,
    ONLINE,
    Day,
    ImportFailure,
    SourceEvent,
    merge_days,
    spread,
)
from bot.tooling.importing.texts import clean, http_url, phone, plain

CANCELLED = (
    6  # OpenAgenda's event statuses: 1 scheduled, 2 rescheduled, 3 moved online, 4 postponed, 5 full, 6 cancelled
)
FORMATS = {1: ON_SITE, 2: ONLINE, 3: MIXED}
ACCESSIBILITY = {"mi": "moteur", "hi": "auditif", "vi": "visuel", "pi": "psychique", "ii": "intellectuel"}
ORGANISER_FIELDS = (
    "organisateur",
    "organisateurs",
    "organizer",
    "organizers",
    "organiser",
    "organisers",
    "organisation",
)
KEPT = {"uid", "title", "description", "longDescription", "keywords", "timings", "location", "onlineAccessLink"}
KEPT |= {"attendanceMode", "registration", "accessibility", "conditions", "status", "originAgenda"}
KEPT |= set(ORGANISER_FIELDS)
# Bookkeeping of OpenAgenda, or repeats of kept fields: not worth a line in the report.
SILENT = {"slug", "createdAt", "updatedAt", "state", "featured", "dateRange", "firstTiming", "lastTiming"}
SILENT |= {"nextTiming", "timezone", "agendaUid", "locationUid", "draft", "member", "creatorUid", "ownerUid"}
LOCATION_KEPT = {"name", "address", "postalCode", "city", "timezone"}
LOCATION_SILENT = {"uid", "slug", "agendaUid", "createdAt", "updatedAt", "state", "extId", "countryCode"}
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_TITLE_BEFORE = re.compile(r'"title"\s*:\s*(?:\{[^{}]*?"fr"\s*:\s*)?"((?:[^"\\]|\\.)*)"')


def read_openagenda(path: Path, zone: ZoneInfo) -> list[SourceEvent]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailure(f"{path} : fichier illisible ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        titles = _TITLE_BEFORE.findall(text[: exc.pos])
        within = f", dans l'événement « {titles[-1]} »" if titles else ""
        raise ImportFailure(
            f"{path} : JSON invalide ligne {exc.lineno}, colonne {exc.colno}{within} ({exc.msg})"
        ) from None
    items = data.get("events") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ImportFailure(f"{path} : export OpenAgenda attendu : un objet avec une liste « events »")
    if not items:
        raise ImportFailure(f"{path} : la liste « events » est vide")
    return [_event(path, item, index, zone) for index, item in enumerate(items, 1)]


def localised(value: Any) -> Any:
    """A multilingual map's French value, else its first non-empty one; any other value as it is."""
    if isinstance(value, dict) and value and all(isinstance(k, str) and len(k) <= 5 for k in value):
        if value.get("fr") not in (None, "", []):
            return value["fr"]
        return next((v for v in value.values() if v not in (None, "", [])), None)
    return value


def _text(value: Any) -> Optional[str]:
    value = localised(value)
    return clean(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None


def _names(value: Any) -> list[str]:
    """An organiser field: a text, a multilingual map, a {name|title|label} object or a list of them."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        for key in ("name", "title", "label"):
            if key in value:
                return _names(value[key])
        value = localised(value)
        if isinstance(value, (list, dict)):
            return _names(value)
    text = _text(value)
    return [part for part in (clean(p) for p in (text or "").split(";")) if part]


def _code(value: Any) -> Optional[int]:
    """status and attendanceMode: a number, or an object {id: …} in some exports."""
    if isinstance(value, dict):
        value = value.get("id", value.get("value"))
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _moment(path: Path, event: SourceEvent, value: Any, zone: ZoneInfo) -> Optional[dt.datetime]:
    if value in (None, ""):
        return None
    text = str(value).strip()
    text = _OFFSET.sub(r"\1:\2", text[:-1] + "+00:00" if text.endswith("Z") else text)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ImportFailure(f"{path} : événement {event.label} : horaire invalide « {value} »") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _days(path: Path, event: SourceEvent, timings: Any, zone: ZoneInfo) -> tuple[Day, ...]:
    if not isinstance(timings, list) or not timings:
        raise ImportFailure(f"{path} : événement {event.label} : aucune date (« timings » vide ou absent)")
    days: list[Day] = []
    for timing in timings:
        begin = _moment(path, event, timing.get("begin") if isinstance(timing, dict) else None, zone)
        if begin is None:
            raise ImportFailure(f"{path} : événement {event.label} : horaire sans début (« timings[].begin »)")
        days += spread(begin, _moment(path, event, timing.get("end"), zone), all_day=False)
    return merge_days(days)


def _place(location: Any) -> Optional[str]:
    """« Salle, 12 rue…, 44000 Nantes »: the city is added when the address does not already say it."""
    if not isinstance(location, dict):
        return None
    name, address = _text(location.get("name")), _text(location.get("address"))
    city = " ".join(t for t in (_text(location.get("postalCode")), _text(location.get("city"))) if t) or None
    parts = [p for p in (name, address) if p]
    if city and not any(_text(location.get("city")) and _text(location.get("city")) in p for p in parts[1:]):
        parts.append(city)
    return ", ".join(dict.fromkeys(parts)) or None


def _registration(entries: Any) -> Optional[str]:
    ways: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        kind, value = (
            (entry.get("type"), _text(entry.get("value"))) if isinstance(entry, dict) else (None, _text(entry))
        )
        if not value:
            continue
        if kind == "link" or (kind is None and http_url(value)):
            ways.append(http_url(value) or value)
        elif kind == "email" or (kind is None and "@" in value):
            ways.append(f"par courriel : {value}")
        else:
            ways.append(f"par téléphone : {phone(value)}")
    return " ou ".join(dict.fromkeys(ways)) or None


def _accessibility(flags: Any) -> Optional[str]:
    if not isinstance(flags, dict):
        return None
    kinds = [label for key, label in ACCESSIBILITY.items() if flags.get(key) is True]
    if not kinds:
        return None
    return f"Accessible aux personnes en situation de handicap {join_french(kinds)}."


def _event(path: Path, item: Any, index: int, zone: ZoneInfo) -> SourceEvent:
    if not isinstance(item, dict):
        raise ImportFailure(f"{path} : événement n°{index} : un objet JSON est attendu")
    uid = _text(item.get("uid")) or _text(item.get("slug")) or f"événement n°{index}"
    event = SourceEvent(uid=uid, title=_text(item.get("title")) or "", days=())
    if not event.title:
        raise ImportFailure(f"{path} : événement {event.label} : titre (« title ») manquant")
    event.days = _days(path, event, item.get("timings"), zone)
    if len(event.days) > 1:
        event.notes.append(f"sur {len(event.days)} jours : une entrée par jour")

    short, long = _text(item.get("description")), plain(_text(item.get("longDescription")))
    event.description = short or long
    organisers = next((_names(item[f]) for f in ORGANISER_FIELDS if _names(item.get(f))), None)
    if organisers is None:
        organisers = (
            _names((item.get("originAgenda") or {}).get("title")) if isinstance(item.get("originAgenda"), dict) else []
        )
        if organisers:
            event.notes.append("organisateur pris du titre de l'agenda d'origine (originAgenda)")
    event.organisers = tuple(organisers)
    keywords = localised(item.get("keywords"))
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    event.keywords = tuple(dict.fromkeys(k for k in (clean(str(w)) for w in keywords or []) if k))

    event.place = _place(item.get("location"))
    link = item.get("onlineAccessLink")
    event.online_link = http_url(link)
    if link and not event.online_link:
        event.notes.append(f"lien en ligne « {link} » ignoré : ce n'est pas une adresse http(s)")
    mode = _code(item.get("attendanceMode"))
    event.format = (
        FORMATS.get(mode)
        if mode
        else (
            MIXED
            if event.place and event.online_link
            else ON_SITE
            if event.place
            else ONLINE
            if event.online_link
            else None
        )
    )
    if event.format == ONLINE:
        event.place = None
    event.registration = _registration(item.get("registration"))
    event.accessibility = _accessibility(item.get("accessibility"))
    event.price = _text(item.get("conditions"))
    event.cancelled = _code(item.get("status")) == CANCELLED

    not_kept = [k for k, v in item.items() if k not in KEPT | SILENT and v not in (None, "", [], {})]
    if short and long:
        not_kept.append("longDescription")
    if isinstance(item.get("location"), dict):
        not_kept += [
            f"location.{k}"
            for k, v in item["location"].items()
            if k not in LOCATION_KEPT | LOCATION_SILENT and v not in (None, "", [], {})
        ]
    event.not_kept = tuple(not_kept)
    return event
