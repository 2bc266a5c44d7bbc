"""Start the action server, the Rasa server and the citizens' page together; Ctrl-C stops them all.

A server that stops is started again while the others keep serving (bot/runtime/supervisor.py).

Checks first what would make start-up fail obscurely (catalogue, model) and says it in one line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Optional

from bot.domain.catalogue import CatalogueError, load_catalogue
from bot.runtime.model_signing import ModelSignatureError, verified_copy
from bot.runtime.settings import (
    API_TOKEN_VARIABLE,
    PROJECT_ROOT,
    Settings,
    api_token,
    load_settings,
    server_environment,
)
from bot.runtime.startup_errors import explained
from bot.runtime.supervisor import Program, Supervisor, stopping_on_signals
from bot.web.config import page_jwt_secret, rasa_jwt_arguments

MODEL_NAME = "mois-innovation"
LOOPBACK = "127.0.0.1"
# The supervisor's names of the three servers, in its French messages.
ACTION_SERVER, RASA_SERVER, WEB_SERVER, CONSOLE = (
    "serveur d'actions",
    "serveur Rasa",
    "page citoyenne",
    "console du lab",
)


class StartupError(RuntimeError):
    """A problem the user can fix, said in one French sentence."""


def catalogue_path() -> Path:
    """MOIS_CATALOGUE, the action server's variable, else data/catalogue.yml: both servers check the same file."""
    return load_settings().catalogue_path


def check_catalogue() -> None:
    """Refuse to start on an invalid catalogue, saying where and how to fix it."""
    try:
        load_catalogue(catalogue_path())
    except CatalogueError as exc:
        raise StartupError(
            f"catalogue invalide : {exc}. Corrigez le fichier, vérifiez avec `make validate`, "
            "puis `make train` s'il a changé."
        ) from None


def latest_model(models_dir: Path) -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise StartupError(
            f"aucun modèle entraîné dans {models_dir} : lancez `make train` (ou `make run`, qui entraîne au besoin)."
        )
    if not _readable_archive(models[-1]):
        raise StartupError(
            f"modèle illisible ({models[-1]}, archive tronquée ou corrompue) : supprimez-le et lancez `make train`."
        )
    return models[-1]


def trusted_model(models_dir: Path) -> Path:
    """The latest model, only if this project's training signed it (a model archive is code: bot/runtime/model_signing.py):
    a private copy, checked as it was copied, which is what Rasa loads (the original may change after the check)."""
    model = latest_model(models_dir)
    try:
        return verified_copy(model)
    except ModelSignatureError as exc:
        raise StartupError(str(exc)) from None


def _readable_archive(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except (OSError, EOFError, tarfile.TarError):  # truncated gzip, unreadable file
        return False


def action_server_command(settings: Settings) -> list[str]:
    """rasa-sdk behind ACTION_SERVER_TOKEN, bound to ACTION_HOST (loopback by default): bot/runtime/action_server.py."""
    return [sys.executable, "-m", "bot", "action-server", "--actions", "actions", "--port", str(settings.action_port)]


def rasa_server_command(settings: Settings, model: Path, token: str, extra: Optional[list[str]] = None) -> list[str]:
    if not token or not token.strip():
        # Rasa would serve its HTTP API (conversations, model upload) to anyone.
        raise StartupError(
            "jeton de l'API Rasa vide : définissez RASA_API_TOKEN ou supprimez var/rasa-api-token "
            "pour qu'un nouveau soit généré."
        )
    return [
        sys.executable,
        "-m",
        "bot",
        "rasa",
        "run",
        "--model",
        str(model),
        "--interface",
        settings.rasa_host,
        "--port",
        str(settings.rasa_port),
        "--enable-api",
        f"--auth-token={token}",  # `=`: a token may start with « - »
        # The page's one-conversation tokens (it never gets the API token): bot/web/config.py.
        *rasa_jwt_arguments(page_jwt_secret(create=True)),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--endpoints",
        str(PROJECT_ROOT / "endpoints.yml"),
        *(extra or []),
    ]


def web_server_command() -> list[str]:
    return [sys.executable, "-m", "bot", "web"]


def console_command() -> list[str]:
    """The staff console (bot/tooling/console), a child like the others: started by name, never imported here."""
    return [sys.executable, "-m", "bot", "console"]


def web_environment(settings: Settings, env: dict[str, str], token: str) -> dict[str, str]:
    """The page talks to this Rasa server; WEB_HOST, WEB_PORT and WEB_ALLOWED_ORIGINS pass through. Never Rasa's
    API `token` (with it, PUT /model loads an unsigned model): the page, facing the internet, reads a conversation
    with a token for that conversation alone (bot/web/config.py)."""
    web_env = dict(env)
    rasa_host = "127.0.0.1" if settings.rasa_host in ("0.0.0.0", "::", "") else settings.rasa_host
    web_env.setdefault("RASA_URL", f"http://{rasa_host}:{settings.rasa_port}")
    web_env.pop(API_TOKEN_VARIABLE, None)
    return web_env


def _prepare() -> tuple[Settings, Path, dict[str, str]]:
    """What `run` and `shell` check and set up before starting anything: settings, model, environment."""
    # Every variable first (ports, TRACKER_RETENTION_DAYS, ADMISSION_SLOTS...): a bad value stops here in one
    # French line, before the servers would fail with a traceback.
    settings = load_settings()
    check_catalogue()
    model = trusted_model(settings.models_dir)
    Path(settings.tracker_db).parent.mkdir(parents=True, exist_ok=True)
    env = server_environment(settings)
    load_settings(env)  # and what the servers will read (ADMISSION_SLOTS=4, TRACKER_SQLITE_WAL=1 of `make run`)
    return settings, model, env


def run_servers() -> int:
    """The three servers under one supervisor (bot/runtime/supervisor.py): one that stops is started again
    while the others keep serving; one that crashes in a loop stops everything (exit code 1)."""
    settings, model, env = _prepare()
    token = api_token()
    supervisor = Supervisor()
    servers = (
        (ACTION_SERVER, action_server_command(settings), env),
        (RASA_SERVER, rasa_server_command(settings, model, token), env),
        (WEB_SERVER, web_server_command(), web_environment(settings, env, token)),
        (CONSOLE, console_command(), env),
    )
    try:
        for name, command, environment in servers:
            supervisor.start(Program(name, _spawner(command, environment)))
    except BaseException:
        supervisor.stop()
        raise
    print(
        f"Serveur d'actions : http://{settings.action_host}:{settings.action_port}\n"
        f"Serveur Rasa      : http://{settings.rasa_host}:{settings.rasa_port} (modèle {model.name})\n"
        f"  REST : POST /webhooks/rest/webhook   API : jeton dans var/rasa-api-token\n"
        f"Page citoyenne    : http://localhost:{env.get('WEB_PORT', '8080')}/\n"
        f"Console du lab    : http://localhost:{settings.console_port}/ (compte : make staff-user NAME=...)\n"
        "Un serveur arrêté est relancé ; Ctrl-C pour tout arrêter.",
        flush=True,
    )
    with stopping_on_signals(supervisor):
        return supervisor.run()


def _spawner(command: list[str], env: dict[str, str]) -> Callable[[], subprocess.Popen]:
    # Own session: Ctrl-C reaches the launcher only, which stops the servers in order and does not take
    # their exit for a crash.
    return lambda: subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, start_new_session=True)


def shell_command_line(settings: Settings, model: Path) -> list[str]:
    """`rasa shell` with its server on loopback (Rasa's default interface is 0.0.0.0)."""
    return [
        sys.executable,
        "-m",
        "bot",
        "rasa",
        "shell",
        "--model",
        str(model),
        "--endpoints",
        str(PROJECT_ROOT / "endpoints.yml"),
        "--interface",
        LOOPBACK,
        "--port",
        str(settings.rasa_port),
    ]


def run_shell() -> int:
    """`rasa shell` in the terminal, with the action server started alongside."""
    settings, model, env = _prepare()
    actions = subprocess.Popen(
        action_server_command(settings), cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return subprocess.call(shell_command_line(settings, model), cwd=PROJECT_ROOT, env=env)
    finally:
        actions.terminate()
        actions.wait(timeout=15)


def run_command(argv: list[str]) -> int:
    """`python -m bot run`: every server on the embedded defaults; Ctrl-C stops them all."""
    _no_options("run", argv)
    return explained(run_servers, "Impossible de démarrer", (StartupError, ValueError))


def shell_command(argv: list[str]) -> int:
    """`python -m bot shell`: a conversation in the terminal."""
    _no_options("shell", argv)
    return explained(run_shell, "Impossible de démarrer", (StartupError, ValueError))


def _no_options(command: str, argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog=f"python -m bot {command}", description=(run_command if command == "run" else shell_command).__doc__
    )
    parser.parse_args(argv)
