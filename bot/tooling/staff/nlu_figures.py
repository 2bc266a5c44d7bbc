"""Skip re-scoring the NLU when the new model's understanding part is byte-identical to one already scored.

A story-only change reuses Rasa's cached NLU components: the trained files of every NLU component
are then the same bytes, and with the same pipeline settings, custom component code and test set,
`rasa test nlu` would print the same figures. They are kept in models/history/nlu-figures.json,
keyed by a fingerprint of all of these.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.tooling.staff.project import Project

POLICY_MARKERS = ("Policy", "domain_provider", "finetuning_validator")
KEEP = 20


def nlu_fingerprint(project: Project, model: Path) -> str:
    digest = hashlib.sha256()
    with tarfile.open(model, "r:gz") as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile()), key=lambda m: m.name)
        for member in members:
            name = member.name.lstrip("/")
            if not name.startswith("components/") or any(marker in name for marker in POLICY_MARKERS):
                continue
            digest.update(name.encode())
            digest.update(archive.extractfile(member).read())  # type: ignore[union-attr]
    config = yaml.safe_load(project.config.read_text(encoding="utf-8")) or {}
    digest.update(json.dumps([config.get("language"), config.get("pipeline")], sort_keys=True, default=str).encode())
    for path in sorted((project.root / "bot" / "runtime" / "nlu").rglob("*.py")) + project.nlu_check_files:
        if path.exists():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    try:
        from importlib.metadata import version

        digest.update(version("rasa").encode())
    except Exception:  # noqa: BLE001 - no version known: the fingerprint still covers the files
        pass
    return digest.hexdigest()


def _path(project: Project) -> Path:
    return project.history_dir / "nlu-figures.json"


def known_figures(project: Project, fingerprint: str) -> Optional[dict[str, Any]]:
    path = _path(project)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get(fingerprint)


def remember(project: Project, fingerprint: str, figures: dict[str, Any]) -> None:
    path = _path(project)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.pop(fingerprint, None)
    data[fingerprint] = figures
    data = dict(list(data.items())[-KEEP:])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
