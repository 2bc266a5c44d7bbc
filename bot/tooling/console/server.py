"""`python -m bot console`: serve the staff console on CONSOLE_HOST:CONSOLE_PORT (default 127.0.0.1:8081),
and `python -m bot staff-user NAME`: create a staff account or set its password and role."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

from aiohttp import web

from bot.runtime.settings import SettingsError, load_settings
from bot.runtime.startup_errors import explained
from bot.tooling.console.accounts import EDITOR, ROLES, AccountError, Accounts
from bot.tooling.console.app import SetupError, create_console_app
from bot.tooling.console.audit import AuditLog
from bot.tooling.console.database import connect
from bot.tooling.staff.project import Project


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s : %(message)s")
    return explained(serve, "Impossible de démarrer la console", (SetupError, SettingsError, ValueError))


def serve() -> int:
    settings = load_settings()
    app = create_console_app(settings)
    shown = "localhost" if settings.console_host in ("127.0.0.1", "0.0.0.0", "::") else settings.console_host
    print(f"Console du lab : http://{shown}:{settings.console_port}/", flush=True)
    web.run_app(
        app,
        host=settings.console_host,
        port=settings.console_port,
        access_log=None,
        print=None,
        handle_signals=True,
        shutdown_timeout=2,
    )
    return 0


def staff_user_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot staff-user",
        description="Créer un compte du personnel pour la console, ou changer son mot de passe et son rôle.",
    )
    parser.add_argument("nom", help="identifiant de connexion (minuscules, chiffres, point, tiret)")
    parser.add_argument(
        "--role", choices=ROLES, default=EDITOR, help="éditeur : annoter et modifier ; publieur : aussi publier"
    )
    parser.add_argument(
        "--mot-de-passe-stdin",
        action="store_true",
        help="lire le mot de passe sur l'entrée standard (automatisation) au lieu de le demander",
    )
    args = parser.parse_args(argv)
    if args.mot_de_passe_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mot de passe (12 caractères au moins) : ")
        if getpass.getpass("Le même, pour confirmer : ") != password:
            print("Les deux mots de passe diffèrent ; rien n'a été modifié.", file=sys.stderr)
            return 2
    engine = connect(Project.here().tracker_db)
    try:
        account = Accounts(engine).create_or_update(args.nom, password, args.role)
    except AccountError as exc:
        print(f"{exc} Rien n'a été modifié.", file=sys.stderr)
        return 2
    AuditLog(engine).record("terminal", "compte", f"{account.name} ({account.role})")
    print(f"Compte {account.name} ({account.role}) prêt : connectez-vous sur la console.")
    return 0
