"""Model history under models/history/: every published model, and which is current/previous.

models/history/state.json  {"current": "<id>", "previous": "<id>" | null}
models/history/<id>.tar.gz the model archive
models/history/<id>.json   its manifest (intents, stories, names, test figures) for "what changed"
models/history/<id>.tar.gz.sig  its signature (bot/runtime/model_signing.py), copied along with the archive

models/mois-innovation.tar.gz is always a copy of the current model: `make run` serves it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from bot.runtime.model_signing import copy_signature, signature_path
from bot.tooling.staff.project import Project, StaffError

KEEP = 5  # archives kept; current and previous are never removed


@dataclass(frozen=True)
class State:
    current: Optional[str]
    previous: Optional[str]


def new_model_id(now: Optional[dt.datetime] = None) -> str:
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%d-%H%M%S")


class ModelHistory:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.dir = project.history_dir

    @property
    def state_path(self) -> Path:
        return self.dir / "state.json"

    def archive(self, model_id: str) -> Path:
        return self.dir / f"{model_id}.tar.gz"

    def manifest_path(self, model_id: str) -> Path:
        return self.dir / f"{model_id}.json"

    def state(self) -> State:
        if not self.state_path.exists():
            return State(None, None)
        data = json.loads(self.state_path.read_text(encoding="utf-8"))
        return State(data.get("current"), data.get("previous"))

    def manifest(self, model_id: Optional[str]) -> Optional[dict[str, Any]]:
        if not model_id or not self.manifest_path(model_id).exists():
            return None
        return json.loads(self.manifest_path(model_id).read_text(encoding="utf-8"))

    def current_manifest(self) -> Optional[dict[str, Any]]:
        return self.manifest(self.state().current)

    def _write_state(self, state: State) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"current": state.current, "previous": state.previous}, indent=2), encoding="utf-8")
        os.replace(tmp, self.state_path)

    def adopt_live_model(self) -> Optional[str]:
        """First use: the model already served (trained by `make train`) becomes the current record."""
        state = self.state()
        if state.current or not self.project.live_model.exists():
            return state.current
        stamp = dt.datetime.fromtimestamp(self.project.live_model.stat().st_mtime, dt.timezone.utc)
        model_id = new_model_id(stamp) + "-initial"
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.project.live_model, self.archive(model_id))
        copy_signature(self.project.live_model, self.archive(model_id))
        self.manifest_path(model_id).write_text(
            json.dumps({"id": model_id, "adopted": True}, indent=2), encoding="utf-8"
        )
        self._write_state(State(model_id, None))
        return model_id

    def add(self, candidate: Path, manifest: dict[str, Any], model_id: str) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(candidate, self.archive(model_id))
        copy_signature(candidate, self.archive(model_id))
        self.manifest_path(model_id).write_text(
            json.dumps({**manifest, "id": model_id}, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        return self.archive(model_id)

    def make_current(self, model_id: str, previous: Optional[str]) -> None:
        """Copy the archive over the live file (atomically) and record current/previous."""
        _atomic_copy(self.archive(model_id), self.project.live_model)
        self._write_state(State(model_id, previous))
        self._prune()

    def _prune(self) -> None:
        state = self.state()
        keep = {state.current, state.previous}
        archives = sorted(self.dir.glob("*.tar.gz"))
        for old in archives[:-KEEP]:
            model_id = old.name[: -len(".tar.gz")]
            if model_id not in keep:
                old.unlink()
                signature_path(old).unlink(missing_ok=True)
                self.manifest_path(model_id).unlink(missing_ok=True)

    def require(self, model_id: Optional[str], what: str) -> Path:
        if not model_id or not self.archive(model_id).exists():
            raise StaffError(f"aucun modèle {what} dans {self.dir} : rien à restaurer.")
        return self.archive(model_id)


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copy2(source, tmp)
    os.replace(tmp, target)
    os.utime(target)  # newest model: `make run` and the Makefile's freshness check pick it
    if signature_path(source).exists():
        copy_signature(source, target)
    else:  # an unsigned archive must not inherit the previous model's signature
        signature_path(target).unlink(missing_ok=True)
