"""What a model was trained from (its manifest), and what changed between two of them, in French."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.tooling.staff.project import Project


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def domain_intents(project: Project) -> list[str]:
    intents = _yaml(project.domain).get("intents") or []
    return sorted(i if isinstance(i, str) else next(iter(i)) for i in intents)


def story_names(project: Project) -> list[str]:
    names: list[str] = []
    for path in sorted(project.stories_dir.rglob("*.yml")):
        data = _yaml(path)
        names += [f"histoire : {s.get('story')}" for s in data.get("stories") or [] if isinstance(s, dict)]
        names += [f"règle : {r.get('rule')}" for r in data.get("rules") or [] if isinstance(r, dict)]
    return sorted(names)


def example_lines(block: dict) -> list[str]:
    """The examples of a Rasa NLU block (`intent:` or `lookup:`), without their « - » and indentation."""
    lines = str(block.get("examples") or "").splitlines()
    return [line.strip()[2:] for line in lines if line.strip().startswith("- ")]


def nlu_examples(project: Project) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in sorted(project.nlu_dir.rglob("*.yml")):
        for block in _yaml(path).get("nlu") or []:
            if isinstance(block, dict) and "intent" in block:
                counts[block["intent"]] = counts.get(block["intent"], 0) + len(example_lines(block))
    return dict(sorted(counts.items()))


def generated_names(path: Path) -> dict[str, list[str]]:
    """Lookup-table values of the generated file, by entity type (dates excluded)."""
    names: dict[str, list[str]] = {}
    for block in _yaml(path).get("nlu") or []:
        if isinstance(block, dict) and "lookup" in block and block["lookup"] != "date":
            names[block["lookup"]] = sorted(example_lines(block))
    return names


def new_names(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        kind: sorted(set(values) - set(before.get(kind, [])))
        for kind, values in after.items()
        if set(values) - set(before.get(kind, []))
    }


def build_manifest(
    project: Project, figures: Optional[dict[str, Any]] = None, train_seconds: Optional[float] = None
) -> dict[str, Any]:
    return {
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "intents": domain_intents(project),
        "stories": story_names(project),
        "nlu_examples": nlu_examples(project),
        "names": generated_names(project.generated),
        "figures": figures or {},
        "train_seconds": train_seconds,
    }


def describe_changes(old: Optional[dict[str, Any]], new: dict[str, Any]) -> list[str]:
    """French lines: new/removed intents and stories, NLU examples added, new names, test figures."""
    lines: list[str] = []
    if not old or old.get("adopted"):
        lines.append(
            "Premier modèle publié par la console ou make retrain : pas de version précédente détaillée à comparer."
        )
        old = {}

    def added(key: str) -> list[str]:
        return sorted(set(new.get(key, [])) - set(old.get(key, [])))

    def removed(key: str) -> list[str]:
        return sorted(set(old.get(key, [])) - set(new.get(key, []))) if old else []

    for label, key in (("intentions", "intents"), ("histoires et règles", "stories")):
        if added(key) and old:
            lines.append(f"Nouvelles {label} : " + ", ".join(added(key)))
        if removed(key):
            lines.append(f"{label.capitalize()} retirées : " + ", ".join(removed(key)))
    if old:
        delta = {i: n - old.get("nlu_examples", {}).get(i, 0) for i, n in new.get("nlu_examples", {}).items()}
        delta = {i: d for i, d in delta.items() if d}
        if delta:
            lines.append("Exemples NLU : " + ", ".join(f"{i} {d:+d}" for i, d in delta.items()))
        names = new_names(old.get("names", {}), new.get("names", {}))
        for kind, values in names.items():
            lines.append(f"Nouveaux noms ({kind}) : " + ", ".join(values))
    if old and len(lines) == 0:
        lines.append(
            "Aucune intention, histoire, exemple ni nom nouveau (changement de configuration ou de texte seulement)."
        )
    figures = new.get("figures") or {}
    old_figures = old.get("figures") or {}
    if figures:
        lines.append(format_figures(figures, old_figures))
    return lines


def format_figures(figures: dict[str, Any], before: Optional[dict[str, Any]] = None) -> str:
    before = before or {}

    def with_before(key: str, fmt: str) -> str:
        value = figures.get(key)
        if value is None:
            return "?"
        text = fmt.format(value)
        if before.get(key) is not None and before.get(key) != value:
            text += f" (avant {fmt.format(before[key])})"
        return text

    return (
        "Tests : conversations "
        + f"{figures.get('conversations_passed', '?')}/{figures.get('conversations_total', '?')} réussies, "
        f"exactitude des intentions {with_before('intent_accuracy', '{:.1%}')}, "
        f"F1 des entités {with_before('entity_f1', '{:.1%}')}"
    )
