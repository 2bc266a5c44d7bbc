"""`python -m bot train`: Rasa's training, with its progress said in French, then the model signed.

Rasa prints nothing for minutes at its usual log level, and tqdm bars at the verbose one. Here
the stages (each component of the graph, trained or restored from Rasa's cache), DIET's epochs
and the elapsed time are printed as plain lines, which also read well in CI logs.
The model takes the date the training started: a file edited during the training makes the
next `make train` run again.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

from bot.runtime.model_signing import ModelSignatureError, sign
from bot.runtime.quiet import silence
from bot.runtime.settings import PROJECT_ROOT

MODEL_NAME = "mois-innovation"
EPOCH_REPORTS = 10  # DIET's progress is printed this many times per training

# What each component learns, in the staff's words.
COMPONENT_NAMES = {
    "SpacyNLP": "modèle de langue spaCy",
    "CountVectorsFeaturizer": "vocabulaire (mots, n-grammes de caractères)",
    "RegexFeaturizer": "expressions régulières et tables de recherche",
    "LexicalSyntacticFeaturizer": "traits lexicaux",
    "DIETClassifier": "DIET (intentions et entités)",
    "EntityBoundaryCleaner": "nettoyage des entités",
    "EntitySynonymMapper": "synonymes",
    "FallbackClassifier": "repli sur message incompris",
    "RulePolicy": "règles du dialogue",
    "MemoizationPolicy": "histoires mémorisées",
    "TEDPolicy": "TEDPolicy (dialogue)",
}


class Progress:
    """Prints « [entraînement m:ss] … » lines, timed from the start of the command."""

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self.started = time.monotonic()
        self.write = write

    def elapsed(self) -> str:
        seconds = int(time.monotonic() - self.started)
        return f"{seconds // 60}:{seconds % 60:02d}"

    def say(self, text: str) -> None:
        self.write(f"[entraînement {self.elapsed()}] {text}")


class StageLines(logging.Handler):
    """Turns the messages of Rasa's training hooks into French stage lines."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        component = message.split("'")[1] if message.count("'") >= 2 else ""
        label = COMPONENT_NAMES.get(component, component)
        if message.startswith("Starting to train"):
            self.progress.say(f"{label} : apprentissage…")
        elif message.startswith("Restored component"):
            self.progress.say(f"{label} : repris du cache")
        elif message.startswith("Finished training"):
            self.progress.say(f"{label} : terminé")


def epoch_logger(progress: Progress) -> type:
    """A drop-in for Rasa's tqdm epoch logger that prints a line every tenth of the epochs."""
    import tensorflow as tf

    class EpochLines(tf.keras.callbacks.Callback):
        def __init__(self, epochs: int, silent: bool) -> None:
            super().__init__()
            self.epochs = epochs
            self.every = max(1, epochs // EPOCH_REPORTS)

        def on_epoch_end(self, epoch: int, logs: Optional[dict[str, Any]] = None) -> None:
            done = epoch + 1
            if done % self.every == 0 or done == self.epochs:
                accuracy = (logs or {}).get("i_acc")
                detail = (
                    f", exactitude des intentions {float(accuracy):.3f}".replace(".", ",")
                    if accuracy is not None
                    else ""
                )
                progress.say(f"  époque {done}/{self.epochs}{detail}")

    return EpochLines


def install_progress(progress: Progress) -> None:
    """Route Rasa's stage messages and DIET's epochs to `progress`; everything else stays at WARNING."""
    import rasa.utils.train_utils as train_utils

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s : %(message)s")
    hooks = logging.getLogger("rasa.engine.training.hooks")
    hooks.setLevel(logging.INFO)
    hooks.propagate = False
    hooks.addHandler(StageLines(progress))
    # Rasa builds its epoch logger from this module-level name: replacing it is the one way in.
    train_utils.RasaTrainingLogger = epoch_logger(progress)


def train_model(config: Path, out: Path, force: bool, progress: Progress) -> Optional[Path]:
    """Train as `rasa train` does (validation first) and return the model, or None when Rasa refused."""
    import rasa.api
    import rasa.cli.utils
    from rasa.shared.importers.importer import TrainingDataImporter

    domain, data = PROJECT_ROOT / "domain.yml", [PROJECT_ROOT / "data"]
    progress.say("vérification du domaine et des données…")
    importer = TrainingDataImporter.load_from_config(
        domain_path=str(domain), training_data_paths=[str(d) for d in data], config_path=str(config)
    )
    rasa.cli.utils.validate_files(False, 3, importer)
    progress.say("entraînement du graphe de Rasa (composants repris du cache quand rien n'a changé)…")
    result = rasa.api.train(
        domain=str(domain),
        config=str(config),
        training_files=[str(d) for d in data],
        output=str(out),
        force_training=force,
        fixed_model_name=MODEL_NAME,
    )
    return Path(result.model) if result.code == 0 and result.model else None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot train", description="Entraîner et signer le modèle de l'assistant."
    )
    parser.add_argument(
        "--config", type=Path, default=PROJECT_ROOT / "config.yml", help="configuration (défaut : config.yml)"
    )
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "models", help="dossier des modèles (défaut : models/)"
    )
    parser.add_argument("--force", action="store_true", help="tout réentraîner, sans le cache de Rasa")
    args = parser.parse_args(argv)
    silence()
    started = time.time()
    progress = Progress(lambda line: print(line, flush=True))
    install_progress(progress)
    model = train_model(args.config, args.out, args.force, progress)
    if model is None:
        print("Entraînement impossible : voir les messages de Rasa ci-dessus.", file=sys.stderr)
        return 1
    os.utime(model, (started, started))
    try:
        sign(model)
    except ModelSignatureError as exc:
        print(f"Signature impossible — {exc}", file=sys.stderr)
        return 2
    cpu = sum(os.times()[:4])
    progress.say(
        f"modèle écrit et signé : {model.relative_to(PROJECT_ROOT) if model.is_relative_to(PROJECT_ROOT) else model} "
        f"({cpu / 60:.1f} min de CPU)"
    )
    return 0
