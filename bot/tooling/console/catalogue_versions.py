"""Versions of the catalogue saved from the console, and the diff of one against the current file.

Each version is the whole file as it was, in var/catalogue-versions/<moment>-<who>.yml, with an index
(index.json: who, when, what). Files rather than the project database, because the catalogue itself is
a file of this machine (the action server watches it): its versions live on the same disk, any text
editor reads them, and staff can still copy one back by hand when the console is down.

Before a save, the file as it is on disk is kept too when no version holds it yet (the first save, or an
edit made outside the console), so that every save can be undone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
VERSION_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9]{6}-[a-z0-9._-]{1,64}")
OUTSIDE_CONSOLE = "hors console"


@dataclass(frozen=True)
class Version:
    id: str
    at: float
    who: str
    what: str

    @property
    def when(self) -> str:
        """Local time, as staff read it: « 04/12/2026 21:05:09 »."""
        return dt.datetime.fromtimestamp(self.at, PARIS).strftime("%d/%m/%Y %H:%M:%S")


@dataclass(frozen=True)
class DiffLine:
    """One line of the diff: its numbers in the current file and in the version (None where absent)."""

    kind: str  # "same", "removed" (only in the current file), "added" (only in the version), "gap"
    text: str
    current_number: Optional[int] = None
    version_number: Optional[int] = None


def write_atomically(path: Path, text: str) -> None:
    """Readers (the action server's live reload) see the old file or the new one, never half of it."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class CatalogueVersions:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index_path = directory / "index.json"
        self._lock = threading.Lock()

    def all(self) -> list[Version]:
        """Newest first."""
        try:
            rows = json.loads(self.index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        versions = [Version(**row) for row in rows if VERSION_ID.fullmatch(str(row.get("id", "")))]
        return sorted(versions, key=lambda v: (v.at, v.id), reverse=True)

    def get(self, version_id: str) -> Optional[Version]:
        if not VERSION_ID.fullmatch(version_id):
            return None
        return next((v for v in self.all() if v.id == version_id), None)

    def content(self, version: Version) -> str:
        return (self.directory / f"{version.id}.yml").read_text(encoding="utf-8")

    def record(self, content: str, who: str, what: str, now: Optional[float] = None) -> Version:
        with self._lock:
            at = time.time() if now is None else now
            moment = dt.datetime.fromtimestamp(at, PARIS).strftime("%Y%m%d-%H%M%S-%f")
            author = re.sub(r"[^a-z0-9._-]+", "-", who.lower()).strip("-") or "inconnu"
            version = Version(f"{moment}-{author[:64]}", at, who, what)
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self.directory / f"{version.id}.yml", content)
            rows = [asdict(v) for v in reversed(self.all())]
            write_atomically(self.index_path, json.dumps([*rows, asdict(version)], ensure_ascii=False, indent=1))
            return version

    def keep_current(self, content: str) -> None:
        """Keep the file as it is before a save, unless the latest version already holds it."""
        latest = next(iter(self.all()), None)
        if latest is None or self.content(latest) != content:
            what = "état du fichier avant la première modification" if latest is None else "modifié hors console"
            self.record(content, OUTSIDE_CONSOLE, what)


def diff_lines(current: str, version: str, context: int = 3) -> list[DiffLine]:
    """What going back to `version` would change in `current`, line by line ("gap": unchanged lines skipped)."""
    lines: list[DiffLine] = []
    old_number = new_number = 0
    hunk = re.compile(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
    diff = difflib.unified_diff(current.splitlines(), version.splitlines(), n=context, lineterm="")
    for raw in diff:
        if raw.startswith(("---", "+++")):
            continue
        found = hunk.match(raw)
        if found:
            old_number, new_number = int(found.group(1)), int(found.group(2))
            if lines or old_number > 1:
                lines.append(DiffLine("gap", ""))
        elif raw.startswith("-"):
            lines.append(DiffLine("removed", raw[1:], current_number=old_number))
            old_number += 1
        elif raw.startswith("+"):
            lines.append(DiffLine("added", raw[1:], version_number=new_number))
            new_number += 1
        else:
            lines.append(DiffLine("same", raw[1:], old_number, new_number))
            old_number, new_number = old_number + 1, new_number + 1
    return lines
