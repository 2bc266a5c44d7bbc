"""A retrain started from the console: one at a time, in the background, never published by itself.

The job runs the staff pipeline (`retrain(..., publish_model=False)`) in a thread rather than a subprocess of
`python -m bot retrain`: the heavy work (`rasa train`, `rasa test`) already runs in child processes started by
the pipeline, so the thread only waits on them and the console's event loop stays free; and the thread gets the
pipeline's step announcements and its StaffError (the French explanation) as they are, without parsing a
terminal's output. The tested candidate stays in models/staging/ with candidate.json (its figures, its
manifest, who trained it) until a publieur publishes it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional
from zoneinfo import ZoneInfo

from bot.tooling.staff.changes import describe_changes
from bot.tooling.staff.history import ModelHistory
from bot.tooling.staff.nlu_figures import known_figures, nlu_fingerprint
from bot.tooling.staff.project import Project, StaffError
from bot.tooling.staff.publish import RasaApi
from bot.tooling.staff.retrain import RetrainReport, exclusive, publish, retrain, rollback

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
RUNNING, DONE, FAILED = "en cours", "terminé", "échec"
WAITING = "en attente"
# The pipeline's own timed steps (bot/tooling/staff/retrain.py `_retrain`), as its log announces them: « … step ».
# Its first step both checks the catalogue and writes the generated tables.
STAGES = (
    ("verifications", "catalogue et tables générées", "Vérifications et génération des tables"),
    ("validation", "validation des données", "Validation des données"),
    ("entrainement", "entraînement", "Entraînement"),
    ("tests", "tests de conversation et NLU", "Tests de conversation et NLU"),
)
CANDIDATE_FILE = "candidate.json"


def paris_time(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, PARIS).strftime("%d/%m/%Y à %H:%M:%S")


def duration_text(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


@dataclass
class Stage:
    key: str
    label: str
    status: str = WAITING
    started: Optional[float] = None  # monotonic
    seconds: Optional[float] = None


@dataclass
class TrainingJob:
    """One training's live progress, written by its thread and read by the pages and the event stream."""

    user: str
    started_at: float = field(default_factory=time.time)
    started: float = field(default_factory=time.monotonic)
    stages: list[Stage] = field(default_factory=lambda: [Stage(key, label) for key, _, label in STAGES])
    lines: list[str] = field(default_factory=list)
    state: str = RUNNING
    error: str = ""
    finished: Optional[float] = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    @property
    def since(self) -> str:
        return paris_time(self.started_at)

    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def busy_message(self) -> str:
        return (
            f"{self.user} entraîne depuis le {self.since} ({duration_text(self.elapsed())}) : un seul entraînement "
            "à la fois. Suivez-le, puis relancez si besoin une fois qu'il est fini."
        )

    def log(self, message: str) -> None:
        """The pipeline's log callback: « … step » opens a stage (and closes the one before)."""
        now = time.monotonic()
        with self._lock:
            self.lines.append(message.strip())
            step = message.removeprefix("… ").strip() if message.startswith("… ") else None
            for stage, (_, name, _) in zip(self.stages, STAGES, strict=True):
                if stage.status == RUNNING and step is not None:
                    self._close(stage, DONE, now)
                if step == name:
                    stage.status, stage.started = RUNNING, now

    def finish(self, error: str = "") -> None:
        now = time.monotonic()
        with self._lock:
            for stage in self.stages:
                if stage.status == RUNNING:
                    self._close(stage, FAILED if error else DONE, now)
            self.state, self.error, self.finished = (FAILED, error, now) if error else (DONE, "", now)

    @staticmethod
    def _close(stage: Stage, status: str, now: float) -> None:
        stage.status = status
        stage.seconds = round(now - (stage.started or now), 1)

    def snapshot(self) -> dict[str, Any]:
        """What the progress page shows, as sent in the event stream."""
        with self._lock:
            return {
                "state": self.state,
                "user": self.user,
                "since": self.since,
                "elapsed": round(self.elapsed(), 1),
                "elapsed_text": duration_text(self.elapsed()),
                "stages": [
                    {
                        "key": s.key,
                        "label": s.label,
                        "status": s.status,
                        "seconds": s.seconds,
                        "duration": duration_text(s.seconds) if s.seconds is not None else "",
                    }
                    for s in self.stages
                ],
                "lines": list(self.lines[-12:]),
                "error": self.error,
            }


class TrainingBusy(RuntimeError):
    def __init__(self, job: TrainingJob) -> None:
        super().__init__(job.busy_message())
        self.job = job


class Trainer:
    """The console's trainings on one project: at most one running; the last one kept for its pages."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.job: Optional[TrainingJob] = None
        self._lock = threading.Lock()

    def running(self) -> Optional[TrainingJob]:
        job = self.job
        return job if job is not None and job.running else None

    def start(self, user: str, finished: Callable[[TrainingJob], None]) -> TrainingJob:
        """The new job; `finished` is called from its thread once it has ended (the audit log)."""
        with self._lock:
            busy = self.running()
            if busy is not None:
                raise TrainingBusy(busy)
            job = self.job = TrainingJob(user)
        worker = threading.Thread(target=self._run, args=(job, finished), name=f"entrainement-{user}", daemon=True)
        worker.start()
        return job

    def _run(self, job: TrainingJob, finished: Callable[[TrainingJob], None]) -> None:
        self._train(job)
        try:
            finished(job)
        except Exception:  # noqa: BLE001 - the training's outcome stands even if it could not be recorded
            logger.exception("Fin d'entraînement non inscrite au journal")

    def _train(self, job: TrainingJob) -> None:
        try:
            report = retrain(self.project, None, job.log, publish_model=False)
            save_candidate(self.project, report, job.user)
        except StaffError as exc:
            job.finish(str(exc))
        except Exception:  # noqa: BLE001 - the page must say the training stopped, whatever the cause
            logger.exception("Entraînement lancé depuis la console")
            job.finish("erreur inattendue pendant l'entraînement (détail dans le journal du serveur de la console).")
        else:
            job.finish()


# --- the candidate: trained and tested, not published ------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    trained_by: str
    trained_at: float
    figures: dict[str, Any]
    manifest: dict[str, Any]
    timings: dict[str, float]

    @property
    def when(self) -> str:
        return paris_time(self.trained_at)


def candidate_model(project: Project) -> Path:
    return project.staging_dir / "candidate.tar.gz"


def save_candidate(project: Project, report: RetrainReport, user: str) -> None:
    record = {
        "trained_by": user,
        "trained_at": time.time(),
        "figures": report.figures,
        "manifest": report.manifest,
        "timings": report.timings,
    }
    (project.staging_dir / CANDIDATE_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2), "utf-8")


def read_candidate(project: Project) -> Optional[Candidate]:
    """The candidate of the last console training, if it is still there (a new training or a publication
    empties models/staging/)."""
    path = project.staging_dir / CANDIDATE_FILE
    if not path.exists() or not candidate_model(project).exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return Candidate(data["trained_by"], data["trained_at"], data["figures"], data["manifest"], data["timings"])


def publish_candidate(project: Project, api: RasaApi, user: str) -> tuple[str, bool, list[str]]:
    """What `python -m bot retrain` does when it publishes, for the tested candidate: (id, loaded, log lines)."""
    lines: list[str] = []
    with exclusive(project):
        candidate = read_candidate(project)
        if candidate is None:
            raise StaffError("aucun modèle entraîné et testé à publier : lancez d'abord un entraînement.")
        published_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        manifest = {**candidate.manifest, "published_by": user, "published_at": published_at}
        model_id, loaded = publish(project, candidate_model(project), manifest, api, lines.append)
    return model_id, loaded, lines


def roll_back(project: Project, api: RasaApi) -> tuple[str, list[str]]:
    lines: list[str] = []
    restored = rollback(project, api, lines.append)
    return restored, lines


# --- the models: in service, history ---------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedModel:
    id: str
    published: str  # Paris time
    published_by: str
    figures: dict[str, Any]
    status: str  # « en service », « précédent » or ""
    manifest: dict[str, Any]


def _published_at(model_id: str, manifest: dict[str, Any]) -> dt.datetime:
    if manifest.get("published_at"):
        return dt.datetime.fromisoformat(manifest["published_at"])
    return dt.datetime.strptime(model_id[:15], "%Y%m%d-%H%M%S").replace(tzinfo=dt.timezone.utc)


def _publisher(manifest: dict[str, Any]) -> str:
    if manifest.get("published_by"):
        return manifest["published_by"]
    return "modèle initial (make train)" if manifest.get("adopted") else "terminal (make retrain)"


def model_history(project: Project) -> list[PublishedModel]:
    """Every archived model, newest first, with who published it (console) or how (terminal)."""
    history = ModelHistory(project)
    state = history.state()
    models = []
    for archive in history.dir.glob("*.tar.gz") if history.dir.exists() else []:
        model_id = archive.name.removesuffix(".tar.gz")
        manifest = history.manifest(model_id) or {}
        try:
            when = _published_at(model_id, manifest)
        except ValueError:
            continue
        status = "en service" if model_id == state.current else "précédent" if model_id == state.previous else ""
        models.append(
            PublishedModel(
                model_id,
                when.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M:%S"),
                _publisher(manifest),
                manifest.get("figures") or {},
                status,
                manifest,
            )
        )
    return sorted(models, key=lambda m: m.id, reverse=True)


def model_in_service(project: Project) -> Optional[PublishedModel]:
    """The current record, else the served file itself (a project where nothing was published yet)."""
    current = next((m for m in model_history(project) if m.status == "en service"), None)
    if current is not None or not project.live_model.exists():
        return current
    stamp = project.live_model.stat().st_mtime
    return PublishedModel("initial", paris_time(stamp), "modèle initial (make train)", {}, "en service", {})


def service_nlu_figures(project: Project, service: Optional[PublishedModel]) -> dict[str, Any]:
    """The NLU figures of the model in service: its manifest's, else those of an identical understanding
    part already scored on the same development set (nlu-figures.json)."""
    figures = dict(service.figures) if service else {}
    if "intent_accuracy" not in figures and project.live_model.exists():
        figures.update(known_figures(project, nlu_fingerprint(project, project.live_model)) or {})
    return figures


def changes_against_service(project: Project, candidate: Candidate) -> list[str]:
    return describe_changes(ModelHistory(project).current_manifest(), candidate.manifest)
