"""Only bot/runtime/settings.py touches the environment; every other module receives settings.

Read with Python's `ast` (nothing is imported): `os.environ`, `os.getenv`, `os.putenv` (also through
`import os as x`) and `from os import environ/getenv/putenv`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "bot" / "runtime" / "settings.py"
ENVIRONMENT_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    os_aliases = {"os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_aliases |= {alias.asname or alias.name for alias in node.names if alias.name == "os"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, f"from os import {a.name}") for a in node.names if a.name in ENVIRONMENT_NAMES]
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ENVIRONMENT_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in os_aliases
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def test_the_detector_sees_every_form() -> None:
    source = "import os\nimport os as system\nfrom os import environ, path\nos.environ.get('A')\nsystem.getenv('B')\nos.putenv('C', '1')\nos.path.join('a')\n"
    found = sorted(what for _, what in environment_reads(ast.parse(source)))
    assert found == ["from os import environ", "os.environ", "os.putenv", "system.getenv"]


def test_only_the_settings_module_reads_the_environment() -> None:
    offending = []
    for path in sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "actions").rglob("*.py")]):
        if path == SETTINGS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offending += [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in environment_reads(tree)]
    assert offending == [], (
        "lectures de l'environnement hors de bot/runtime/settings.py (ajoutez un champ à Settings) :\n"
        + "\n".join(offending)
    )


def test_the_settings_module_is_where_the_environment_is_read() -> None:
    assert environment_reads(ast.parse(SETTINGS.read_text(encoding="utf-8")))
