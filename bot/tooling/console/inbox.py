"""The inbox of real conversations, one conversation as a chat, and annotating one of its messages.

  GET  /conversations                                  filters (channel, day, fallback, confidence, passage)
  GET  /conversations/{sender}                         the conversation, intent and confidence per message
  GET  /conversations/{sender}/messages/{n}/annoter    the annotation form of the n-th user message
  POST /conversations/{sender}/messages/{n}/annoter    saved through the staff import (bot/tooling/staff/review.py)

The annotated phrase is the message itself with entities in Rasa's inline syntax, `[texte](entite)`:
annotate.js writes it from a selection, and without JavaScript staff type it in the same field.
The descriptions of intents and entities come from the tables of docs/conventions-nlu.md, the
conventions the training data follows: one text for authors of data and for the console.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import quote, urlencode

import yaml
from aiohttp import web

from bot.tooling.console.context import PROJECT, audited
from bot.tooling.console.conversations import (
    CHANNEL_LABELS,
    Conversation,
    Filters,
    UserTurn,
    local_time,
    read_conversations,
)
from bot.tooling.console.database import database_url
from bot.tooling.console.rendering import notify, redirect, render
from bot.tooling.staff.changes import domain_intents
from bot.tooling.staff.project import Project
from bot.tooling.staff.review import annotate, import_examples, one_line, plain_text

routes = web.RouteTableDef()

PAGE_SIZE = 50
CONVENTIONS = "docs/conventions-nlu.md"
# A row of the intents' or entities' table: | `name` | what it is | examples |
CONVENTION_ROW = re.compile(r"^\|\s*`([a-z_]+)`\s*\|\s*([^|]+?)\s*\|", re.MULTILINE)
# `[surface](entity)` or `[surface]{"entity": …, "value": …}`, as Rasa reads them.
ENTITY_ANNOTATION = re.compile(r"\[([^\[\]]*)\](?:\(([^()]*)\)|(\{[^{}]*\}))")
TRAINING_NOTICE = "Exemple ajouté : il sera appris au prochain entraînement."
DEVELOPMENT_NOTICE = (
    "Exemple ajouté aux tests (jeu de développement) : il mesurera les prochains entraînements, sans y être appris."
)


# ---------------------------------------------------------------- the inbox


@dataclass
class InboxQuery:
    """The filters as typed (kept in the form), the ones that apply, and a French error per field."""

    values: dict[str, str]
    filters: Filters
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)


def parse_confidence(text: str) -> float:
    """« 0,7 » or « 0.7 », between 0 and 1; ValueError otherwise."""
    value = float(text.replace(",", ".").strip())
    if not 0 <= value <= 1 or math.isnan(value):
        raise ValueError(text)
    return value


def inbox_query(query: dict[str, str]) -> InboxQuery:
    values = {name: query.get(name, "").strip() for name in ("canal", "jour", "repli", "confiance", "passage")}
    errors: dict[str, str] = {}
    channel = values["canal"] if values["canal"] in CHANNEL_LABELS else ""
    if values["canal"] and not channel:
        errors["canal"] = "Canal : choisissez la page web, les agents ou l'API REST."
    day = None
    if values["jour"]:
        try:
            day = dt.date.fromisoformat(values["jour"])
        except ValueError:
            errors["jour"] = "Date : saisissez une date au format AAAA-MM-JJ, par exemple 2020-11-19."
    below = None
    if values["confiance"]:
        try:
            below = parse_confidence(values["confiance"])
        except ValueError:
            errors["confiance"] = "Confiance inférieure à : saisissez un nombre entre 0 et 1, par exemple 0,7."
    try:
        page = max(1, int(query.get("page", "1")))
    except ValueError:
        page = 1
    filters = Filters(channel, day, values["repli"] == "oui", below, values["passage"] == "oui")
    return InboxQuery(values, filters, page, errors)


async def conversations_of(project: Project, sender: Optional[str] = None) -> list[Conversation]:
    """Read off the event loop: the store may be large, or a database server."""
    source = database_url(project.tracker_db)
    return await asyncio.get_running_loop().run_in_executor(None, read_conversations, source, sender)


def conversation_path(sender: str) -> str:
    return "/conversations/" + quote(sender, safe="")


def page_link(values: dict[str, str], page: int) -> str:
    kept = {name: value for name, value in values.items() if value}
    return "/conversations?" + urlencode({**kept, "page": page})


@routes.get("/conversations")
async def inbox(request: web.Request) -> web.Response:
    query = inbox_query(dict(request.query))
    found = [c for c in await conversations_of(request.app[PROJECT]) if query.filters.keep(c)]
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page = min(query.page, pages)
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return await render(
        request,
        "conversations.html",
        status=400 if query.errors else 200,
        conversations=shown,
        matching=len(found),
        page=page,
        pages=pages,
        previous=page_link(query.values, page - 1) if page > 1 else "",
        next=page_link(query.values, page + 1) if page < pages else "",
        values=query.values,
        errors=query.errors,
        channels=CHANNEL_LABELS,
        local_time=local_time,
        conversation_path=conversation_path,
    )


# ---------------------------------------------------------------- one conversation


async def one_conversation(request: web.Request) -> Conversation:
    sender = request.match_info["sender"]
    found = await conversations_of(request.app[PROJECT], sender)
    if not found:
        raise web.HTTPNotFound(text="Cette conversation n'existe pas (ou plus) dans la base des conversations.")
    return found[0]


def turn_of(conversation: Conversation, number: str) -> UserTurn:
    """The n-th user message (from 1), or a French 404."""
    index = int(number) - 1 if number.isdigit() else -1
    if not 0 <= index < len(conversation.turns):
        raise web.HTTPNotFound(text="Ce message n'existe pas dans cette conversation.")
    return conversation.turns[index]


@routes.get("/conversations/{sender}")
async def conversation_page(request: web.Request) -> web.Response:
    conversation = await one_conversation(request)
    return await render(
        request,
        "conversations_detail.html",
        conversation=conversation,
        path=conversation_path(conversation.sender),
        channels=CHANNEL_LABELS,
        local_time=local_time,
        story_link="/histoires/nouvelle?" + urlencode({"conversation": conversation.sender}),
    )


# ---------------------------------------------------------------- annotate


def convention_descriptions(project: Project) -> dict[str, str]:
    """name -> « what the person asks » / « what the entity names », from the tables of the conventions."""
    path = project.root / CONVENTIONS
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return {name: _plain(description) for name, description in CONVENTION_ROW.findall(text)}


def _plain(description: str) -> str:
    """Without the notes in code for authors of data (« (aliases des `events`) ») nor Markdown."""
    return re.sub(r"\s*\([^()]*`[^()]*\)", "", description).replace("`", "")


def domain_entities(project: Project) -> list[str]:
    domain = yaml.safe_load(project.domain.read_text(encoding="utf-8")) or {}
    return [e if isinstance(e, str) else next(iter(e)) for e in domain.get("entities") or []]


def shown_message(turn: UserTurn) -> str:
    """The message as it would be learnt: masked, one line, square brackets made round (review.py)."""
    return annotate(turn.text, [])


def annotation_errors(example: str, message: str, entities: list[str]) -> list[str]:
    """What is wrong with an annotated phrase of `message`, in French; empty when it can be saved."""
    if not example:
        return ["Exemple annoté : ce champ est vide ; recopiez le message, avec ses entités entre crochets."]
    errors = []
    for surface, name, value in ENTITY_ANNOTATION.findall(example):
        if value and not _entity_object(value, entities):
            errors.append(f"Exemple annoté : « {surface} » : {value} n'est pas une entité valide.")
        elif not value and not name.strip():
            errors.append(f"Exemple annoté : « {surface} » : type d'entité manquant entre les parenthèses.")
        elif not value and name not in entities:
            errors.append(
                f"Exemple annoté : « {surface} » : type d'entité inconnu « {name} » ; "
                f"types possibles : {', '.join(entities)}."
            )
    rest = ENTITY_ANNOTATION.sub("", example)
    if any(c in rest for c in "[]"):
        errors.append(
            "Exemple annoté : crochet sans type d'entité ; écrivez [texte](entite), par exemple [serious game](event)."
        )
    elif one_line(plain_text(example)) != message:
        errors.append(
            "Exemple annoté : sans les crochets, le texte doit rester celui du message ; "
            "seules les entités s'ajoutent, entre crochets."
        )
    return errors


def _entity_object(value: str, entities: list[str]) -> bool:
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        return False
    return isinstance(parsed, dict) and parsed.get("entity") in entities and set(parsed) <= {"entity", "value"}


@dataclass
class AnnotationForm:
    intent: str
    example: str
    development: bool
    errors: dict[str, list[str]] = field(default_factory=dict)


async def annotation_page(
    request: web.Request, conversation: Conversation, number: str, form: AnnotationForm, status: int = 200
) -> web.Response:
    project = request.app[PROJECT]
    descriptions = convention_descriptions(project)
    turn = turn_of(conversation, number)
    return await render(
        request,
        "annoter.html",
        status=status,
        conversation=conversation,
        turn=turn,
        number=number,
        message=shown_message(turn),
        intents=[(name, descriptions.get(name, "")) for name in domain_intents(project)],
        entities=[(name, descriptions.get(name, "")) for name in domain_entities(project)],
        form=form,
        path=conversation_path(conversation.sender),
        local_time=local_time,
    )


@routes.get("/conversations/{sender}/messages/{number}/annoter")
async def annotation_form(request: web.Request) -> web.Response:
    conversation = await one_conversation(request)
    turn = turn_of(conversation, request.match_info["number"])
    form = AnnotationForm(turn.intent or "", annotate(turn.text, turn.entities), development=False)
    return await annotation_page(request, conversation, request.match_info["number"], form)


@routes.post("/conversations/{sender}/messages/{number}/annoter")
async def save_annotation(request: web.Request) -> web.StreamResponse:
    conversation = await one_conversation(request)
    number = request.match_info["number"]
    turn = turn_of(conversation, number)
    project = request.app[PROJECT]
    posted = await request.post()
    form = AnnotationForm(
        str(posted.get("intention", "")).strip(),
        one_line(str(posted.get("exemple", ""))),
        posted.get("ajouter_aux_tests") == "oui",
    )
    intents = domain_intents(project)
    if form.intent not in intents:
        form.errors["intention"] = ["Intention : choisissez dans la liste l'intention qu'il fallait comprendre."]
    example_errors = annotation_errors(form.example, shown_message(turn), domain_entities(project))
    if example_errors:
        form.errors["exemple"] = example_errors
    if form.errors:
        return await annotation_page(request, conversation, number, form, status=400)

    result = import_examples(project, [(form.intent, form.example)], development=form.development)
    path = conversation_path(conversation.sender)
    if result.held_out:
        await notify(request, "Cette phrase est déjà dans un jeu de test : elle n'a pas été ajoutée.", "warning")
    elif result.duplicates:
        await notify(request, "Cette phrase est déjà connue : rien n'a été ajouté.", "info")
    else:
        where = "jeu de développement" if form.development else "données d'entraînement"
        audited(
            request, "annotation", f"« {form.example} » → {form.intent} ({where}) ; conversation {conversation.sender}"
        )
        await notify(request, DEVELOPMENT_NOTICE if form.development else TRAINING_NOTICE)
    return redirect(path)
