"""Start the real servers on loopback for tests, wait until they answer, stop them after."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

import requests

from bot.runtime.settings import PROJECT_ROOT, load_settings, tracker_environment
from bot.tooling.processes import LoggedProcess, free_port
from bot.web.config import page_jwt_secret, rasa_jwt_arguments

# The press kit's events took place in November 2020: relative dates ("demain") are pinned to
# the day before the first event so tests mean the same thing every day.
REFERENCE_DATE = "2020-11-18"
API_TOKEN = "test-api-token-0123456789"
# The action server refuses calls without it (bot/runtime/action_server.py); Rasa sends it (endpoints.yml).
ACTION_TOKEN = "test-action-token-0123456789"
# One test machine plays thousands of users from 127.0.0.1: the per-IP limit is off unless a test sets it
# (tests/security). The per-sender limit keeps its defaults.
TEST_SERVER_DEFAULTS = {"ACTION_SERVER_TOKEN": ACTION_TOKEN, "RATE_LIMIT_IP_PER_MINUTE": "0"}


def quiet_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TF_CPP_MIN_LOG_LEVEL="3", TQDM_DISABLE="1", PYTHONWARNINGS="ignore", MOIS_REFERENCE_DATE=REFERENCE_DATE)
    env.update(extra)
    return env


@dataclass
class Server(LoggedProcess):
    url: str = ""
    env: dict = field(default_factory=dict)


def start(
    name: str,
    command: list[str],
    url: str,
    health_path: str,
    log_dir: Path,
    env: dict,
    timeout: float = 240,
    cwd: Path = PROJECT_ROOT,
) -> Server:
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:  # the server writes through its own copy of the descriptor
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, process, log_path, url=url, env=env)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} s'est arrêté au démarrage (code {process.returncode}) :\n{server.log_tail()}")
        try:
            if requests.get(url + health_path, timeout=2).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"{name} ne répond pas après {timeout:.0f} s :\n{server.log_tail()}")


def start_action_server(log_dir: Path, port: Optional[int] = None, **extra_env: str) -> Server:
    port = port or free_port()
    env = quiet_env(**{**TEST_SERVER_DEFAULTS, "ACTION_HOST": "127.0.0.1", **extra_env})
    from bot.runtime.launcher import action_server_command

    command = action_server_command(load_settings({**env, "ACTION_PORT": str(port)}))
    return start("action-server", command, f"http://127.0.0.1:{port}", "/health", log_dir, env)


def start_rasa_server(
    model: Path,
    action_url: str,
    log_dir: Path,
    tracker_db: Path,
    port: Optional[int] = None,
    extra_args: Optional[list[str]] = None,
    **extra_env: str,
) -> Server:
    port = port or free_port()
    env = quiet_env(
        **{
            **TEST_SERVER_DEFAULTS,
            "ACTION_SERVER_URL": f"{action_url}/webhook",
            "TRACKER_DB": str(tracker_db),
            **extra_env,
        }
    )
    env = tracker_environment(load_settings(env), env)  # endpoints.yml expands every TRACKER_* variable
    command = [
        sys.executable,
        "-m",
        "bot",
        "rasa",
        "run",
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--enable-api",
        "--auth-token",
        API_TOKEN,
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--endpoints",
        str(PROJECT_ROOT / "endpoints.yml"),
        *(extra_args or []),
    ]
    if not any(
        argument.startswith("--jwt-secret") for argument in command
    ):  # the page reads its conversations with JWTs signed by this key, as with make run
        command += rasa_jwt_arguments(page_jwt_secret(create=True))
    return start("rasa-server", command, f"http://127.0.0.1:{port}", "/", log_dir, env)


def ask(rasa: Server, sender: str, text: str, timeout: float = 30) -> list[dict]:
    """One user message over the REST channel; the bot's messages in order."""
    response = requests.post(
        f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )
    response.raise_for_status()
    return response.json()


def replay(rasa: Server, sender: str, text: str, understood: dict, action: str, timeout: float = 30) -> list[dict]:
    """A user message as a model once understood it, then the action the rules choose for that
    understanding, run by the real Rasa and action servers; the bot's messages in order.

    For tests whose premise is a misunderstanding: a retrained model understands differently, a
    recorded understanding does not. `understood` is Rasa's parse (intent, intent_ranking, entities)."""
    conversation = f"{rasa.url}/conversations/{quote(sender, safe=':')}"
    params = {"token": API_TOKEN, "include_events": "NONE"}

    def post(path: str, body: dict) -> requests.Response:
        response = requests.post(conversation + path, params=params, json=body, timeout=timeout)
        response.raise_for_status()
        return response

    # Open the session first: Rasa stamps a new conversation's session start after the timestamp of the
    # event that opens it, and the store reads a conversation from its last session start on.
    post("/tracker/events", {"event": "action", "name": "action_listen"})
    parse = {"text": text, "entities": [], **understood}
    post("/tracker/events", {"event": "user", "text": text, "parse_data": parse, "input_channel": "rest"})
    executed = post("/execute", {"name": action})
    return executed.json().get("messages") or []


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


# Token the agents' channel (Mattermost/Osmose) accepts in tests: 26 characters like Mattermost's.
AGENTS_TEST_TOKEN = "xbtestmattermosttoken00001"
