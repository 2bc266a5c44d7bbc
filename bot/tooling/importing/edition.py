"""Apply imported events to a catalogue document: update the base edition, or build a new one.

Update: an imported event is matched to a base event (`matching.EventIndex`) and updated, else added.
The source is authoritative for what it can say (times, place, link, registration, accessibility,
price, format: a field it no longer gives is removed); title, date and uid are always its own;
description, organisers and topics are replaced only when it gives some. What staff add by hand (kind,
aliases, speakers, people) is kept. Events outside the edition's month and cancelled ones are dropped
(a cancelled one is also removed from the base). Base events absent from the file are kept.

New edition: the events must all fall in one calendar month, which gives year, month and period; the
organiser of the month is the one that organises the most events.

An event spread over several days becomes one entry per day, with the day's date added to its id.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.domain.catalogue.model import DEFAULT_TIMEZONE
from bot.domain.dates import MONTH_NAMES
from bot.domain.text import fold
from bot.tooling.catalogue_yaml import flow_list
from bot.tooling.importing.matching import EventIndex, Registry, Resolution, as_date
from bot.tooling.importing.records import Day, ImportFailure, SourceEvent
from bot.tooling.importing.report import Report
from bot.tooling.importing.texts import slug, title_aliases, unique
from bot.tooling.importing.writing import append_entry, paragraph, quoted, remove_entry, set_field

EDITION_NAME = "Mois de l'innovation publique"
# The kind of an event, from its title: the first of these words it contains, else « événement ».
KINDS = (
    "table ronde",
    "conférence-débat",
    "conférence",
    "webinaire",
    "atelier",
    "hackathon",
    "serious game",
    "formation",
    "séminaire",
    "forum",
    "visite",
    "exposition",
    "présentation",
    "retour d'expérience",
    "rencontre",
    "débat",
)
DEFAULT_KIND = "événement"


@dataclass
class Edition:
    year: int
    month: int
    zone: ZoneInfo

    @property
    def period(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def holds(self, day: dt.date) -> bool:
        return (day.year, day.month) == (self.year, self.month)


def zone_named(name: Any, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFailure(f"{where} : fuseau horaire inconnu « {name} » (exemple : Europe/Paris)") from None


def base_zone(document: CommentedMap, path: Path) -> ZoneInfo:
    month = document.get("month") or {}
    return zone_named(month.get("timezone") or DEFAULT_TIMEZONE, f"{path} : mois, champ « timezone »")


def guess_kind(title: str) -> str:
    folded = f" {fold(title)} "
    return next((kind for kind in KINDS if f" {fold(kind)} " in folded), DEFAULT_KIND)


def new_document(events: list[SourceEvent], source: str, region: str, contact: str, zone: ZoneInfo) -> CommentedMap:
    """An empty edition for the month the (not cancelled) events fall in."""
    months: dict[tuple[int, int], list[str]] = {}
    for event in events:
        if not event.cancelled:
            for day in event.days:
                months.setdefault((day.date.year, day.date.month), []).append(event.title)
    if len(months) != 1:
        found = " ; ".join(
            f"{MONTH_NAMES[m - 1]} {y} : « {titles[0]} »{' et ' + str(len(titles) - 1) + ' autre(s)' if len(titles) > 1 else ''}"
            for (y, m), titles in sorted(months.items())
        )
        raise ImportFailure(
            "une nouvelle édition tient dans un seul mois civil, or les événements sont répartis sur "
            f"{len(months)} mois ({found})"
            if months
            else "aucun événement à importer (tous annulés)"
        )
    ((year, month),) = months
    document = CommentedMap()
    document["source"] = quoted(source)
    document["month"] = CommentedMap(
        [
            ("name", quoted(EDITION_NAME)),
            ("region", quoted(region)),
            ("period", quoted(Edition(year, month, zone).period)),
            ("year", year),
            ("month", month),
            ("organiser", ""),  # set once the organisers are known
            ("timezone", quoted(zone.key)),
        ]
    )
    document["contact"] = CommentedMap([("name", quoted(contact))])
    document["organisers"] = CommentedSeq()
    document["topics"] = CommentedSeq()
    document["events"] = CommentedSeq()
    return document


def apply(
    document: CommentedMap,
    events: list[SourceEvent],
    report: Report,
    zone: ZoneInfo,
    default_organiser: Optional[str],
    reference: Optional[CommentedMap] = None,
) -> None:
    """Update document in place with events, and tell report what happened.

    reference: for a new edition, the catalogue whose organisers and topics are recognised (and copied
    into the new one when its events name them); an update recognises those of the document itself.
    """
    new_edition = reference is not None
    month = document["month"]
    edition = Edition(int(month["year"]), int(month["month"]), zone)
    for key in ("organisers", "topics", "events"):
        if document.get(key) is None:
            document[key] = CommentedSeq()
    known = reference if reference is not None else document
    organisers = Registry.of(
        (str(o["id"]), [str(o.get("name", "")), *map(str, o.get("aliases") or [])])
        for o in known.get("organisers") or []
    )
    topics = Registry.of(
        (str(t["id"]), [str(t.get("label", "")), *map(str, t.get("aliases") or [])]) for t in known.get("topics") or []
    )
    copies = {("organisers", str(e["id"])): e for e in known.get("organisers") or [] if reference is not None} | {
        ("topics", str(e["id"])): e for e in known.get("topics") or [] if reference is not None
    }
    entries: CommentedSeq = document["events"]
    index = EventIndex.of(list(entries))
    touched: set[int] = set()  # positions in the base list, before any removal
    removed: list[int] = []
    organiser_counts: Counter = Counter()

    for event in events:
        ids = _ids(event)
        if event.cancelled:
            found = [index.find(event.uid, ids[d.date], event.title, d.date)[0] for d in event.days]
            removed += [p for p in found if p is not None and p not in removed]
            where = " (retiré du catalogue)" if any(p is not None for p in found) else ""
            report.dropped.append(f"{event.label} : annulé dans la source{where}")
            continue
        days = [d for d in event.days if edition.holds(d.date)]
        for day in event.days:
            if not edition.holds(day.date):
                report.dropped.append(
                    f"{event.label}, {day.date.isoformat()} : hors du mois de l'édition ({edition.period})"
                )
        if not days:
            continue
        organiser_ids = _resolve(event.organisers, organisers, report.organisers, document, "organisers", copies)
        if not organiser_ids:
            if not default_organiser:
                raise ImportFailure(
                    f"événement {event.label} : aucun organisateur dans la source ; indiquez-en un avec --organisateur"
                )
            organiser_ids = _resolve(
                (default_organiser,), organisers, report.organisers, document, "organisers", copies
            )
            report.notes.append(f"{event.label} : sans organisateur dans la source, attribué à « {organiser_ids[0]} »")
        topic_ids = _resolve(event.keywords, topics, report.topics, document, "topics", copies)
        organiser_counts.update(organiser_ids)
        report.notes += [f"{event.label} : {note}" for note in event.notes]
        report.not_kept.update(dict.fromkeys(event.not_kept, 1))
        for day in days:
            position, how = index.find(event.uid, ids[day.date], event.title, day.date)
            if position is not None and position not in removed:
                _update(entries[position], event, day, organiser_ids, topic_ids)
                touched.add(position)
                report.updated.append(f"{entries[position]['id']} : « {event.title} », {day.date.isoformat()} ({how})")
                continue
            taken = {str(e.get("id")) for e in entries}
            entry = _new_entry(unique(ids[day.date], taken), event, day, organiser_ids, topic_ids)
            append_entry(entries, entry)
            report.created.append(f"{entry['id']} : « {event.title} », {day.date.isoformat()}")

    for position in sorted(removed, reverse=True):
        remove_entry(entries, position)
    base_count = len(index.by_id) if not new_edition else 0
    report.untouched = max(0, base_count - len(touched) - len(removed))
    if new_edition:
        if not organiser_counts:
            raise ImportFailure("aucun événement à importer dans le mois de l'édition")
        month["organiser"] = organiser_counts.most_common(1)[0][0]


def _ids(event: SourceEvent) -> dict[dt.date, str]:
    base = slug(event.title)
    if len(event.days) == 1:
        return {event.days[0].date: base}
    return {day.date: f"{base}-{day.date.isoformat()}" for day in event.days}


def _organiser(resolution: Resolution) -> CommentedMap:
    name = resolution.source_name
    return CommentedMap(
        [
            ("id", resolution.id),
            ("name", quoted(name)),
            ("in_sentence", quoted(name)),
            ("aliases", flow_list([quoted(name)])),
        ]
    )


def _topic(resolution: Resolution) -> CommentedMap:
    name = resolution.source_name
    return CommentedMap([("id", resolution.id), ("label", quoted(name)), ("aliases", flow_list([quoted(name)]))])


def _resolve(
    names: tuple[str, ...],
    registry: Registry,
    seen: list[Resolution],
    document: CommentedMap,
    section: str,
    copies: dict[tuple[str, str], CommentedMap],
) -> list[str]:
    """The ids of names; an entry the document lacks is added: created, or copied from the reference."""
    ids: list[str] = []
    for name in names:
        present = {str(e["id"]) for e in document[section]}
        if (section, name) in copies or name in present:
            resolution = Resolution(name, name, name)  # already an id (the default organiser)
        else:
            resolution = registry.resolve(name)
        if resolution.id not in present:
            original = copies.get((section, resolution.id))
            if original is not None:
                entry = CommentedMap((k, copy.deepcopy(v)) for k, v in original.items())
            else:
                entry = (_organiser if section == "organisers" else _topic)(resolution)
            append_entry(document[section], entry)
        if resolution not in seen and resolution.source_name != resolution.id:
            seen.append(resolution)
        if resolution.id not in ids:
            ids.append(resolution.id)
    return ids


def _source_values(event: SourceEvent, day: Day) -> dict[str, Any]:
    values: dict[str, Any] = {
        "start": quoted(day.start.strftime("%H:%M")) if day.start else None,
        "end": quoted(day.end.strftime("%H:%M")) if day.end else None,
        "format": quoted(event.format) if event.format else None,
    }
    for key in ("place", "online_link", "registration", "accessibility", "price"):
        value = getattr(event, key)
        values[key] = quoted(value) if value else None
    return values


def _new_entry(ident: str, event: SourceEvent, day: Day, organisers: list[str], topics: list[str]) -> CommentedMap:
    entry = CommentedMap()
    entry["id"] = ident
    entry["title"] = quoted(event.title)
    entry["date"] = day.date
    entry["organisers"] = flow_list(organisers)
    entry["kind"] = guess_kind(event.title)
    aliases = title_aliases(event.title)
    if aliases:
        entry["aliases"] = flow_list([quoted(name) for name in aliases])
    if topics:
        entry["topics"] = flow_list(topics)
    for key, value in _source_values(event, day).items():
        if value is not None:
            entry[key] = value
    entry["uid"] = quoted(event.uid)
    entry["description"] = paragraph(event.description or event.title)
    return entry


def _update(entry: CommentedMap, event: SourceEvent, day: Day, organisers: list[str], topics: list[str]) -> None:
    entry["title"] = quoted(event.title)
    if as_date(entry.get("date")) != day.date:
        entry["date"] = day.date
    if event.organisers:
        set_field(entry, "organisers", flow_list(organisers))
    if topics:
        set_field(entry, "topics", flow_list(topics))
    for key, value in _source_values(event, day).items():
        if value is not None:
            set_field(entry, key, value)
        elif key in entry:
            del entry[key]
    set_field(entry, "uid", quoted(event.uid))
    if event.description and " ".join(str(entry.get("description", "")).split()) != event.description:
        entry["description"] = paragraph(event.description)
