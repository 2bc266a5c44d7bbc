"""Staff and build commands: `python -m bot <command>`.

Errors are printed as one French line on stderr with a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse

from bot.catalogue import DEFAULT_CATALOGUE_PATH, load_catalogue
from bot.generate import GENERATED_PATH
from bot.privacy import commands as privacy
from bot.serve import StartupError, run_servers, run_shell
from bot.startup_errors import explained
from bot.staff import commands as staff


def _generate(args: argparse.Namespace) -> int:
    return staff.generate(args)  # also reports names the served model has not learnt


def _check(args: argparse.Namespace) -> int:
    catalogue = load_catalogue(args.catalogue)
    print(f"Catalogue valide : {len(catalogue.events)} événements, {len(catalogue.organisers)} organisateurs, "
          f"{len(catalogue.topics)} thèmes, {len(catalogue.projects)} projets.")
    return 0


def _run(args: argparse.Namespace) -> int:
    return run_servers()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Outils de l'assistant du Mois de l'innovation publique")
    parser.add_argument("--catalogue", default=str(DEFAULT_CATALOGUE_PATH), help="fichier catalogue (défaut : data/catalogue.yml)")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="générer tables de recherche et synonymes depuis le catalogue")
    gen.add_argument("--output", default=str(GENERATED_PATH))
    gen.set_defaults(func=_generate)
    sub.add_parser("check", help="valider le catalogue").set_defaults(func=_check)
    sub.add_parser("run", help="démarrer le serveur d'actions et le serveur Rasa").set_defaults(func=_run)
    sub.add_parser("shell", help="discuter avec l'assistant dans le terminal").set_defaults(func=lambda _: run_shell())
    staff.add_subcommands(sub)  # retrain, rollback, review, import (bot/staff/)
    privacy.add_subcommands(sub)  # purge, sign-model (bot/privacy/)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return explained(lambda: args.func(args), "Impossible de démarrer", (StartupError, ValueError))
