"""`python -m bot cluster [--rasa N] [--actions M] [--port P]` (make cluster)."""

from __future__ import annotations

import argparse
import sys

from bot.runtime.launcher import StartupError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot cluster", description="Topologie de production sur une machine."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cluster = commands.add_parser("cluster", help="PostgreSQL, Redis, serveurs d'actions, instances Rasa, nginx")
    cluster.add_argument("--rasa", type=int, default=2, help="nombre d'instances Rasa (défaut 2)")
    cluster.add_argument("--actions", type=int, default=2, help="nombre de serveurs d'actions (défaut 2)")
    cluster.add_argument("--port", type=int, default=8000, help="port public de nginx (défaut 8000)")
    args = parser.parse_args(argv)
    if args.rasa < 1 or args.actions < 1:
        parser.error("il faut au moins une instance Rasa et un serveur d'actions")
    from bot.tooling.deploy.cluster import run_cluster

    try:
        return run_cluster(args.rasa, args.actions, args.port)
    except (StartupError, ValueError) as exc:
        print(f"Impossible de démarrer le cluster — {exc}", file=sys.stderr)
        return 2
