"""The layers of the code, read from the imports themselves (Python's `ast`, nothing is imported).

domain (bot/domain) ← runtime (bot/runtime, bot/web, actions) ← tooling (bot/tooling): a module may
import its own layer and the layers below it, never one above, and no group of modules imports
itself in a circle, not even through an import written inside a function.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {"domain": 0, "runtime": 1, "tooling": 2}
ENTRY_POINTS = {"bot", "bot.__main__"}  # above every layer: they only hand over to bot.tooling.cli


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    if module.startswith("bot.domain"):
        return "domain"
    if module == "actions" or module.startswith(("bot.runtime", "bot.web", "actions.")):
        return "runtime"
    if module.startswith("bot.tooling"):
        return "tooling"
    return None


@cache
def project_modules() -> dict[str, Path]:
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]
    return {module_name(path): path for path in files}


def resolve(name: str) -> str | None:
    """The project module an imported name belongs to (`bot.domain.catalogue.Event` -> `bot.domain.catalogue`)."""
    modules = project_modules()
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def imports_of(module: str) -> frozenset[str]:
    path = project_modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        found.update(target for target in map(resolve, names) if target and target != module)
    return frozenset(found)


def test_every_module_belongs_to_a_layer() -> None:
    strays = [m for m in project_modules() if m not in ENTRY_POINTS and layer_of(m) is None]
    assert strays == [], f"modules hors des couches domain/runtime/tooling : {strays}"


def test_imports_point_down_only() -> None:
    upward = []
    for module in project_modules():
        if module in ENTRY_POINTS:
            continue
        for target in imports_of(module):
            if target in ENTRY_POINTS:
                upward.append(f"{module} -> {target}")
            elif LAYERS[layer_of(target)] > LAYERS[layer_of(module)]:
                upward.append(f"{module} ({layer_of(module)}) -> {target} ({layer_of(target)})")
    assert upward == [], "imports vers une couche supérieure :\n" + "\n".join(sorted(upward))


def test_no_import_cycle() -> None:
    # Tarjan's strongly connected components over the project's import graph.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in imports_of(node):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in project_modules():
        if module not in index:
            visit(module)
    assert cycles == [], f"cycles d'imports : {cycles}"


def test_the_domain_knows_nothing_of_rasa_or_the_environment() -> None:
    forbidden = ("rasa", "rasa_sdk", "sanic", "aiohttp", "tensorflow", "spacy")
    offending = []
    for module, path in project_modules().items():
        if layer_of(module) != "domain":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            offending += [f"{module} -> {name}" for name in names if name.split(".")[0] in forbidden]
    assert offending == []


def _project_import_nodes(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield node, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield node, [node.module or ""]


def test_every_project_import_names_a_module_that_exists() -> None:
    missing = []
    for module, path in project_modules().items():
        for node, names in _project_import_nodes(path):
            missing += [
                f"{module}:{node.lineno} -> {name}"
                for name in names
                if name.split(".")[0] in ("bot", "actions") and name not in project_modules()
            ]
    assert missing == [], "imports d'un module absent :\n" + "\n".join(missing)


def test_project_modules_are_imported_at_the_top_of_files() -> None:
    """An import of our own code inside a function usually hides a cycle; third-party ones may be lazy."""
    hidden = []
    for module, path in project_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    hidden += [
                        f"{module}:{node.lineno} {name}" for name in names if name.split(".")[0] in ("bot", "actions")
                    ]
    assert hidden == [], "imports du projet dans une fonction :\n" + "\n".join(hidden)
