"""Read and write the catalogue's YAML with ruamel.yaml's round trip, so that an update keeps the base
file's comments, key order, quotes and folded paragraphs; then replace the target only once the new
text passes `load_catalogue`.

New texts are written double-quoted: the catalogue is read back with PyYAML (YAML 1.1), for which a
bare 14:30 is a number and a bare « non » may be a boolean. Long descriptions are folded paragraphs
(`>-`), like the ones staff write by hand.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.domain.catalogue import Catalogue, CatalogueError, load_catalogue
from bot.tooling.catalogue_yaml import folded
from bot.tooling.importing.records import ImportFailure

NO_WRAP = 10_000  # existing lines, however long, are written back as they are
FOLDED_FROM = 90  # characters: shorter descriptions stay on one quoted line


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = NO_WRAP
    yaml.allow_unicode = True
    return yaml


def read_document(path: Path) -> CommentedMap:
    try:
        with path.open(encoding="utf-8") as stream:
            data = _yaml().load(stream)
    except (OSError, UnicodeDecodeError, YAMLError) as exc:
        raise ImportFailure(f"{path} : catalogue de base illisible ({exc})") from None
    if not isinstance(data, CommentedMap):
        raise ImportFailure(f"{path} : catalogue de base illisible (des sections month, events… sont attendues)")
    return data


def dump(document: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def quoted(text: str) -> DoubleQuotedScalarString:
    return DoubleQuotedScalarString(text)


def paragraph(text: str) -> Any:
    """A long text as a folded block (`>-`); a short one quoted."""
    return folded(text) if len(text) >= FOLDED_FROM else quoted(text)


def write_validated(text: str, target: Path) -> Catalogue:
    """Write text beside target, check it with `load_catalogue`, then replace target: all or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        try:
            catalogue = load_catalogue(temporary)
        except CatalogueError as exc:
            problem = str(exc).replace(temporary, str(target))
            raise ImportFailure(f"le catalogue produit serait invalide, rien n'a été écrit — {problem}") from None
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return catalogue


def append_entry(entries: CommentedSeq, entry: CommentedMap) -> None:
    """Append entry; the blank line and comments that followed the old last entry now follow the new one."""
    if entries and isinstance(entries[-1], CommentedMap) and len(entries[-1]) and len(entry):
        tail = entries[-1].ca.items.pop(list(entries[-1])[-1], None)
        if tail:
            entry.ca.items[list(entry)[-1]] = tail
    entries.append(entry)


def remove_entry(entries: CommentedSeq, position: int) -> None:
    """Remove an entry; when it was the last one, the comments that followed it move to the new last."""
    removed = entries[position]
    last = position == len(entries) - 1
    del entries[position]
    if (
        last
        and entries
        and isinstance(removed, CommentedMap)
        and len(removed)
        and isinstance(entries[-1], CommentedMap)
    ):
        tail = removed.ca.items.get(list(removed)[-1])
        if tail and len(entries[-1]):
            entries[-1].ca.items[list(entries[-1])[-1]] = tail


def set_field(entry: CommentedMap, key: str, value: Any, before: str = "description") -> None:
    """Set a key, keeping its place; a new key goes before `before` (the paragraph that ends an entry)."""
    if key in entry or before not in entry:
        entry[key] = value
    else:
        entry.insert(list(entry).index(before), key, value)
