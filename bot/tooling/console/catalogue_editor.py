"""The catalogue editor: events, organisers, topics and glossary terms of data/catalogue.yml, by forms.

  GET       /catalogue                                  the entries, with the catalogue's state (valid or not)
  GET/POST  /catalogue/<type>/nouveau                   add an entry (type: evenements, organisateurs,
  GET/POST  /catalogue/<type>/<id>/modifier             themes, glossaire); edit one
  GET       /catalogue/versions                         the saved versions (who, when, what)
  GET       /catalogue/versions/<version>               what going back to it would change (diff)
  GET/POST  /catalogue/versions/<version>/restaurer     confirm, then go back to it (as a new version)

A save changes the YAML document read with ruamel.yaml (comments, order and quotes kept), then runs the
project's own validator (load_catalogue) on the whole catalogue before anything is written: an invalid
catalogue is never written, and the form comes back with what the user typed and the field in error.
A valid one replaces the file atomically, and the running bot reloads it live (bot/domain/catalogue/live.py).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from aiohttp import web
from multidict import MultiDictProxy
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.domain.catalogue import CatalogueError, load_catalogue
from bot.tooling.catalogue_yaml import flow_list, folded
from bot.tooling.console.catalogue_versions import CatalogueVersions, Version, diff_lines, write_atomically
from bot.tooling.console.context import PROJECT, SETTINGS, audited, current_user
from bot.tooling.console.rendering import notify, redirect, render

routes = web.RouteTableDef()

MAX_VALIDATION_ROUNDS = 12  # each round finds one more field in error
FormValue = Union[str, list[str]]


@dataclass(frozen=True)
class Field:
    key: str  # the YAML key, as the loader reads it
    label: str
    widget: str  # text, textarea, date, lines (one item a line), choices (checkboxes), reference (select)
    required: bool = False
    hint: str = ""
    choices: str = ""  # the section whose ids are offered (choices)
    quoted: bool = False  # written "between double quotes", like the file's names and titles

    @property
    def html_id(self) -> str:
        return f"champ-{self.key}"


@dataclass(frozen=True)
class EntryKind:
    slug: str  # in the URL
    section: str  # the YAML section
    label: str  # how the validator names one entry: « événement « id » »
    title: str
    add_label: str
    fields: tuple[Field, ...]


IDENTIFIER = Field(
    "id",
    "Identifiant",
    "text",
    required=True,
    hint="Minuscules, chiffres et tirets, par exemple hackathon-donnees. Il ne pourra plus être changé.",
)
ALIASES_HINT = "Un par ligne : les mots que le public peut employer pour en parler."

KINDS = {
    kind.slug: kind
    for kind in (
        EntryKind(
            "evenements",
            "events",
            "événement",
            "Événements",
            "Ajouter un événement",
            (
                Field("title", "Titre", "text", required=True, quoted=True),
                Field("date", "Date", "date", required=True),
                Field("organisers", "Organisateurs", "choices", required=True, choices="organisers"),
                Field("speakers", "Intervenants", "choices", choices="organisers"),
                Field("people", "Personnes citées", "choices", choices="people"),
                Field("kind", "Type d'événement", "text", required=True, hint="Par exemple : atelier, présentation."),
                Field(
                    "format",
                    "Format",
                    "text",
                    hint="À distance, en présentiel… Laisser vide si le dossier de presse ne le dit pas.",
                ),
                Field(
                    "start",
                    "Heure de début",
                    "text",
                    quoted=True,
                    hint="HH:MM, heure locale, par exemple 14:00. Laisser vide si la source ne la donne pas.",
                ),
                Field("end", "Heure de fin", "text", quoted=True, hint="HH:MM, après l'heure de début. Facultative."),
                Field(
                    "place",
                    "Lieu",
                    "text",
                    quoted=True,
                    hint="Salle, adresse. Laisser vide si la source ne le dit pas.",
                ),
                Field("online_link", "Lien de connexion", "text", hint="Une adresse web complète : https://…"),
                Field(
                    "registration",
                    "Inscription",
                    "text",
                    quoted=True,
                    hint="Une adresse web, ou la marche à suivre : sur inscription auprès de…",
                ),
                Field("accessibility", "Accessibilité", "text", quoted=True),
                Field("price", "Tarif", "text", quoted=True, hint="Par exemple : Gratuit, 10 €."),
                Field("topics", "Thèmes", "choices", choices="topics"),
                Field("aliases", "Autres noms de l'événement", "lines", hint=ALIASES_HINT),
                Field("description", "Description", "textarea", required=True),
            ),
        ),
        EntryKind(
            "organisateurs",
            "organisers",
            "organisateur",
            "Organisateurs",
            "Ajouter un organisateur",
            (
                Field("name", "Nom", "text", required=True, quoted=True),
                Field(
                    "in_sentence",
                    "Nom dans une phrase",
                    "text",
                    required=True,
                    quoted=True,
                    hint="Avec son article, tel qu'il s'écrit après « organisé par » : le SGAR Pays de la Loire.",
                ),
                Field("aliases", "Autres noms", "lines", hint=ALIASES_HINT),
            ),
        ),
        EntryKind(
            "themes",
            "topics",
            "thème",
            "Thèmes",
            "Ajouter un thème",
            (
                Field(
                    "label",
                    "Libellé",
                    "text",
                    required=True,
                    quoted=True,
                    hint="Avec son article : la comptabilité CARE.",
                ),
                Field("aliases", "Mots du thème", "lines", required=True, hint=ALIASES_HINT),
            ),
        ),
        EntryKind(
            "glossaire",
            "glossary",
            "terme",
            "Glossaire",
            "Ajouter un terme",
            (
                Field(
                    "label",
                    "Terme",
                    "text",
                    required=True,
                    quoted=True,
                    hint="Avec son article, tel qu'il commence une phrase : la comptabilité CARE.",
                ),
                Field(
                    "definition",
                    "Définition",
                    "textarea",
                    required=True,
                    quoted=True,
                    hint="Les mots du dossier de presse.",
                ),
                Field("refers_to", "Entrée du catalogue désignée par le terme", "reference"),
                Field("events", "Événements qui en parlent", "choices", choices="events"),
                Field("projects", "Projets qui en parlent", "choices", choices="projects"),
                Field("aliases", "Façons de dire le terme", "lines", required=True, hint=ALIASES_HINT),
            ),
        ),
    )
}
KIND_PATTERN = "|".join(KINDS)
# refers_to: the kinds of entry a term may name (the loader's REFERENCE_KINDS), with their sections.
REFERENCE_SECTIONS = {
    "event": ("events", "Événements"),
    "topic": ("topics", "Thèmes"),
    "organiser": ("organisers", "Organisateurs"),
    "project": ("projects", "Projets"),
    "person": ("people", "Personnes"),
}
# How an entry is named in the list and the choices: its first field among these.
NAME_KEYS = ("title", "name", "label")


@dataclass
class FieldError:
    field: Optional[Field]  # None: a problem elsewhere in the catalogue
    message: str


@dataclass
class EntryForm:
    kind: EntryKind
    ident: str  # empty for a new entry until its form is sent
    is_new: bool
    values: dict[str, FormValue]
    errors: list[FieldError] = field(default_factory=list)

    @property
    def fields(self) -> tuple[Field, ...]:
        return (IDENTIFIER, *self.kind.fields) if self.is_new else self.kind.fields

    @property
    def field_errors(self) -> dict[str, str]:
        return {e.field.key: e.message for e in self.errors if e.field}

    @property
    def action(self) -> str:
        if self.is_new:
            return f"/catalogue/{self.kind.slug}/nouveau"
        return f"/catalogue/{self.kind.slug}/{self.ident}/modifier"


# ------------------------------------------------------------------ the YAML document


def yaml_io() -> YAML:
    """Round-trip ruamel.yaml set like the file: reading then writing it unchanged gives the same bytes."""
    emitter = YAML()
    emitter.allow_unicode = True
    emitter.preserve_quotes = True
    emitter.width = 4096
    emitter.indent(mapping=2, sequence=4, offset=2)
    return emitter


def catalogue_path(request: web.Request) -> Path:
    """The file the running bot reads: MOIS_CATALOGUE when set, else data/catalogue.yml of the project."""
    settings = request.app[SETTINGS]
    return settings.catalogue_path if settings.mois_catalogue else request.app[PROJECT].catalogue


def versions(request: web.Request) -> CatalogueVersions:
    return CatalogueVersions(request.app[PROJECT].root / "var" / "catalogue-versions")


def parse(text: str) -> CommentedMap:
    document = yaml_io().load(text)
    if not isinstance(document, CommentedMap):
        raise web.HTTPConflict(text="Le catalogue ne contient pas de sections (month, events…) : corrigez le fichier.")
    return document


def read_document(path: Path) -> tuple[str, CommentedMap]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, parse(text)
    except (OSError, YAMLError) as exc:
        problem = " ".join(str(exc).split())[:300]
        raise web.HTTPConflict(text=f"Catalogue illisible ({path.name}) : {problem}") from exc


def dump(document: CommentedMap) -> str:
    stream = io.StringIO()
    yaml_io().dump(document, stream)
    return stream.getvalue()


def section(document: CommentedMap, name: str) -> list:
    entries = document.get(name)
    return entries if isinstance(entries, list) else []


def find_entry(document: CommentedMap, kind: EntryKind, ident: str) -> Optional[CommentedMap]:
    return next((e for e in section(document, kind.section) if isinstance(e, dict) and str(e.get("id")) == ident), None)


def entry_name(entry: Any) -> str:
    if not isinstance(entry, dict):
        return ""
    return " ".join(str(next((entry[k] for k in NAME_KEYS if entry.get(k)), "")).split())


def options(document: CommentedMap, section_name: str) -> list[tuple[str, str]]:
    """(id, name) of a section's entries, for checkboxes and selects."""
    return [(str(e["id"]), entry_name(e)) for e in section(document, section_name) if isinstance(e, dict) and "id" in e]


def month_start(document: CommentedMap) -> Optional[dt.date]:
    month = document.get("month")
    try:
        return dt.date(int(month["year"]), int(month["month"]), 1)
    except (TypeError, KeyError, ValueError):
        return None


# ------------------------------------------------------------------ between the form and the YAML


def one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def form_values(kind: EntryKind, entry: Optional[dict]) -> dict[str, FormValue]:
    """What the form shows for an entry of the file (empty fields for a new one)."""
    entry = entry or {}
    values: dict[str, FormValue] = {"id": one_line(entry.get("id"))}
    for spec in kind.fields:
        value = entry.get(spec.key)
        if spec.widget == "choices":
            values[spec.key] = [str(v) for v in value] if isinstance(value, list) else []
        elif spec.widget == "lines":
            values[spec.key] = "\n".join(str(v) for v in value) if isinstance(value, list) else one_line(value)
        elif spec.widget == "reference":
            values[spec.key] = ":".join(str(p) for p in next(iter(value.items()))) if isinstance(value, dict) else ""
        elif spec.widget == "date" and isinstance(value, dt.date):
            values[spec.key] = value.isoformat()
        else:
            values[spec.key] = one_line(value)
    return values


def submitted_values(kind: EntryKind, form: MultiDictProxy) -> dict[str, FormValue]:
    """What the user sent, as typed (lines keep their line breaks)."""
    values: dict[str, FormValue] = {"id": str(form.get("id", "")).strip()}
    for spec in kind.fields:
        if spec.widget == "choices":
            values[spec.key] = [str(v) for v in form.getall(spec.key, [])]
        else:
            values[spec.key] = str(form.get(spec.key, "")).replace("\r\n", "\n")
    return values


def yaml_value(spec: Field, value: FormValue, old: Any) -> Any:
    """The YAML node for a submitted value; None removes an optional field. Nothing is judged here:
    an empty required field stays empty, so that the catalogue's validator names it."""
    if spec.widget == "choices":
        chosen = list(value)
        kept = [str(v) for v in old if str(v) in chosen] if isinstance(old, list) else []
        chosen = kept + [v for v in chosen if v not in kept]
        return flow_list(chosen) if chosen or spec.required else None
    if spec.widget == "lines":
        items = [line.strip() for line in str(value).splitlines() if line.strip()]
        return flow_list(items) if items or spec.required else None
    if spec.widget == "reference":
        kind, _, ident = str(value).partition(":")
        if not ident:
            return None
        reference = CommentedMap([(kind, ident)])
        reference.fa.set_flow_style()
        return reference
    text = one_line(value)
    if spec.widget == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if not text:
        return "" if spec.required else None
    if spec.widget == "textarea" and not spec.quoted:
        return folded(text)
    return DoubleQuotedScalarString(text) if spec.quoted else text


def unchanged(spec: Field, node: Any, old: Any) -> bool:
    if isinstance(node, list) or isinstance(old, list):
        return isinstance(node, list) and isinstance(old, list) and [str(v) for v in node] == [str(v) for v in old]
    if isinstance(node, dict) or isinstance(old, dict):
        return isinstance(node, dict) and isinstance(old, dict) and dict(node) == dict(old)
    if node is None or old is None:
        return node is None and old is None
    return one_line(node) == one_line(old)


def set_field(entry: CommentedMap, kind: EntryKind, spec: Field, node: Any) -> None:
    """Change one field, keeping the entry's key order: a new key goes where the form lists it."""
    if node is None:
        if spec.key in entry:
            del entry[spec.key]
        return
    if spec.key in entry:
        entry[spec.key] = node
        return
    later = [f.key for f in kind.fields[kind.fields.index(spec) + 1 :]]
    position = next((i for i, key in enumerate(entry) if key in later), len(entry))
    entry.insert(position, spec.key, node)


def apply_values(entry: CommentedMap, kind: EntryKind, values: dict[str, FormValue]) -> None:
    for spec in kind.fields:
        old = entry.get(spec.key)
        node = yaml_value(spec, values[spec.key], old)
        if not unchanged(spec, node, old):
            set_field(entry, kind, spec, node)


def append_entry(entries: CommentedSeq, entry: CommentedMap) -> None:
    """A new entry at the end of its section; the blank line or comment that closed the section moves after it."""
    if entries and isinstance(entries[-1], CommentedMap) and len(entries[-1]):
        last = entries[-1]
        last_key = list(last)[-1]
        trailing = last.ca.items.get(last_key)
        if trailing and len(trailing) > 2 and trailing[2] is not None:
            entry.ca.items[list(entry)[-1]] = [None, None, trailing[2], None]
            trailing[2] = None
    entries.append(entry)


def new_entry(kind: EntryKind, ident: str) -> CommentedMap:
    entry = CommentedMap()
    entry["id"] = ident
    for spec in kind.fields:
        entry[spec.key] = "" if spec.required else None
    return entry


def drop_empty(entry: CommentedMap) -> None:
    for key in [k for k, v in entry.items() if v is None]:
        del entry[key]


# ------------------------------------------------------------------ validation


def validation_error(text: str) -> Optional[CatalogueError]:
    """The project's validator on the whole catalogue, as it would be written."""
    with tempfile.TemporaryDirectory(prefix="catalogue-") as directory:
        candidate = Path(directory) / "catalogue.yml"
        candidate.write_text(text, encoding="utf-8")
        try:
            load_catalogue(candidate)
        except CatalogueError as exc:
            return exc
    return None


def entry_labels(kind: EntryKind, ident: str, position: int) -> set[str]:
    """How the validator names the edited entry (by its id, or by its rank when it has none)."""
    return {f"{kind.label} « {ident} »", f"{kind.label} n°{position}"}


def placeholder(spec: Field, document: CommentedMap, kind: EntryKind) -> Any:
    """A value the validator accepts, put in place of a field in error to look for the next error."""
    if not spec.required:
        return None
    if spec.key == "id":
        return f"provisoire-{kind.slug}"
    if spec.widget == "date":
        return month_start(document) or ""
    if spec.widget == "choices":
        return flow_list([ident for ident, _ in options(document, spec.choices)[:1]])
    if spec.widget == "lines":
        return flow_list(["provisoire"])
    return "provisoire"


def general_message(error: CatalogueError) -> str:
    where = f"{error.entry}, champ « {error.field} »" if error.field else error.entry
    return f"{where} : {error.problem}"


def find_errors(
    document: CommentedMap, entry: CommentedMap, form: EntryForm, first: CatalogueError
) -> list[FieldError]:
    """Every field of the entry in error, not only the first one: each is replaced in a scratch copy by a
    valid value and the whole catalogue validated again, until it passes or the problem lies elsewhere."""
    scratch = parse(dump(document))  # a copy.deepcopy of a ruamel document loses its comments' positions
    entries = section(scratch, form.kind.section)
    position = next(i for i, e in enumerate(section(document, form.kind.section)) if e is entry)
    fields = {spec.key: spec for spec in form.fields}
    errors: list[FieldError] = []
    error: Optional[CatalogueError] = first
    for _ in range(MAX_VALIDATION_ROUNDS):
        if error is None:
            break
        ident = str(entries[position].get("id", ""))
        spec = fields.get(error.field)
        if (
            error.entry not in entry_labels(form.kind, ident, position + 1)
            or spec is None
            or spec.key in {e.field.key for e in errors if e.field}
        ):
            errors.append(FieldError(None, general_message(error)))
            break
        errors.append(FieldError(spec, error.problem))
        entries[position][spec.key] = placeholder(spec, scratch, form.kind)
        drop_empty(entries[position])
        error = validation_error(dump(scratch))
    order = {spec.key: index for index, spec in enumerate(form.fields)}
    return sorted(errors, key=lambda e: order[e.field.key] if e.field else len(order))


# ------------------------------------------------------------------ pages


def kind_of(request: web.Request) -> EntryKind:
    return KINDS[request.match_info["kind"]]


def choice_lists(document: CommentedMap) -> dict[str, list[tuple[str, str]]]:
    sections = {"organisers", "topics", "people", "events", "projects"}
    return {name: options(document, name) for name in sections}


def reference_groups(document: CommentedMap) -> list[tuple[str, list[tuple[str, str]]]]:
    """The select of refers_to: one group per kind, values « kind:id »."""
    return [
        (title, [(f"{kind}:{ident}", name) for ident, name in options(document, name_of_section)])
        for kind, (name_of_section, title) in REFERENCE_SECTIONS.items()
    ]


async def show_form(request: web.Request, form: EntryForm, document: CommentedMap, status: int = 200) -> web.Response:
    start = month_start(document)
    return await render(
        request,
        "catalogue_formulaire.html",
        status=status,
        form=form,
        choices=choice_lists(document),
        references=reference_groups(document),
        month_hint=f"Dans le mois du catalogue : {one_line(document['month'].get('period'))}." if start else "",
    )


@routes.get("/catalogue")
async def catalogue_page(request: web.Request) -> web.Response:
    path = catalogue_path(request)
    text, document = read_document(path)
    error = validation_error(text)
    tables = [
        (kind, [(str(e.get("id", "")), e) for e in section(document, kind.section) if isinstance(e, dict)])
        for kind in KINDS.values()
    ]
    return await render(
        request,
        "catalogue.html",
        tables=tables,
        problem=general_message(error) if error else "",
        entry_name=entry_name,
        one_line=one_line,
    )


@routes.get(r"/catalogue/{kind:" + KIND_PATTERN + "}/nouveau")
async def new_entry_page(request: web.Request) -> web.Response:
    kind = kind_of(request)
    _, document = read_document(catalogue_path(request))
    return await show_form(request, EntryForm(kind, "", True, form_values(kind, None)), document)


@routes.get(r"/catalogue/{kind:" + KIND_PATTERN + "}/{ident}/modifier")
async def edit_entry_page(request: web.Request) -> web.Response:
    kind, ident = kind_of(request), request.match_info["ident"]
    _, document = read_document(catalogue_path(request))
    entry = find_entry(document, kind, ident)
    if entry is None:
        raise web.HTTPNotFound(text=f"Aucun {kind.label} « {ident} » dans le catalogue.")
    return await show_form(request, EntryForm(kind, ident, False, form_values(kind, entry)), document)


@routes.post(r"/catalogue/{kind:" + KIND_PATTERN + "}/nouveau")
async def add_entry(request: web.Request) -> web.StreamResponse:
    kind = kind_of(request)
    values = submitted_values(kind, await request.post())
    return await save_entry(request, EntryForm(kind, str(values["id"]), True, values))


@routes.post(r"/catalogue/{kind:" + KIND_PATTERN + "}/{ident}/modifier")
async def change_entry(request: web.Request) -> web.StreamResponse:
    kind, ident = kind_of(request), request.match_info["ident"]
    values = submitted_values(kind, await request.post())
    values["id"] = ident
    return await save_entry(request, EntryForm(kind, ident, False, values))


async def save_entry(request: web.Request, form: EntryForm) -> web.StreamResponse:
    path = catalogue_path(request)
    before, document = read_document(path)
    kind = form.kind
    if form.is_new:
        entries = document.get(kind.section)
        if not isinstance(entries, CommentedSeq):
            entries = document[kind.section] = CommentedSeq()
        entry = new_entry(kind, form.ident)
        apply_values(entry, kind, form.values)
        drop_empty(entry)
        append_entry(entries, entry)
    else:
        found = find_entry(document, kind, form.ident)
        if found is None:
            raise web.HTTPNotFound(text=f"Aucun {kind.label} « {form.ident} » dans le catalogue.")
        entry = found
        apply_values(entry, kind, form.values)
    after = dump(document)
    error = validation_error(after)
    if error is not None:
        form.errors = find_errors(document, entry, form, error)
        return await show_form(request, form, document, status=422)
    what = f"{kind.label} {form.ident} {'ajouté' if form.is_new else 'modifié'}"
    if after == before:
        await notify(request, "Aucune modification : le catalogue n'a pas changé.", "info")
        return redirect("/catalogue")
    write_version(request, path, before, after, what)
    await notify(
        request,
        f"{kind.label.capitalize()} « {form.ident} » enregistré. Le bot en service l'utilise déjà ; pour qu'il "
        "reconnaisse de nouveaux noms dans les questions, lancez un entraînement.",
    )
    return redirect("/catalogue")


def write_version(request: web.Request, path: Path, before: str, after: str, what: str) -> None:
    """Keep the file as it was and as it becomes, write it atomically (the bot reloads it), audit."""
    history = versions(request)
    history.keep_current(before)
    write_atomically(path, after)
    history.record(after, current_user(request).name, what)
    audited(request, "catalogue", what)


def version_of(request: web.Request) -> Version:
    version = versions(request).get(request.match_info["version"])
    if version is None:
        raise web.HTTPNotFound(text="Cette version du catalogue n'existe pas.")
    return version


@routes.get("/catalogue/versions")
async def versions_page(request: web.Request) -> web.Response:
    history = versions(request)
    path = catalogue_path(request)
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    listed = history.all()
    current_id = next((v.id for v in listed if history.content(v) == current), "")
    return await render(request, "catalogue_versions.html", versions=listed, current_id=current_id)


@routes.get("/catalogue/versions/{version}")
async def version_diff_page(request: web.Request) -> web.Response:
    version = version_of(request)
    current = catalogue_path(request).read_text(encoding="utf-8")
    lines = diff_lines(current, versions(request).content(version))
    return await render(request, "catalogue_diff.html", version=version, lines=lines)


@routes.get("/catalogue/versions/{version}/restaurer")
async def restore_confirmation_page(request: web.Request) -> web.Response:
    version = version_of(request)
    current = catalogue_path(request).read_text(encoding="utf-8")
    lines = diff_lines(current, versions(request).content(version))
    changed = sum(1 for line in lines if line.kind in ("added", "removed"))
    return await render(request, "catalogue_restaurer.html", version=version, changed=changed)


@routes.post("/catalogue/versions/{version}/restaurer")
async def restore_version(request: web.Request) -> web.StreamResponse:
    version = version_of(request)
    path = catalogue_path(request)
    before = path.read_text(encoding="utf-8")
    restored = versions(request).content(version)
    error = validation_error(restored)
    if error is not None:
        await notify(
            request, f"Cette version n'est pas valide, elle n'a pas été rétablie : {general_message(error)}", "error"
        )
        return redirect(f"/catalogue/versions/{version.id}")
    if restored == before:
        await notify(request, "Le catalogue est déjà dans cet état : rien n'a changé.", "info")
        return redirect("/catalogue/versions")
    write_version(request, path, before, restored, f"retour à la version du {version.when} ({version.who})")
    await notify(request, f"Le catalogue est revenu à la version du {version.when}. Le bot en service l'utilise déjà.")
    return redirect("/catalogue/versions")
