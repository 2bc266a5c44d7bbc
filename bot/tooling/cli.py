"""`python -m bot <commande>`: the one entry point of the project, with French help.

Each command names the module and function that run it; a module is imported only when its
command runs, so `python -m bot rasa run` (the Rasa server) does not load the staff or bench tools.
Every command function takes the remaining arguments and returns an exit code. Errors a user can
fix are one French line on stderr and a non-zero code, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from bot.runtime.quiet import silence


@dataclass(frozen=True)
class Command:
    module: str
    function: str
    help: str
    group: str


START, STAFF, MEASURE, PRODUCTION, INTERNAL = (
    "Pour commencer",
    "Personnel du lab",
    "Mesures",
    "Production",
    "Interne (lancé par les autres commandes)",
)

COMMANDS: dict[str, Command] = {
    "run": Command(
        "bot.runtime.launcher", "run_command", "démarrer l'assistant : actions, Rasa, page citoyenne", START
    ),
    "shell": Command("bot.runtime.launcher", "shell_command", "discuter avec l'assistant dans le terminal", START),
    "train": Command("bot.tooling.training", "main", "entraîner et signer le modèle, avec sa progression", START),
    "check": Command("bot.tooling.generate", "check_command", "valider le catalogue", START),
    "generate": Command(
        "bot.tooling.staff.commands", "generate_command", "générer tables de recherche et synonymes", START
    ),
    "console": Command("bot.tooling.console.server", "main", "console du lab dans le navigateur (port 8081)", STAFF),
    "staff-user": Command(
        "bot.tooling.console.server",
        "staff_user_command",
        "créer un compte de la console, changer son mot de passe",
        STAFF,
    ),
    "retrain": Command(
        "bot.tooling.staff.commands", "retrain_command", "valider, entraîner, tester puis publier", STAFF
    ),
    "rollback": Command(
        "bot.tooling.staff.commands", "rollback_command", "remettre le modèle précédent en service", STAFF
    ),
    "review": Command("bot.tooling.staff.commands", "review_command", "lister les messages mal compris", STAFF),
    "import": Command(
        "bot.tooling.staff.commands", "import_command", "ajouter des messages annotés aux exemples", STAFF
    ),
    "import-events": Command(
        "bot.tooling.importing.command",
        "import_events_command",
        "créer ou mettre à jour le catalogue depuis un .ics ou un export OpenAgenda",
        STAFF,
    ),
    "purge": Command("bot.tooling.purge", "purge_command", "supprimer les conversations trop anciennes", STAFF),
    "sign-model": Command("bot.tooling.purge", "sign_command", "signer un modèle de confiance", STAFF),
    "eval": Command("bot.tooling.evaluation", "main", "comparer les pipelines NLU (reports/summary.md)", MEASURE),
    "eval-dev": Command(
        "bot.tooling.dev_tuning", "main", "essayer des réglages de DIET sur le jeu de développement", MEASURE
    ),
    "bench": Command("bot.tooling.bench.rest", "main", "banc de vitesse du canal REST (reports/bench.md)", MEASURE),
    "bench-retrain": Command(
        "bot.tooling.bench.retrain", "main", "durées du réentraînement (reports/retrain.md)", MEASURE
    ),
    "bench-training": Command("bot.tooling.bench.training", "main", "coût CPU d'un entraînement complet", MEASURE),
    "bench-cluster": Command("bot.tooling.bench.cluster", "main", "banc du cluster (reports/cluster.md)", MEASURE),
    "cluster": Command("bot.tooling.deploy.command", "main", "nginx, 2 Rasa, 2 actions, PostgreSQL, Redis", PRODUCTION),
    "rasa": Command("bot.runtime.quiet", "rasa_command", "la commande rasa, sans bruit de dépréciation", INTERNAL),
    "action-server": Command("bot.runtime.action_server", "main", "serveur d'actions à jeton", INTERNAL),
    "web": Command("bot.web.server", "main", "page citoyenne seule", INTERNAL),
    "cache-status": Command("bot.tooling.staff.cache_status", "main", "le cache de Rasa sert-il la NLU ?", INTERNAL),
}


def usage() -> str:
    lines = ["usage : python -m bot <commande> [options]   (python -m bot <commande> --help pour ses options)"]
    for group in (START, STAFF, MEASURE, PRODUCTION, INTERNAL):
        lines += ["", f"{group} :"]
        lines += [f"  {name:<15} {c.help}" for name, c in COMMANDS.items() if c.group == group]
    return "\n".join(lines)


def resolve(name: str) -> Callable[[list[str]], int]:
    command = COMMANDS[name]
    silence()  # before the command's module imports Rasa, Sanic or TensorFlow
    return getattr(importlib.import_module(command.module), command.function)


def main(argv: Optional[list[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "aide"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"Commande inconnue : {name!r}.\n\n{usage()}", file=sys.stderr)
        return 2
    return int(resolve(name)(rest) or 0)
