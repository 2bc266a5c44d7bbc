"""`python -m bot bench --reglages`: settings tried on this bot at 16 conversations, each against the reference.

Environment settings are measured here, in one series (reference, then each variant, servers restarted
each time). Code changes cannot be switched off by the environment: their before/after figures were
measured once, by hand, and are kept in CODE_CHANGES with how they were measured.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.tooling.bench import report
from bot.tooling.bench.dialogues import OURS
from bot.tooling.bench.load import Level, drive
from bot.tooling.bench.report import REPORTS, Tuning, previous_run, say
from bot.tooling.bench.servers import free_port, start_ours
from bot.tooling.bench.stats import LevelFigures

# What `make run` sets because the bench showed it helps (bot/runtime/settings.server_environment).
APPLIED = {"TRACKER_SQLITE_WAL": "1", "ADMISSION_SLOTS": "4"}


@dataclass(frozen=True)
class Variant:
    change: str
    setting: str
    env: dict[str, str] = field(default_factory=dict)
    redis: bool = False
    applied: bool = False  # True: the variant is the *old* state, the reference has the change
    not_applied_because: str = ""  # why a measured gain is not what `make run` does


VARIANTS = (
    Variant(
        "Journal SQLite en WAL, synchronous=NORMAL, connexion gardée",
        "`TRACKER_SQLITE_WAL=1` (0 = défauts SQLite)",
        {"TRACKER_SQLITE_WAL": "0"},
        applied=True,
    ),
    Variant(
        "4 messages traités à la fois par Rasa au lieu de 8",
        "`ADMISSION_SLOTS=4` (8 par défaut hors `make run`)",
        {"ADMISSION_SLOTS": "8"},
        applied=True,
    ),
    Variant(
        "TensorFlow limité à 1 fil (intra et inter)",
        "`TF_INTRA_OP_PARALLELISM_THREADS=1`, `TF_INTER_OP_PARALLELISM_THREADS=1`",
        {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"},
    ),
    Variant(
        "2 processus Sanic (Rasa et actions) avec verrous Redis",
        "`SANIC_WORKERS=2`, `REDIS_URL`",
        {"SANIC_WORKERS": "2"},
        redis=True,
        not_applied_because="pas pour `make run`, qui n'a pas de Redis, et socket.io en long-polling y perdrait ses "
        "sessions d'un processus à l'autre ; à employer en production derrière nginx (deploy/README.md)",
    ),
)

CODE_CHANGES = (
    Tuning(
        "Schéma JSON de la réponse du serveur d'actions compilé une fois",
        "bot/runtime/action_calls.py",
        {"text": "53 ms de CPU par appel d'action (jsonschema.validate revérifie le schéma)"},
        {"text": "0,8 ms par appel"},
        True,
        "mesuré hors serveur (27/11/2026) ; c'était la moitié du coût d'un message dans le profil à 16 conversations",
    ),
    Tuning(
        "Un seul modèle spaCy chargé au lieu de deux",
        "bot/runtime/nlu/loading.py",
        {"text": "2 chargements de fr_core_news_sm (~3 s)"},
        {"text": "1 chargement, copie partagée"},
        True,
        "mêmes prédictions",
    ),
    Tuning(
        "DIET chargé sans pas d'entraînement (restauration différée des poids)",
        "bot/runtime/nlu/loading.py",
        {"text": "chargement du modèle 73 s (30 s de CPU), démarrage à froid ~65 s, RSS Rasa ~1 590 Mo"},
        {"text": "chargement du modèle 9 s (9 s de CPU), démarrage à froid ~13-23 s, RSS Rasa ~890 Mo"},
        True,
        "machine chargée (charge ~5) ; 355 phrases du jeu de test : intentions, confiances et entités identiques",
    ),
)


def applied_settings() -> dict[str, str]:
    return dict(APPLIED)


def _redis(scratch: Path) -> tuple[Optional[subprocess.Popen], dict[str, str]]:
    server = shutil.which("redis-server")
    if not server:
        return None, {}
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(scratch)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, {"REDIS_URL": f"redis://127.0.0.1:{port}/0"}


def _measure(level: Level, env: dict[str, str], scratch: Path, name: str) -> LevelFigures:
    folder = scratch / name
    folder.mkdir()
    bot = start_ours(folder, folder / "tracker.db", env)
    try:
        return asyncio.run(drive(bot.url, "ours", OURS, level, bot.memory, bot.cpu_seconds))
    finally:
        bot.stop()


def tuning_run(args: argparse.Namespace) -> int:
    level = Level(16, args.echauffement, args.duree)
    rows: list[Tuning] = []
    with tempfile.TemporaryDirectory(prefix="bench-reglages-") as scratch_name:
        scratch = Path(scratch_name)
        say("référence (réglages de `make run`), 16 conversations…")
        reference = _measure(level, {}, scratch, "reference")
        say(f"  {reference.throughput:.1f} msg/s, p95 {reference.p95_ms} ms")
        for index, variant in enumerate(VARIANTS):
            redis, extra = _redis(scratch) if variant.redis else (None, {})
            if variant.redis and redis is None:
                say(f"{variant.change} : redis-server absent, essai sauté")
                continue
            try:
                say(f"{variant.change}…")
                figures = _measure(level, {**variant.env, **extra}, scratch, f"variante-{index}")
            finally:
                if redis:
                    redis.terminate()
                    redis.wait(timeout=10)
            say(f"  {figures.throughput:.1f} msg/s, p95 {figures.p95_ms} ms")
            before, after = (figures, reference) if variant.applied else (reference, figures)
            rows.append(
                Tuning(
                    variant.change,
                    variant.setting,
                    report.short(before),
                    report.short(after),
                    kept=variant.applied,
                    note=_decision(before, after, variant.applied, variant.not_applied_because),
                )
            )
    run = previous_run()
    if run is None:
        say("pas encore de reports/bench.json : lancez d'abord `make bench`, puis ces réglages")
        return 1
    run.tuning = rows + list(CODE_CHANGES)
    run.tuning_date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md, _ = report.write(run, REPORTS)
    print(md.read_text(encoding="utf-8"))
    return 0


def _decision(before: LevelFigures, after: LevelFigures, applied: bool, not_applied_because: str = "") -> str:
    gain = (after.throughput / before.throughput - 1) * 100 if before.throughput else 0.0
    cpu = ""
    if before.cpu_ms_per_message and after.cpu_ms_per_message:
        cpu = f", CPU {before.cpu_ms_per_message:.0f} → {after.cpu_ms_per_message:.0f} ms/message"
    if applied:
        verdict = "appliqué par `make run`"
    elif gain >= 10:
        verdict = f"gain mesuré, non appliqué : {not_applied_because or 'à confirmer sur une machine calme'}"
    else:
        verdict = "non retenu (pas de gain net sur 2 cœurs)"
    return f"débit {gain:+.0f} %{cpu} ; {verdict}"
