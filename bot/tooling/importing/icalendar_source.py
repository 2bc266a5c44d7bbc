"""Read an iCalendar file (RFC 5545) into `SourceEvent`s, with the `icalendar` library.

Times: a DTSTART with a TZID, in UTC or with an offset is converted to the edition's time zone; a
floating one (no zone) is taken as already in it; a DATE value (all day) gives a day without times.
An unknown TZID stops the import, naming the event. DTEND (or DURATION) over several days gives one
day per date, as `records.spread` says.

Fields: SUMMARY → title, DESCRIPTION, ORGANIZER (its CN) → organisers, CATEGORIES → topics, LOCATION
→ place, URL → online link when the event has no physical place (else the page where to register),
CONFERENCE (RFC 7986) → online link, STATUS:CANCELLED → dropped. Anything else is listed as not kept.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo

import icalendar

from bot.tooling.importing.records import MIXED, ON_SITE, ONLINE, ImportFailure, SourceEvent, merge_days, spread
from bot.tooling.importing.texts import clean, http_url, looks_online

KEPT = {"UID", "SUMMARY", "DESCRIPTION", "DTSTART", "DTEND", "DURATION", "ORGANIZER", "CATEGORIES", "LOCATION"}
KEPT |= {"URL", "CONFERENCE", "STATUS"}
# Bookkeeping of calendar software, never useful to a visitor: not even worth a line in the report.
SILENT = {"DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "TRANSP", "PRIORITY", "CLASS"}
_EVENT_BLOCK = re.compile(r"BEGIN:VEVENT(?:(?!END:VEVENT).)*\Z", re.DOTALL)
_FIELD = re.compile(r"^(SUMMARY|UID)[^:\r\n]*:(.*)$", re.MULTILINE)


def read_icalendar(path: Path, zone: ZoneInfo) -> list[SourceEvent]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"{path} : fichier illisible ({exc.strerror or exc})") from None
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as exc:
        raise ImportFailure(f"{path} : {_broken(raw, exc)}") from None
    events = [_event(path, component, index, zone) for index, component in enumerate(calendar.walk("VEVENT"), 1)]
    if not events:
        raise ImportFailure(f"{path} : aucun événement (VEVENT) dans ce calendrier")
    return events


def _broken(raw: bytes, exc: ValueError) -> str:
    """Why the file cannot be read, naming the event left open when the file stops in the middle of one."""
    text = raw.decode("utf-8", errors="replace")
    if "BEGIN:VCALENDAR" not in text:
        return "ce n'est pas un fichier iCalendar (BEGIN:VCALENDAR manquant)"
    unfinished = _EVENT_BLOCK.search(text)
    if unfinished:
        fields = {name: value.strip() for name, value in _FIELD.findall(unfinished.group(0))}
        name = f"« {fields['SUMMARY']} »" if fields.get("SUMMARY") else f"d'identifiant « {fields.get('UID', '?')} »"
        return f"l'événement {name} est incomplet : le fichier est tronqué (END:VEVENT manquant)"
    if "END:VCALENDAR" not in text:
        return "fichier tronqué (END:VCALENDAR manquant)"
    return f"fichier iCalendar invalide ({exc})"


def _texts(value: Any) -> list[str]:
    """A property that may appear once or several times, as a list of its texts."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in values:
        if isinstance(item, icalendar.prop.vCategory):
            found += [str(c) for c in item.cats]
        else:
            found.append(str(item))
    return [t for t in (clean(v) for v in found) if t]


def _moment(path: Path, label: str, component: Any, name: str, zone: ZoneInfo) -> Optional[dt.datetime | dt.date]:
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is None:
        tzid = prop.params.get("TZID")
        if tzid:
            raise ImportFailure(f"{path} : événement {label} : fuseau horaire inconnu « {tzid} » ({name})")
        return value.replace(tzinfo=zone)  # floating time: the edition's own
    return value.astimezone(zone)


def _event(path: Path, component: Any, index: int, zone: ZoneInfo) -> SourceEvent:
    uid = clean(str(component.get("UID") or "")) or f"VEVENT n°{index}"
    title = clean(str(component.get("SUMMARY") or ""))
    event = SourceEvent(uid=uid, title=title or "", days=())
    if not title:
        raise ImportFailure(f"{path} : événement {event.label} : titre (SUMMARY) manquant")
    start = _moment(path, event.label, component, "DTSTART", zone)
    if start is None:
        raise ImportFailure(f"{path} : événement {event.label} : date de début (DTSTART) manquante")
    end = _moment(path, event.label, component, "DTEND", zone)
    if end is None and component.get("DURATION") is not None:
        end = start + component.get("DURATION").dt
    all_day = not isinstance(start, dt.datetime)
    event.days = merge_days(spread(start, end, all_day))
    if len(event.days) > 1:
        event.notes.append(f"sur {len(event.days)} jours : une entrée par jour")

    event.description = clean(str(component.get("DESCRIPTION") or ""))
    organisers = component.get("ORGANIZER")
    for organiser in organisers if isinstance(organisers, list) else [organisers] if organisers else []:
        name = clean(organiser.params.get("CN"))
        if name:
            event.organisers += (name,)
        else:
            event.not_kept += ("ORGANIZER sans nom (CN)",)
    event.keywords = tuple(_texts(component.get("CATEGORIES")))

    location = clean(str(component.get("LOCATION") or ""))
    url = http_url(str(component.get("URL") or ""))
    conference = next((http_url(t) for t in _texts(component.get("CONFERENCE")) if http_url(t)), None)
    online_place = bool(location and looks_online(location))
    event.place = location if location and not online_place else None
    online = conference or (http_url(location) if location else None) or (url if online_place or not location else None)
    event.online_link = online
    if url and url != online:
        event.registration = url
    if event.place and online:
        event.format = MIXED
    elif event.place:
        event.format = ON_SITE
    elif online or online_place:
        event.format = ONLINE

    event.cancelled = str(component.get("STATUS") or "").upper() == "CANCELLED"
    if component.get("RRULE") is not None:
        event.notes.append("règle de répétition (RRULE) non développée : seule la première date est reprise")
    event.not_kept += tuple(sorted(name for name in component if name not in KEPT | SILENT | {"RRULE"}))
    return event
