"""`python -m bot purge` and `python -m bot sign-model <modèle>`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rasa.utils.endpoints import read_endpoint_config

from bot.runtime.model_signing import ModelSignatureError, sign
from bot.runtime.settings import PROJECT_ROOT, export, load_settings, server_environment
from bot.runtime.startup_errors import explained
from bot.runtime.stores.retention import retention_days
from bot.runtime.stores.tracker_store import GuardedSQLTrackerStore


def _purge(args: argparse.Namespace) -> int:
    """Delete conversations beyond TRACKER_RETENTION_DAYS in the store endpoints.yml names (SQLite or PostgreSQL)."""
    settings = load_settings()
    days = retention_days()
    export(server_environment(settings))  # endpoints.yml's ${TRACKER_...}, as `make run` sets them
    config = read_endpoint_config(str(args.endpoints), "tracker_store")
    if config is None:
        print(
            f"Pas de base des conversations (tracker_store) dans {args.endpoints} : rien à supprimer.", file=sys.stderr
        )
        return 2
    # The store endpoints.yml names (an --endpoints file may name another one than the environment's).
    if config.kwargs.get("dialect", "sqlite") == "sqlite" and not Path(str(config.kwargs.get("db") or "")).exists():
        print(f"Aucune base des conversations ({config.kwargs.get('db')}) : rien à supprimer.")
        return 0
    store = GuardedSQLTrackerStore(host=config.url, purge_on_start=False, **config.kwargs)
    try:
        counts = store.purge()
    finally:
        store.engine.dispose()
    print(counts.describe(days))
    return 0


def _sign_model(args: argparse.Namespace) -> int:
    try:
        for model in args.models:
            print(f"Modèle signé : {sign(Path(model))}")
    except ModelSignatureError as exc:
        print(f"Signature impossible — {exc}", file=sys.stderr)
        return 2
    return 0


def purge_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot purge",
        description="Supprimer les conversations plus anciennes que TRACKER_RETENTION_DAYS (défaut 90).",
    )
    parser.add_argument(
        "--endpoints", type=Path, default=PROJECT_ROOT / "endpoints.yml", help="fichier endpoints.yml de Rasa"
    )
    return explained(lambda: _purge(parser.parse_args(argv)), "Purge impossible", (ValueError,))


def sign_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot sign-model",
        description="Signer un modèle auquel vous faites confiance (seuls les modèles signés sont chargés).",
    )
    parser.add_argument("models", nargs="+", metavar="modèle")
    return _sign_model(parser.parse_args(argv))
