"""`python -m bot eval-dev NOM=RÉGLAGES…`: try DIET settings on the development set, never on the test set.

Each variant is the shipped config.yml with some DIETClassifier settings changed
(`t1=number_of_transformer_layers:1,transformer_size:128,epochs:100`). It is trained on data/nlu from
an empty Rasa cache, its training CPU time (all threads, read from the kernel) is measured, and it is
scored with `rasa test nlu` on tests/dev only. Results accumulate in reports/dev-tuning.json and
are rendered in reports/dev-tuning.md: a setting is adopted only when it beats the shipped
configuration there, and then `make bench-training` measures it against the test set once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from bot.runtime.settings import PROJECT_ROOT
from bot.tooling.evaluation import DEV_SET, Candidate, run_rasa, score, shipped_config

REPORTS = PROJECT_ROOT / "reports"
RESULTS = REPORTS / "dev-tuning.json"
REPORT = REPORTS / "dev-tuning.md"


@dataclass(frozen=True)
class Trial:
    name: str
    settings: dict[str, int | float | str]
    cpu_minutes: float
    dev_intents: float
    dev_entities: float
    date: str
    commit: str  # the last commit that changed data/ or config.yml (the variants compare on the same one)


def parse_variant(text: str) -> tuple[str, dict[str, int | float | str]]:
    """`t1=number_of_transformer_layers:1,epochs:100` → ("t1", {...}); `livree=` is the shipped config."""
    name, _, body = text.partition("=")
    if not name.strip():
        raise argparse.ArgumentTypeError(f"« {text} » : un nom est attendu avant « = »")
    settings: dict[str, int | float | str] = {}
    for pair in filter(None, body.split(",")):
        key, sep, value = pair.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"« {pair} » : réglage attendu sous la forme clé:valeur")
        settings[key.strip()] = yaml.safe_load(value.strip())
    return name.strip(), settings


def variant_config(settings: dict) -> dict:
    config = shipped_config()
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component.update(settings)
    return config


def try_variant(name: str, settings: dict, scratch: Path) -> Trial:
    folder = scratch / name
    folder.mkdir()
    config = folder / "config.yml"
    config.write_text(yaml.safe_dump(variant_config(settings), allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_rasa(
        ["train", "nlu", "-c", str(config), "--nlu", "data/nlu", "--out", str(folder), "--fixed-model-name", "nlu"],
        {"RASA_CACHE_DIRECTORY": str(folder / "cache")},
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures = score(Candidate(name, name, dict), folder / "nlu.tar.gz", DEV_SET, folder / "dev")
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    return Trial(name, settings, round(cpu / 60, 1), figures.intent_accuracy, figures.entity_f1, today, _commit())


def _commit() -> str:
    """The last commit that changed the training data or config.yml, not HEAD: trials run on later commits
    that leave them alone compare with each other."""
    head = subprocess.run(
        ["git", "log", "-1", "--format=%h", "--", "data", "config.yml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "data", "config.yml"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    return (head.stdout.strip() or "?") + ("+" if dirty.stdout.strip() else "")


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %".replace(".", ",")


def render(trials: list[Trial]) -> str:
    rows = [
        f"| {t.name} | {', '.join(f'`{k}: {v}`' for k, v in t.settings.items()) or '(config.yml)'} | "
        f"{t.cpu_minutes:.1f} min | {_pct(t.dev_intents)} | {_pct(t.dev_entities)} | {t.date} | {t.commit} |"
        for t in trials
    ]
    return "\n".join(
        [
            "# Réglages de DIET essayés sur le jeu de développement (`python -m bot eval-dev`)",
            "",
            "Chaque variante est `config.yml` avec les réglages de DIETClassifier indiqués, entraînée sur "
            "`data/nlu` depuis un cache vide (NLU seule : temps CPU de l'entraînement, tous fils) et évaluée "
            "sur `tests/dev/nlu` seulement ; le jeu de test n'est jamais consulté ici. « données » : le dernier commit "
            "qui a modifié `data/` ou `config.yml` (+ : modifiés depuis) ; seules les lignes d'un même commit "
            "se comparent.",
            "",
            "| variante | réglages de DIET | CPU (NLU) | dév. : intentions | dév. : F1 entités | date | données |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


def record(trials: dict[tuple[str, str], Trial], trial: Trial) -> None:
    """A rerun on the same data replaces its row; on other data it adds one: rows compare only within a commit."""
    trials[(trial.name, trial.commit)] = trial


def load_trials() -> list[Trial]:
    return [Trial(**row) for row in json.loads(RESULTS.read_text(encoding="utf-8"))] if RESULTS.exists() else []


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot eval-dev", description=__doc__.splitlines()[0])
    parser.add_argument(
        "variantes", nargs="+", type=parse_variant, help="nom=clé:valeur,clé:valeur (livree= : tel quel)"
    )
    args = parser.parse_args(argv)
    trials = {(t.name, t.commit): t for t in load_trials()}
    with tempfile.TemporaryDirectory(prefix="dev-tuning-") as scratch:
        for name, settings in args.variantes:
            print(f"[eval-dev] {name} : entraînement NLU et jeu de développement…", flush=True)
            trial = try_variant(name, settings, Path(scratch))
            print(
                f"[eval-dev]   {trial.cpu_minutes:.1f} min de CPU, intentions {_pct(trial.dev_intents)}, "
                f"entités {_pct(trial.dev_entities)}",
                flush=True,
            )
            record(trials, trial)
    REPORTS.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps([asdict(t) for t in trials.values()], indent=2, ensure_ascii=False), encoding="utf-8")
    REPORT.write_text(render(list(trials.values())), encoding="utf-8")
    print(REPORT.read_text(encoding="utf-8"))
    return 0
