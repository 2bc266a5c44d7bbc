"""Check stories and rules against the domain and the one-step rules, before any training.

Rasa reports an unknown action without naming the story, and finds a story that contradicts a
rule only after minutes of training: both are checked here first, in French, naming the story,
its file and the step, with the closest known name as a suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.tooling.staff.project import Project

DEFAULT_INTENTS = {"nlu_fallback", "restart", "back", "out_of_scope", "session_start"}
DEFAULT_ACTIONS = {
    "action_listen",
    "action_restart",
    "action_session_start",
    "action_default_fallback",
    "action_deactivate_loop",
    "action_revert_fallback_events",
    "action_default_ask_affirmation",
    "action_default_ask_rephrase",
    "action_two_stage_fallback",
    "action_unlikely_intent",
    "action_back",
    "action_extract_slots",
    "...",
    None,
}


@dataclass(frozen=True)
class Block:
    kind: str  # "histoire" or "règle"
    name: str
    path: Path
    steps: list[dict[str, Any]]


def _blocks(project: Project) -> Iterable[Block]:
    for path in sorted(project.stories_dir.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, kind in (("stories", "histoire"), ("rules", "règle")):
            for item in data.get(key) or []:
                if isinstance(item, dict):
                    yield Block(
                        kind,
                        str(item.get(key[:-1] if key == "rules" else "story")),
                        path,
                        list(item.get("steps") or []),
                    )


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, [k for k in known if k], n=1)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def _turns(steps: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    turns: list[tuple[str, list[str]]] = []
    for step in steps:
        if "intent" in step:
            turns.append((str(step["intent"]), []))
        elif "action" in step and turns:
            turns[-1][1].append(str(step["action"]))
    return turns


def block_names(project: Project) -> set[str]:
    """The names of every story and rule of the project's story files."""
    return {block.name for block in _blocks(project)}


def story_problems(project: Project, added: Sequence[Block] = ()) -> list[str]:
    """The problems of the project's stories and rules; with `added`, as if these blocks were in its files
    too (the console checks a story before writing it)."""
    domain = yaml.safe_load(project.domain.read_text(encoding="utf-8")) or {}
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []} | DEFAULT_INTENTS
    actions = set(domain.get("actions") or []) | set((domain.get("responses") or {}).keys()) | DEFAULT_ACTIONS
    blocks = [*_blocks(project), *added]
    one_step_rules = {}
    for block in blocks:
        turns = _turns(block.steps)
        if (
            block.kind == "règle"
            and len(turns) == 1
            and len(block.steps) == 1 + len(turns[0][1])
            and not any("condition" in s for s in block.steps)
        ):
            one_step_rules.setdefault(turns[0][0], (block, turns[0][1]))
    problems: list[str] = []
    for block in blocks:
        where = f"{block.kind} « {block.name} » ({block.path.relative_to(project.root)})"
        for number, step in enumerate(block.steps, start=1):
            if "intent" in step and step["intent"] not in intents:
                problems.append(
                    f"{where}, étape {number} : l'intention « {step['intent']} » n'existe pas dans domain.yml"
                    + _suggest(str(step["intent"]), intents)
                )
            if "action" in step and step["action"] not in actions:
                problems.append(
                    f"{where}, étape {number} : l'action « {step['action']} » n'existe pas dans domain.yml"
                    + _suggest(str(step["action"]), actions)
                )
        if block.kind != "histoire":
            continue
        for intent, story_actions in _turns(block.steps):
            rule = one_step_rules.get(intent)
            if (
                rule
                and story_actions
                and story_actions != rule[1][: len(story_actions)]
                and story_actions[: len(rule[1])] != rule[1]
            ):
                problems.append(
                    f"{where} : après « {intent} », elle fait « {', '.join(story_actions)} » alors que la règle "
                    f"« {rule[0].name} » ({rule[0].path.relative_to(project.root)}) répond toujours "
                    f"« {', '.join(rule[1])} » : modifiez la règle ou l'histoire"
                )
    return problems
