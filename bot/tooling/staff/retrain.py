"""`make retrain`: check, generate, validate, train, test, then publish — or stop and say why.

Each step either passes or raises StaffError with a French explanation; nothing is published
(models/mois-innovation.tar.gz, models/history/ and the running server stay as they were)
unless every step passed. The new model is trained into models/staging/ first.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import yaml

from bot.domain.catalogue import CatalogueError, load_catalogue
from bot.runtime.model_signing import sign
from bot.tooling.generate import write_generated
from bot.tooling.staff import failures
from bot.tooling.staff.changes import build_manifest, describe_changes, format_figures, generated_names, new_names
from bot.tooling.staff.history import ModelHistory, new_model_id
from bot.tooling.staff.nlu_figures import known_figures, nlu_fingerprint, remember
from bot.tooling.staff.project import Project, StaffError, output_tail, rasa_environment, run_rasa, start_rasa
from bot.tooling.staff.publish import RasaApi, require_signed
from bot.tooling.staff.stories import story_problems

# Floors on the development set (tests/dev/nlu/), a little under the shipped model's figures there
# (README.md): a retrain that loses ground is not published. The held-out set (tests/nlu/) is not
# used here, since its errors would be shown to staff.
INTENT_ACCURACY_BAR = 0.88
ENTITY_F1_BAR = 0.94
FINETUNE_EPOCH_FRACTION = 0.2  # of config.yml's DIET epochs, when only NLU examples changed
Log = Callable[[str], None]


@dataclass
class RetrainReport:
    published: bool = False
    model_id: Optional[str] = None
    loaded_in_server: bool = False
    figures: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)  # what the candidate was trained from (history's record)


class Timer:
    def __init__(self, report: RetrainReport, step: str, log: Log) -> None:
        self.report, self.step, self.log = report, step, log

    def __enter__(self) -> Timer:
        self.start = time.monotonic()
        self.log(f"… {self.step}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.report.timings[self.step] = round(time.monotonic() - self.start, 1)


def check_catalogue(project: Project) -> dict[str, list[str]]:
    """Validate the catalogue and refresh the generated tables; the names new since the current model."""
    try:
        catalogue = load_catalogue(project.catalogue)
    except CatalogueError as exc:
        raise StaffError(f"catalogue invalide — {exc}") from exc
    write_generated(catalogue, project.generated)
    manifest = ModelHistory(project).current_manifest() or {}
    return new_names(manifest.get("names", {}), generated_names(project.generated)) if manifest.get("names") else {}


def validate_data(project: Project) -> None:
    problems = story_problems(project)
    if problems:
        raise StaffError("les histoires ou règles ne sont pas valides :\n  - " + "\n  - ".join(problems))
    process = run_rasa(project, ["data", "validate", "--fail-on-warnings", "--max-history", "3"])
    if process.returncode != 0:
        problems = failures.validation_problems(process.stdout + process.stderr)
        raise StaffError("la validation des données (`rasa data validate`) a échoué :\n  - " + "\n  - ".join(problems))


def nlu_served_from_cache(project: Project) -> bool:
    """Rasa's own fingerprint pass, run in the project folder like the training (see bot/tooling/staff/cache_status.py)."""
    process = subprocess.run(
        [sys.executable, "-m", "bot", "cache-status"],
        cwd=project.root,
        env=rasa_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        return bool(json.loads(process.stdout.strip().splitlines()[-1])["nlu_cached"])
    except (IndexError, ValueError, KeyError):
        return True  # unknown: an ordinary training, which is always correct


def train(project: Project, log: Log = print) -> Path:
    """The candidate model. When the NLU data changed, fine-tune the live model's DIET for a fraction of its
    epochs (minutes saved on 2 cores) rather than retrain it from scratch; Rasa refuses to fine-tune when the
    configuration, intents or entities changed, and then the ordinary training runs. Either way the
    candidate must then pass the same conversation tests and NLU bars before it is published."""
    if project.staging_dir.exists():
        shutil.rmtree(project.staging_dir)
    project.staging_dir.mkdir(parents=True)
    command = ["train", "--fixed-model-name", "candidate", "--out", str(project.staging_dir), "--quiet"]
    candidate = project.staging_dir / "candidate.tar.gz"
    process = None
    if project.live_model.exists() and not nlu_served_from_cache(project):
        log(
            f"  exemples NLU modifiés : ajustement fin du modèle en service ({FINETUNE_EPOCH_FRACTION:.0%} des époques)"
        )
        process = run_rasa(
            project, [*command, "--finetune", str(project.live_model), "--epoch-fraction", str(FINETUNE_EPOCH_FRACTION)]
        )
        if process.returncode != 0 or not candidate.exists():
            log(
                "  ajustement fin refusé par Rasa (configuration, intentions ou entités changées) : entraînement complet"
            )
            process = None
    if process is None:
        process = run_rasa(project, command)
    if process.returncode != 0 or not candidate.exists():
        problems = failures.training_problem(process.stdout + process.stderr) or [
            f"Rasa s'est arrêté (code {process.returncode}) sans message ; fin de sa sortie :",
            output_tail(process.stdout + process.stderr, 15),
        ]
        raise StaffError(f"l'entraînement a échoué (code {process.returncode}) :\n  " + "\n  ".join(problems))
    sign(candidate)  # trained here, by this project's own command: the only models publish/rollback will load
    return candidate


def _count_stories(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        total += len(data.get("stories") or [])
    return total


def _core_figures(
    out: Path, tests: list[Path], process: subprocess.Popen, output: str, problems: list[str]
) -> dict[str, Any]:
    failed_file = out / "failed_test_stories.yml"
    if process.returncode != 0 and not failed_file.exists():
        problems.append("les tests de conversation n'ont pas pu tourner :\n" + output_tail(output, 10))
        return {}
    failed = failures.failed_conversations(failed_file, tests)
    total = _count_stories(tests)
    failed_count = len({line.split("»")[0] for line in failed})
    if failed:
        problems.append("tests de conversation en échec :\n    " + "\n    ".join(failed))
    return {"conversations_total": total, "conversations_passed": total - failed_count}


def _nlu_figures(out: Path, process: subprocess.Popen, output: str) -> dict[str, Any]:
    intent_report = out / "intent_report.json"
    entity_report = out / "DIETClassifier_report.json"
    if process.returncode != 0 or not intent_report.exists():
        return {"nlu_error": "le test NLU n'a pas pu tourner :\n" + output_tail(output, 10)}
    figures: dict[str, Any] = {"intent_accuracy": round(json.loads(intent_report.read_text())["accuracy"], 4)}
    if entity_report.exists():
        figures["entity_f1"] = round(json.loads(entity_report.read_text())["micro avg"]["f1-score"], 4)
    figures["intent_errors"] = failures.intent_errors(out / "intent_errors.json")
    return figures


def _nlu_problems(figures: dict[str, Any], out: Path) -> list[str]:
    if "nlu_error" in figures:
        return [figures["nlu_error"]]
    problems = []
    if figures["intent_accuracy"] < INTENT_ACCURACY_BAR:
        problems.append(
            f"exactitude des intentions {figures['intent_accuracy']:.1%} sous le seuil de {INTENT_ACCURACY_BAR:.0%} ; "
            "exemples du jeu de contrôle mal compris :\n    " + "\n    ".join(figures.get("intent_errors") or [])
        )
    if figures.get("entity_f1", 1.0) < ENTITY_F1_BAR:
        problems.append(
            f"F1 des entités {figures['entity_f1']:.1%} sous le seuil de {ENTITY_F1_BAR:.0%} "
            f"(détail par entité : {out / 'DIETClassifier_report.json'})"
        )
    return problems


def nlu_test_command(project: Project, model: Path, out: Path) -> list[str]:
    return ["test", "nlu", "--model", str(model), "--nlu", str(project.nlu_check_set), "--out", str(out), "--no-plot"]


def service_to_score(project: Project, candidate_fingerprint: str) -> Optional[tuple[str, subprocess.Popen]]:
    """The model in service, scored on the same development set when its NLU figures are unknown (a model
    from `make train`, or a development set that changed), so that the result compares like with like."""
    if not project.live_model.exists():
        return None
    fingerprint = nlu_fingerprint(project, project.live_model)
    if fingerprint == candidate_fingerprint or known_figures(project, fingerprint):
        return None
    return fingerprint, start_rasa(
        project, nlu_test_command(project, project.live_model, project.results_dir / "nlu-en-service")
    )


def score_model_in_service(project: Project, fingerprint: str, process: subprocess.Popen, out: Path, log: Log) -> None:
    output, _ = process.communicate(timeout=1800)
    figures = _nlu_figures(out, process, output)
    if "nlu_error" in figures:
        log("  modèle en service : chiffres NLU non mesurés (" + figures["nlu_error"].splitlines()[0] + ")")
        return
    remember(project, fingerprint, figures)
    log(
        f"  modèle en service, sur le même jeu de contrôle : exactitude des intentions "
        f"{figures['intent_accuracy']:.1%}, F1 des entités {figures.get('entity_f1', 0.0):.1%}"
    )


def run_tests(project: Project, model: Path, log: Log = print) -> dict[str, Any]:
    """Conversation tests and the NLU development set against the NEW model, in parallel; and, when its
    figures on this development set are unknown, the model in service too (service_to_score).

    The NLU test is skipped when the model's NLU part is byte-identical to one already scored
    (story-only change served from Rasa's cache): its figures are then taken from that scoring.
    """
    out = project.results_dir
    if out.exists():
        shutil.rmtree(out)
    stories = out / "conversations"
    stories.mkdir(parents=True)
    tests = project.conversation_tests
    for path in tests:
        shutil.copy2(path, stories / path.name)
    fingerprint = nlu_fingerprint(project, model)
    nlu_known = known_figures(project, fingerprint)
    core = start_rasa(
        project,
        ["test", "core", "--model", str(model), "--stories", str(stories), "--out", str(out / "core"), "--no-plot"],
    )
    nlu = None if nlu_known else start_rasa(project, nlu_test_command(project, model, out / "nlu"))
    service = service_to_score(project, fingerprint)
    core_output, _ = core.communicate(timeout=1800)
    problems: list[str] = []
    figures = _core_figures(out / "core", tests, core, core_output, problems)
    if nlu is None:
        log("  compréhension (NLU) identique à un modèle déjà évalué sur le même jeu de contrôle : chiffres NLU repris")
        nlu_figures = dict(nlu_known or {})
    else:
        nlu_output, _ = nlu.communicate(timeout=1800)
        nlu_figures = _nlu_figures(out / "nlu", nlu, nlu_output)
        if "nlu_error" not in nlu_figures:
            remember(project, fingerprint, nlu_figures)
    if service is not None:
        score_model_in_service(project, *service, out / "nlu-en-service", log)
    problems += _nlu_problems(nlu_figures, out / "nlu")
    figures.update({k: v for k, v in nlu_figures.items() if k in ("intent_accuracy", "entity_f1")})
    if problems:
        raise StaffError(
            "le nouveau modèle ne passe pas les tests :\n  - "
            + "\n  - ".join(problems)
            + "\n"
            + format_figures(figures)
        )
    return figures


def publish(
    project: Project, candidate: Path, manifest: dict[str, Any], api: Optional[RasaApi], log: Log
) -> tuple[str, bool]:
    """Archive, load into the running server (if any), then make it the live file; returns (id, loaded)."""
    require_signed(candidate)
    history = ModelHistory(project)
    history.adopt_live_model()
    previous = history.state().current
    model_id = new_model_id()
    archive = history.add(candidate, manifest, model_id)
    loaded = False
    if api is not None and api.is_running():
        try:
            api.load(archive)  # the server keeps the old model if this fails
        except StaffError:
            history.archive(model_id).unlink(missing_ok=True)
            history.manifest_path(model_id).unlink(missing_ok=True)
            raise
        loaded = True
    else:
        where = (
            f"Aucun serveur Rasa ne répond ({api.url})"
            if api is not None
            else "Serveur Rasa non contacté (--sans-serveur)"
        )
        log(f"{where} : le nouveau modèle sera chargé au prochain `make run`.")
    history.make_current(model_id, previous)
    shutil.rmtree(project.staging_dir, ignore_errors=True)
    return model_id, loaded


@contextmanager
def exclusive(project: Project) -> Iterator[None]:
    """One retrain or rollback at a time on a project (models/staging/ and the history are shared)."""
    project.models_dir.mkdir(parents=True, exist_ok=True)
    with open(project.models_dir / ".staff.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StaffError(
                "un autre `make retrain` ou `make rollback` est déjà en cours sur ce projet : attendez qu'il finisse."
            ) from None
        yield


def retrain(project: Project, api: Optional[RasaApi], log: Log = print, publish_model: bool = True) -> RetrainReport:
    with exclusive(project):
        return _retrain(project, api, log, publish_model)


def _retrain(project: Project, api: Optional[RasaApi], log: Log, publish_model: bool) -> RetrainReport:
    report = RetrainReport()
    started = time.monotonic()
    with Timer(report, "catalogue et tables générées", log):
        names = check_catalogue(project)
        for kind, values in names.items():
            log(f"  nouveaux noms ({kind}) : {', '.join(values)}")
    with Timer(report, "validation des données", log):
        validate_data(project)
    with Timer(report, "entraînement", log):
        candidate = train(project, log)
    with Timer(report, "tests de conversation et NLU", log):
        report.figures = run_tests(project, candidate, log)
    manifest = build_manifest(project, report.figures, report.timings.get("entraînement"))
    old = ModelHistory(project).current_manifest()
    report.changes = describe_changes(old, manifest)
    report.manifest = manifest
    if publish_model:
        with Timer(report, "publication", log):
            report.model_id, report.loaded_in_server = publish(project, candidate, manifest, api, log)
        report.published = True
    report.timings["total"] = round(time.monotonic() - started, 1)
    return report


def rollback(project: Project, api: Optional[RasaApi], log: Log = print) -> str:
    """The previous model becomes current again (and the current one becomes previous)."""
    with exclusive(project):
        return _rollback(project, api, log)


def _rollback(project: Project, api: Optional[RasaApi], log: Log) -> str:
    history = ModelHistory(project)
    state = history.state()
    archive = history.require(state.previous, "précédent")
    history.require(state.current, "en service")
    require_signed(archive)
    if api is not None and api.is_running():
        api.load(archive)
        log(f"Serveur Rasa ({api.url}) : modèle {state.previous} rechargé.")
    else:
        log("Aucun serveur Rasa ne répond : le modèle restauré sera chargé au prochain `make run`.")
    history.make_current(state.previous, state.current)  # type: ignore[arg-type]
    return state.previous  # type: ignore[return-value]
