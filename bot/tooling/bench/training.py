"""`python -m bot bench-training`: what a full training costs, the shipped configuration against the previous one.

Both are trained from scratch in the same run, one after the other (each with its own empty Rasa
cache, on the same training data), as `python -m bot train` does; the CPU time of the training
process (user + system, all its threads) is read from the kernel. Each model is then scored on the
held-out set (tests/nlu) and on the development set (tests/dev). Writes reports/training.md and
reports/training.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.runtime.settings import PROJECT_ROOT, process_environment
from bot.tooling.evaluation import DEV_SET, TEST_SET, Candidate, Figures, score

REPORTS = PROJECT_ROOT / "reports"
PREVIOUS_CONFIG = PROJECT_ROOT / "tests" / "eval" / "pipeline-2026-11.yml"
CPU_TARGET = 0.5  # at most half of the previous configuration's CPU time
ACCURACY_TOLERANCE = 0.005  # held-out intent accuracy within half a point


@dataclass
class TrainingCost:
    slug: str
    label: str
    cpu_seconds: float
    wall_seconds: float
    held_out: Figures
    development: Figures


def _project_copy(scratch: Path, config: Path) -> Path:
    """The training inputs only (domain, data, configuration), so both trainings read the same files."""
    root = scratch / "projet"
    root.mkdir()
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copy(config, root / "config.yml")
    return root


def train_once(candidate: Candidate, config: Path, scratch: Path) -> TrainingCost:
    folder = scratch / candidate.slug
    folder.mkdir()
    root = _project_copy(folder, config)
    cache = folder / "cache"
    env = process_environment(
        RASA_CACHE_DIRECTORY=str(cache), TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", PYTHONPATH=str(PROJECT_ROOT)
    )
    command = [sys.executable, "-m", "bot", "rasa", "train", "--fixed-model-name", "m", "--out", "models", "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise RuntimeError(
            f"entraînement « {candidate.label} » en échec :\n{process.stdout[-2000:]}{process.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    model = root / "models" / "m.tar.gz"
    results = REPORTS / "training" / candidate.slug
    return TrainingCost(
        candidate.slug,
        candidate.label,
        round(cpu, 1),
        round(wall, 1),
        score(candidate, model, TEST_SET, results / "test"),
        score(candidate, model, DEV_SET, results / "dev"),
    )


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".", ",")


def render(before: TrainingCost, after: TrainingCost, date: str, machine: str) -> str:
    ratio = after.cpu_seconds / before.cpu_seconds
    gap = after.held_out.intent_accuracy - before.held_out.intent_accuracy
    cpu_ok, accuracy_ok = ratio <= CPU_TARGET, gap >= -ACCURACY_TOLERANCE
    rows = [
        f"| {c.label} | {c.cpu_seconds / 60:.1f} min | {c.wall_seconds / 60:.1f} min | {_pct(c.held_out.intent_accuracy)} | "
        f"{_pct(c.held_out.entity_f1)} | {_pct(c.development.intent_accuracy)} | {_pct(c.development.entity_f1)} |"
        for c in (before, after)
    ]
    return "\n".join(
        [
            "# Coût d'un entraînement complet (`make bench-training`)",
            "",
            f"Mesuré le {date} sur {machine}. Les deux configurations sont entraînées dans la même série, l'une après "
            "l'autre, depuis un cache Rasa vide, sur les mêmes données ; temps CPU du processus d'entraînement "
            "(utilisateur + système, tous ses fils) lu dans le noyau.",
            "",
            "| configuration | CPU | durée | test : intentions | test : F1 entités | dév. : intentions | dév. : F1 entités |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"- Temps CPU : ×{ratio:.2f} (objectif ≤ ×{CPU_TARGET:g}) : {'atteint' if cpu_ok else 'non atteint'}.",
            f"- Exactitude des intentions sur le jeu de test : {gap * 100:+.1f} point (objectif ≥ "
            f"{-ACCURACY_TOLERANCE * 100:+.1f}) : {'atteint' if accuracy_ok else 'non atteint'}.",
            "",
            "La configuration a été choisie sur le jeu de développement (tests/dev), jamais sur le jeu de test. "
            f"Configuration précédente : `{PREVIOUS_CONFIG.relative_to(PROJECT_ROOT)}` ; livrée : `config.yml`.",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot bench-training", description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    previous = Candidate("avant", "précédente (novembre 2026)", dict)
    shipped = Candidate("livree", "livrée (config.yml)", dict, ships=True)
    with tempfile.TemporaryDirectory(prefix="bench-training-") as scratch_name:
        scratch = Path(scratch_name)
        costs = []
        for candidate, config in ((previous, PREVIOUS_CONFIG), (shipped, PROJECT_ROOT / "config.yml")):
            print(f"[bench-training] {candidate.label} : entraînement complet depuis un cache vide…", flush=True)
            costs.append(train_once(candidate, config, scratch))
            cost = costs[-1]
            print(
                f"[bench-training]   {cost.cpu_seconds / 60:.1f} min de CPU, {cost.wall_seconds / 60:.1f} min, "
                f"test {_pct(cost.held_out.intent_accuracy)}, dév. {_pct(cost.development.intent_accuracy)}",
                flush=True,
            )
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = (
        f"{os.cpu_count()} cœurs, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "training.json").write_text(
        json.dumps(
            {"date": date, "machine": machine, "runs": [asdict(c) for c in costs]}, indent=2, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    text = render(costs[0], costs[1], date, machine)
    (REPORTS / "training.md").write_text(text, encoding="utf-8")
    print(text)
    return 0
