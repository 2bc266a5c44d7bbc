"""Load data/catalogue.yml into the typed model, refusing anything malformed.

Every problem is reported as a CatalogueError naming the file, the entry and the field, in
French, because the people who edit the catalogue are lab staff, not developers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.domain.catalogue.model import (
    DEFAULT_TIMEZONE,
    Catalogue,
    Contact,
    Event,
    Figure,
    GlossaryEntry,
    Interview,
    InterviewQuestion,
    Month,
    Organiser,
    Person,
    Project,
    Topic,
)
from bot.domain.text import is_web_address

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parents[3] / "data" / "catalogue.yml"

_TIME = re.compile(r"(\d{1,2}):(\d{2})")

T = TypeVar("T")


class CatalogueError(ValueError):
    """A catalogue that cannot be served, with where and why."""

    def __init__(self, path: Path | str, entry: str, field: str, problem: str) -> None:
        self.path, self.entry, self.field, self.problem = str(path), entry, field, problem
        where = f"{entry}, champ « {field} »" if field else entry
        super().__init__(f"{self.path} : {where} : {problem}")


class _Entry:
    """Field accessors for one mapping of the YAML file, raising located errors."""

    def __init__(self, path: Path, label: str, data: Any) -> None:
        self.path, self.label = path, label
        if not isinstance(data, dict):
            raise CatalogueError(path, label, "", "doit être une liste de champs « clé: valeur »")
        self.data = data

    def error(self, field: str, problem: str) -> CatalogueError:
        return CatalogueError(self.path, self.label, field, problem)

    def text(self, field: str, required: bool = True) -> Optional[str]:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error(field, "champ obligatoire manquant ou vide")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.error(field, f"doit être un texte, pas {type(value).__name__}")
        return " ".join(str(value).split())

    def integer(self, field: str, low: int, high: int) -> int:
        value = self.data.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.error(field, f"doit être un entier entre {low} et {high}, pas « {value} »")
        return value

    def text_list(self, field: str, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(field)
        if value is None:
            if required:
                raise self.error(field, "champ obligatoire manquant")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.error(field, "doit être une liste de textes, par exemple [a, b]")
        items = tuple(str(v).strip() for v in value)
        if required and not items:
            raise self.error(field, "la liste ne doit pas être vide")
        if any(not v for v in items):
            raise self.error(field, "contient un élément vide")
        return items

    def date(self, field: str) -> dt.date:
        value = self.data.get(field)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        if not isinstance(value, dt.date):
            raise self.error(field, f"date invalide « {value} » (format attendu : AAAA-MM-JJ)")
        return value

    def time(self, field: str) -> Optional[dt.time]:
        """An optional "HH:MM", local time."""
        value = self.data.get(field)
        if value is None:
            return None
        match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise self.error(field, f"heure invalide « {value} » (format attendu : HH:MM, par exemple 14:30)")
        return dt.time(int(match[1]), int(match[2]))

    def web_address(self, field: str) -> Optional[str]:
        """An optional absolute http(s) address."""
        value = self.text(field, required=False)
        if value is None:
            return None
        if not is_web_address(value):
            raise self.error(field, f"« {value} » n'est pas une adresse web (attendu : https://… ou http://…)")
        return value

    def timezone(self, field: str) -> str:
        """An optional IANA time zone name ("Europe/Paris", the default)."""
        value = self.text(field, required=False) or DEFAULT_TIMEZONE
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise self.error(
                field, f"fuseau horaire « {value} » inconnu (attendu : un nom comme Europe/Paris)"
            ) from None
        return value

    def identifier(self) -> str:
        ident = self.text("id")
        assert ident is not None
        if not all(c.isalnum() or c in "-_" for c in ident) or ident != ident.lower():
            raise self.error("id", f"« {ident} » : minuscules, chiffres et tirets seulement")
        return ident


class _TextDatesLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: dates and times stay text so that a bad one ("2020-13-45") is
    reported by the validator with its entry and field, not by the YAML parser."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# A time of day ("14:30") stays text too: YAML 1.1 would read it as a number in base 60 (870).
for _digit in "0123456789":
    _TextDatesLoader.yaml_implicit_resolvers[_digit] = [
        ("tag:yaml.org,2002:str", re.compile(r"^[0-9]{1,2}:[0-9]{2}$")),
        *_TextDatesLoader.yaml_implicit_resolvers.get(_digit, []),
    ]


def _read_yaml(path: Path) -> dict:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError(path, "fichier", "", "introuvable") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(path, "fichier", "", f"illisible ({exc})") from None
    try:
        data = yaml.load(raw, Loader=_TextDatesLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "fichier"
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError(path, where, "", f"YAML invalide : {problem}") from None
    if not isinstance(data, dict):
        raise CatalogueError(path, "fichier", "", "le fichier doit contenir des sections (month, events…)")
    return data


def _section(
    path: Path, data: dict, name: str, build: Callable[[_Entry], T], label: str, required: bool = True
) -> tuple[T, ...]:
    items = data.get(name)
    if items is None and not required:
        return ()
    if not isinstance(items, list) or (required and not items):
        raise CatalogueError(path, f"section « {name} »", "", "liste obligatoire manquante ou vide")
    built: list[T] = []
    seen: set[str] = set()
    for index, raw in enumerate(items, start=1):
        ident = raw.get("id") if isinstance(raw, dict) else None
        entry = _Entry(path, f"{label} « {ident} »" if ident else f"{label} n°{index}", raw)
        item = build(entry)
        item_id = item.id
        if item_id in seen:
            raise entry.error("id", f"identifiant « {item_id} » déjà utilisé dans « {name} »")
        seen.add(item_id)
        built.append(item)
    return tuple(built)


def _organiser(e: _Entry) -> Organiser:
    return Organiser(e.identifier(), e.text("name"), e.text("in_sentence"), e.text_list("aliases"))  # type: ignore[arg-type]


def _topic(e: _Entry) -> Topic:
    return Topic(e.identifier(), e.text("label"), e.text_list("aliases", required=True))  # type: ignore[arg-type]


def _person(e: _Entry) -> Person:
    return Person(e.identifier(), e.text("name"), e.text("role"), e.text("organisation", False), e.text_list("aliases"))  # type: ignore[arg-type]


def _event(e: _Entry) -> Event:
    return Event(
        id=e.identifier(),
        title=e.text("title"),  # type: ignore[arg-type]
        date=e.date("date"),
        organisers=e.text_list("organisers", required=True),
        description=e.text("description"),  # type: ignore[arg-type]
        kind=e.text("kind"),  # type: ignore[arg-type]
        topics=e.text_list("topics"),
        speakers=e.text_list("speakers"),
        people=e.text_list("people"),
        aliases=e.text_list("aliases"),
        format=e.text("format", required=False),
        **_practical(e),
    )


def _practical(e: _Entry) -> dict[str, Any]:
    """The optional practical fields of an event: time, place, links, access, price."""
    start, end = e.time("start"), e.time("end")
    if end is not None and start is None:
        raise e.error("end", "une heure de fin demande une heure de début (champ « start »)")
    if start is not None and end is not None and end <= start:
        raise e.error("end", f"l'heure de fin ({end:%H:%M}) doit être après l'heure de début ({start:%H:%M})")
    return {
        "start": start,
        "end": end,
        "place": e.text("place", required=False),
        "online_link": e.web_address("online_link"),
        "registration": e.text("registration", required=False),
        "accessibility": e.text("accessibility", required=False),
        "price": e.text("price", required=False),
    }


def _project(e: _Entry) -> Project:
    return Project(
        e.identifier(),
        e.text("name"),
        e.text("kind"),
        e.text("summary"),  # type: ignore[arg-type]
        e.text("benefits", False),
        e.text("owner", False),
        e.text_list("aliases"),
    )


REFERENCE_KINDS = {
    "event": "événement",
    "topic": "thème",
    "organiser": "organisateur",
    "project": "projet",
    "person": "personne",
}


def _reference(e: _Entry, field: str) -> Optional[tuple[str, str]]:
    value = e.data.get(field)
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise e.error(field, "doit être une seule paire « type: id », par exemple {topic: care}")
    ((kind, ident),) = value.items()
    if kind not in REFERENCE_KINDS:
        raise e.error(field, f"type « {kind} » inconnu (possibles : {', '.join(REFERENCE_KINDS)})")
    if not isinstance(ident, str) or not ident.strip():
        raise e.error(field, "l'identifiant doit être un texte")
    return kind, ident.strip()


def _glossary_entry(e: _Entry) -> GlossaryEntry:
    return GlossaryEntry(
        id=e.identifier(),
        label=e.text("label"),  # type: ignore[arg-type]
        definition=e.text("definition"),  # type: ignore[arg-type]
        aliases=e.text_list("aliases", required=True),
        refers_to=_reference(e, "refers_to"),
        events=e.text_list("events"),
        projects=e.text_list("projects"),
    )


def _figure(e: _Entry) -> Figure:
    keywords = e.text_list("keywords", required=True)
    return Figure(e.identifier(), e.text("quote"), keywords, e.text("project", False))  # type: ignore[arg-type]


def _interview_question(e: _Entry) -> InterviewQuestion:
    return InterviewQuestion(e.identifier(), e.text("question"), e.text("answer"), e.text_list("keywords"))  # type: ignore[arg-type]


def _interview(path: Path, data: dict) -> Optional[Interview]:
    if data.get("interview") is None:
        return None
    entry = _Entry(path, "entretien", data["interview"])
    questions = _section(path, entry.data, "questions", _interview_question, "question d'entretien")
    return Interview(entry.text("title"), entry.text("person"), questions)  # type: ignore[arg-type]


def _check_references(path: Path, cat: Catalogue) -> None:
    """Every id an entry points to must exist, and every event must fall in the month."""
    organisers = {o.id for o in cat.organisers}
    topics = {t.id for t in cat.topics}
    people = {p.id for p in cat.people}

    def check(label: str, field: str, ids: tuple[str, ...], known: set[str], what: str) -> None:
        for ref in ids:
            if ref not in known:
                raise CatalogueError(
                    path, label, field, f"{what} « {ref} » inconnu (à déclarer dans la section correspondante)"
                )

    check("mois", "organiser", (cat.month.organiser,), organisers, "organisateur")
    check("mois", "local_actors", cat.month.local_actors, organisers, "organisateur")
    for ev in cat.events:
        label = f"événement « {ev.id} »"
        check(label, "organisers", ev.organisers, organisers, "organisateur")
        check(label, "speakers", ev.speakers, organisers, "organisateur")
        check(label, "topics", ev.topics, topics, "thème")
        check(label, "people", ev.people, people, "personne")
        if (ev.date.year, ev.date.month) != (cat.month.year, cat.month.month):
            raise CatalogueError(
                path, label, "date", f"{ev.date.isoformat()} n'est pas dans le mois {cat.month.period}"
            )
    for person in cat.people:
        if person.organisation:
            check(f"personne « {person.id} »", "organisation", (person.organisation,), organisers, "organisateur")
    for project in cat.projects:
        if project.owner:
            check(f"projet « {project.id} »", "owner", (project.owner,), organisers, "organisateur")
    known = {
        "event": {e.id for e in cat.events},
        "topic": topics,
        "organiser": organisers,
        "project": {p.id for p in cat.projects},
        "person": people,
    }
    for term in cat.glossary:
        label = f"terme « {term.id} »"
        if term.refers_to:
            kind, ident = term.refers_to
            check(label, "refers_to", (ident,), known[kind], REFERENCE_KINDS[kind])
        check(label, "events", term.events, known["event"], "événement")
        check(label, "projects", term.projects, known["project"], "projet")
    for figure in cat.figures:
        if figure.project:
            check(f"chiffre « {figure.id} »", "project", (figure.project,), known["project"], "projet")
    if cat.interview:
        check("entretien", "person", (cat.interview.person,), people, "personne")


def load_catalogue(path: Path | str = DEFAULT_CATALOGUE_PATH) -> Catalogue:
    """Read and validate the catalogue; raise CatalogueError on the first problem found."""
    path = Path(path)
    data = _read_yaml(path)
    month = _Entry(path, "mois", data.get("month"))
    contact = _Entry(path, "contact", data.get("contact"))
    source = _Entry(path, "fichier", data).text("source")
    catalogue = Catalogue(
        source=source,  # type: ignore[arg-type]
        month=Month(
            name=month.text("name"),  # type: ignore[arg-type]
            region=month.text("region"),  # type: ignore[arg-type]
            period=month.text("period"),  # type: ignore[arg-type]
            year=month.integer("year", 2000, 2100),
            month=month.integer("month", 1, 12),
            organiser=month.text("organiser"),  # type: ignore[arg-type]
            theme=month.text("theme", required=False),
            format=month.text("format", required=False),
            purpose=month.text("purpose", required=False),
            local_actors=month.text_list("local_actors"),
            timezone=month.timezone("timezone"),
        ),
        contact=Contact(contact.text("name"), contact.text("note", False) or ""),  # type: ignore[arg-type]
        organisers=_section(path, data, "organisers", _organiser, "organisateur"),
        topics=_section(path, data, "topics", _topic, "thème"),
        events=_section(path, data, "events", _event, "événement"),
        people=_section(path, data, "people", _person, "personne", required=False),
        projects=_section(path, data, "projects", _project, "projet", required=False),
        glossary=_section(path, data, "glossary", _glossary_entry, "terme", required=False),
        figures=_section(path, data, "figures", _figure, "chiffre", required=False),
        interview=_interview(path, data),
    )
    _check_references(path, catalogue)
    return catalogue
