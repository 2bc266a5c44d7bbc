"""Stories from real conversations: « Corriger cette conversation » turns what a citizen said and what the
bot did into a Rasa story, with the intent and the actions staff chose at each step, and its conversation test.

  GET  /histoires                                  the stories written from the console
  GET  /histoires/nouvelle?conversation=<sender>   the form: one fieldset per message of the conversation
  POST /histoires/nouvelle                         checks, then writes data/stories/console.yml and
                                                   tests/test_stories_console.yml (played by `make retrain`)

Before anything is written, the new story goes through the checks of `make retrain` (story_problems), as if
it were already in its file: a story that names an unknown action or contradicts a rule is never saved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml
from aiohttp import web
from multidict import MultiDictProxy
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.tooling.console.context import PROJECT, audited
from bot.tooling.console.conversations import Conversation, UserTurn, local_time, read_conversations
from bot.tooling.console.database import database_url
from bot.tooling.console.rendering import notify, redirect, render
from bot.tooling.staff.changes import domain_intents
from bot.tooling.staff.project import Project
from bot.tooling.staff.review import annotate, load_yaml, one_line, write_yaml
from bot.tooling.staff.stories import DEFAULT_ACTIONS, Block, block_names, story_problems

routes = web.RouteTableDef()

CONSOLE_STORIES = Path("data") / "stories" / "console.yml"
CONSOLE_TESTS = Path("tests") / "test_stories_console.yml"
ACTION_DESCRIPTIONS = Path(__file__).resolve().parent / "actions.yml"
STORIES_HEADER = (
    "Histoires écrites dans la console du lab (« Corriger cette conversation »), à partir de conversations réelles.\n"
    "Elles sont vérifiées comme par `make retrain` avant d'être enregistrées, et apprises au prochain entraînement."
)
TESTS_HEADER = (
    "Tests des histoires écrites dans la console du lab : ce que la personne a écrit, l'intention et les actions\n"
    "attendues. Joués par `make retrain` avec tests/test_stories.yml."
)
NAME_FIELD = "nom"
NAME_MAX = 120
DESCRIPTION_MAX = 110  # characters of a response's text shown in an option
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\(([^)]*)\)|(\{[^}]*\}))")


@dataclass(frozen=True)
class ActionChoice:
    name: str
    description: str

    @property
    def label(self) -> str:
        return f"{self.name} : {self.description}"


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"


def _first_text(variants: Any) -> str:
    for variant in variants or []:
        if isinstance(variant, dict) and variant.get("text"):
            return _shortened(str(variant["text"]))
    return "(réponse sans texte)"


def described_actions() -> dict[str, str]:
    """What each custom action does, in French (actions.yml, next to this module)."""
    return {str(k): str(v) for k, v in (yaml.safe_load(ACTION_DESCRIPTIONS.read_text(encoding="utf-8")) or {}).items()}


def action_choices(project: Project) -> list[ActionChoice]:
    """Every action of domain.yml with what it does: a response's first text, a custom action's description."""
    domain = yaml.safe_load(project.domain.read_text(encoding="utf-8")) or {}
    descriptions = described_actions()
    responses = domain.get("responses") or {}
    choices = [ActionChoice(name, "répond « " + _first_text(responses[name]) + " »") for name in sorted(responses)]
    choices += [
        ActionChoice(name, descriptions.get(name, "(pas encore décrite dans la console)"))
        for name in domain.get("actions") or []
    ]
    return choices


def annotated_entities(example: str) -> list[dict[str, str]]:
    """The entities of a message annotated the Rasa way (`[texte](type)`, `[texte]{"entity": …}`), as a
    story's `entities:` step lists them: one `type: valeur` each."""
    found: list[dict[str, str]] = []
    for match in _ANNOTATION.finditer(example):
        surface, kind, details = match.groups()
        if details:
            try:
                parsed = json.loads(details)
            except ValueError:
                continue
            kind, value = parsed.get("entity"), parsed.get("value", surface)
        else:
            value = surface
        entity = {str(kind): str(value)}
        if kind and entity not in found:
            found.append(entity)
    return found


@dataclass
class TurnForm:
    """One message of the conversation as the form shows it, and what staff chose for it."""

    number: int
    turn: UserTurn
    example: str  # the message as a test case writes it: entities annotated, personal data masked
    kept: bool
    intent: str
    actions: list[str]  # one per select, "" for none; the last select adds an action

    @property
    def chosen_actions(self) -> list[str]:
        return [action for action in self.actions if action]

    def field(self, kind: str, slot: Optional[int] = None) -> str:
        return f"{kind}-{self.number}" if slot is None else f"{kind}-{self.number}-{slot}"


def _bot_actions(turn: UserTurn) -> list[str]:
    """What the bot ran after the message, without Rasa's own bookkeeping (session start, listen)."""
    return [action for action in turn.actions if action not in DEFAULT_ACTIONS]


def turns_from_conversation(conversation: Conversation) -> list[TurnForm]:
    # oldest first: the conversation reads from the top
    return [
        TurnForm(
            number,
            turn,
            annotate(turn.text, turn.entities),
            True,
            turn.intent or "",
            [*_bot_actions(turn), ""],
        )
        for number, turn in enumerate(conversation.turns, start=1)
    ]


def turns_from_form(conversation: Conversation, form: MultiDictProxy[Any]) -> list[TurnForm]:
    """The same turns with what staff chose; as many selects as the page showed, whatever was posted."""
    turns = turns_from_conversation(conversation)
    for turn in turns:
        turn.kept = form.get(turn.field("garder")) == "oui"
        turn.intent = str(form.get(turn.field("intention"), "")).strip()
        turn.actions = [
            str(form.get(turn.field("action", slot), "")).strip() for slot in range(1, len(turn.actions) + 1)
        ]
    return turns


def form_errors(project: Project, name: str, turns: list[TurnForm]) -> dict[str, str]:
    """Field id → French message, for what the form itself can tell (the story checks come after)."""
    errors: dict[str, str] = {}
    taken = {known.casefold() for known in block_names(project) | _test_names(project)}
    if not name:
        errors[NAME_FIELD] = (
            "Nom de l'histoire : donnez un nom à l'histoire (par exemple « date après une salutation »)."
        )
    elif len(name) > NAME_MAX:
        errors[NAME_FIELD] = f"Nom de l'histoire : {NAME_MAX} caractères au plus ({len(name)} ici)."
    elif name.casefold() in taken:
        errors[NAME_FIELD] = (
            f"Nom de l'histoire : « {name} » est déjà le nom d'une histoire, d'une règle ou d'un test ; "
            "choisissez-en un autre."
        )
    kept = [turn for turn in turns if turn.kept]
    if not kept and turns:
        errors[turns[0].field("garder")] = (
            "Message n° 1 : gardez au moins un message de la conversation dans l'histoire."
        )
    for turn in kept:
        if not turn.intent:
            errors[turn.field("intention")] = (
                f"Message n° {turn.number}, intention : choisissez ce que la personne voulait dire."
            )
        if not turn.chosen_actions:
            errors[turn.field("action", 1)] = (
                f"Message n° {turn.number}, action n° 1 : choisissez au moins une action du bot après ce message."
            )
    return errors


def story_steps(turns: list[TurnForm]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for turn in turns:
        if not turn.kept:
            continue
        step: dict[str, Any] = {"intent": turn.intent}
        entities = annotated_entities(turn.example)
        if entities:
            step["entities"] = entities
        steps.append(step)
        steps += [{"action": action} for action in turn.chosen_actions]
    return steps


def conversation_test_steps(turns: list[TurnForm]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for turn in turns:
        if turn.kept:
            steps.append({"user": turn.example, "intent": turn.intent})
            steps += [{"action": action} for action in turn.chosen_actions]
    return steps


def new_problems(project: Project, name: str, steps: list[dict[str, Any]]) -> list[str]:
    """The problems `make retrain` would report once the story is in data/stories/console.yml, and not before."""
    story = Block("histoire", name, project.root / CONSOLE_STORIES, steps)
    before = set(story_problems(project))
    return [problem for problem in story_problems(project, [story]) if problem not in before]


def _document(path: Path, header: str) -> CommentedMap:
    document = load_yaml(path) if path.exists() else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap([("version", DoubleQuotedScalarString("3.1")), ("stories", CommentedSeq())])
        document.yaml_set_start_comment(header)
    if not isinstance(document.get("stories"), list):
        document["stories"] = CommentedSeq()
    return document


def _as_yaml(value: Any) -> Any:
    """Nested dicts and lists as ruamel's own types, so that they are written in block style."""
    if isinstance(value, dict):
        return CommentedMap((key, _as_yaml(item)) for key, item in value.items())
    if isinstance(value, list):
        return CommentedSeq(_as_yaml(item) for item in value)
    return value


def append_story(project: Project, relative: Path, header: str, name: str, steps: list[dict[str, Any]]) -> None:
    path = project.root / relative
    document = _document(path, header)
    document["stories"].append(_as_yaml({"story": name, "steps": steps}))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(document, path)


def _stories_in(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [story for story in data.get("stories") or [] if isinstance(story, dict)]


def _test_names(project: Project) -> set[str]:
    return {str(story.get("story")) for story in _stories_in(project.root / CONSOLE_TESTS)}


@dataclass(frozen=True)
class SavedStory:
    name: str
    turns: list[tuple[str, list[str]]]  # (intent, actions)


def saved_stories(project: Project) -> list[SavedStory]:
    saved = []
    for story in _stories_in(project.root / CONSOLE_STORIES):
        turns: list[tuple[str, list[str]]] = []
        for step in story.get("steps") or []:
            if "intent" in step:
                turns.append((str(step["intent"]), []))
            elif "action" in step and turns:
                turns[-1][1].append(str(step["action"]))
        saved.append(SavedStory(str(story.get("story")), turns))
    return saved


def _conversation(request: web.Request, sender: str) -> Conversation:
    if not sender:
        raise web.HTTPBadRequest(
            text="Aucune conversation choisie : ouvrez une conversation dans « Conversations », "
            "puis « Corriger cette conversation »."
        )
    found = read_conversations(database_url(request.app[PROJECT].tracker_db), sender=sender)
    if not found:
        raise web.HTTPNotFound(text=f"Conversation « {sender} » introuvable dans la base des conversations.")
    return found[0]


async def _form_page(
    request: web.Request,
    conversation: Conversation,
    turns: list[TurnForm],
    name: str = "",
    errors: Optional[dict[str, str]] = None,
    problems: Optional[list[str]] = None,
) -> web.Response:
    project = request.app[PROJECT]
    choices = action_choices(project)
    return await render(
        request,
        "histoire-nouvelle.html",
        status=422 if errors or problems else 200,
        conversation=conversation,
        started=local_time(conversation.started),
        turns=turns,
        intents=domain_intents(project),
        choices=choices,
        known_actions={choice.name for choice in choices},
        name=name,
        name_field=NAME_FIELD,
        errors=errors or {},
        problems=problems or [],
    )


@routes.get("/histoires")
async def stories_page(request: web.Request) -> web.Response:
    project = request.app[PROJECT]
    return await render(request, "histoires.html", stories=saved_stories(project), stories_file=str(CONSOLE_STORIES))


@routes.get("/histoires/nouvelle")
async def new_story_page(request: web.Request) -> web.Response:
    conversation = _conversation(request, request.query.get("conversation", ""))
    return await _form_page(request, conversation, turns_from_conversation(conversation))


@routes.post("/histoires/nouvelle")
async def save_story(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    project = request.app[PROJECT]
    conversation = _conversation(request, str(form.get("conversation", "")))
    name = one_line(str(form.get(NAME_FIELD, "")))
    turns = turns_from_form(conversation, form)
    errors = form_errors(project, name, turns)
    if errors:
        return await _form_page(request, conversation, turns, name, errors=errors)
    # No await from the checks to the writes: two saves of the same process cannot interleave.
    steps = story_steps(turns)
    problems = new_problems(project, name, steps)
    if problems:
        return await _form_page(request, conversation, turns, name, problems=problems)
    append_story(project, CONSOLE_STORIES, STORIES_HEADER, name, steps)
    append_story(project, CONSOLE_TESTS, TESTS_HEADER, name, conversation_test_steps(turns))
    audited(request, "histoire", name)
    await notify(request, "Histoire enregistrée : elle sera apprise au prochain entraînement.")
    return redirect("/histoires")
