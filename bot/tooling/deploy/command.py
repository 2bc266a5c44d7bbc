"""`python -m bot cluster [--rasa N] [--actions M] [--port P]` (make cluster)."""

from __future__ import annotations

import argparse
import sys

from bot.runtime.launcher import StartupError
from bot.tooling.deploy.cluster import run_cluster


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot cluster",
        description="Topologie de production sur une machine : PostgreSQL, Redis, serveurs d'actions, instances Rasa, nginx.",
    )
    parser.add_argument("--rasa", type=int, default=2, help="nombre d'instances Rasa (défaut 2)")
    parser.add_argument("--actions", type=int, default=2, help="nombre de serveurs d'actions (défaut 2)")
    parser.add_argument("--port", type=int, default=8000, help="port public de nginx (défaut 8000)")
    args = parser.parse_args(argv)
    if args.rasa < 1 or args.actions < 1:
        parser.error("il faut au moins une instance Rasa et un serveur d'actions")
    try:
        return run_cluster(args.rasa, args.actions, args.port)
    except (StartupError, ValueError) as exc:
        print(f"Impossible de démarrer le cluster — {exc}", file=sys.stderr)
        return 2
