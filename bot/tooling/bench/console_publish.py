"""Click to published through the staff console, after a story-only change (issue bar: < 90 s idle).

In a copy of the project with a copy of its Rasa cache, the real action, Rasa and console servers run as
`make run` starts them; an HTTP client does what a publieur's browser does: « Entraîner et tester »,
follow the progress stream to its end, « Publier » and confirm. The clock runs from the click to the
moment the console answers that the model is loaded in the running Rasa server, which is then checked.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import requests

from bot.runtime.launcher import console_command
from bot.runtime.settings import DSFR_DIST
from bot.tooling.bench.servers import free_port, launch, start_ours, wait_http
from bot.tooling.staff.sandbox import project_with_cache

PUBLISHER = "banc.publieur"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
TRAINING_TIMEOUT = 900  # seconds


class ConsoleClient:
    """A logged-in session: the cookie, and the CSRF token of the last page read."""

    def __init__(self, url: str) -> None:
        self.url, self.http, self.csrf = url, requests.Session(), ""

    def get(self, path: str, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
        response = self.http.get(self.url + path, timeout=60, **kwargs)
        found = CSRF_FIELD.search(response.text)
        self.csrf = found.group(1) if found else self.csrf
        return response

    def post(self, path: str, **fields: str) -> requests.Response:
        response = self.http.post(self.url + path, data={"csrf": self.csrf, **fields}, timeout=600)
        response.raise_for_status()
        return response

    def wait_for_the_end_of_training(self) -> None:
        with self.http.get(self.url + "/entrainement/flux", stream=True, timeout=60) as stream:
            deadline = time.monotonic() + TRAINING_TIMEOUT
            for line in stream.iter_lines(decode_unicode=True):
                if line == "event: fin":
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError("entraînement plus long que le délai du banc")
        raise RuntimeError("le flux de progression s'est fermé avant la fin de l'entraînement")


def add_publisher(root: Path, env: dict[str, str], password: str) -> None:
    command = [sys.executable, "-m", "bot", "staff-user", PUBLISHER, "--role", "publieur", "--mot-de-passe-stdin"]
    subprocess.run(command, cwd=root, env=env, input=password + "\n", text=True, capture_output=True, check=True)


def loaded_model(rasa_url: str, token: str) -> str:
    return requests.get(f"{rasa_url}/status", params={"token": token}, timeout=10).json()["model_file"]


def click_to_published(base: Path, change) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    """Seconds from « Entraîner et tester » to « publié et chargé », and the progress page's last lines."""
    root, cache = project_with_cache(base)
    (root / "var").mkdir(exist_ok=True)
    logs = base / "journaux"
    logs.mkdir()
    bot = start_ours(
        logs,
        root / "var" / "tracker.db",
        {"MODELS_DIR": str(root / "models"), "MOIS_CATALOGUE": str(root / "data" / "catalogue.yml")},
    )
    console = None
    try:
        env = {
            **bot.env,
            "CONSOLE_HOST": "127.0.0.1",
            "CONSOLE_PORT": str(free_port()),
            "RASA_CACHE_DIRECTORY": str(cache),
            "DSFR_DIST": str(DSFR_DIST),  # the copy has no node_modules/
        }
        password = secrets.token_urlsafe(16)
        add_publisher(root, env, password)
        console = launch("console", console_command(), env, logs, cwd=root)
        url = f"http://127.0.0.1:{env['CONSOLE_PORT']}"
        wait_http(console, url + "/healthz")

        client = ConsoleClient(url)
        client.get("/connexion")
        client.post("/connexion", identifiant=PUBLISHER, mot_de_passe=password, suite="/")
        client.get("/entrainement")
        before = loaded_model(bot.url, bot.env["RASA_API_TOKEN"])
        change(root)
        clicked = time.monotonic()
        client.post("/entrainement/lancer")
        client.wait_for_the_end_of_training()
        client.get("/entrainement/publier")
        published = client.post("/entrainement/publier")
        seconds = time.monotonic() - clicked
        if "publié et chargé dans le serveur Rasa" not in published.text:
            raise RuntimeError(
                "la console n'a pas publié le modèle :\n" + client.get("/entrainement/resultat").text[-2000:]
            )
        if loaded_model(bot.url, bot.env["RASA_API_TOKEN"]) == before:
            raise RuntimeError("le serveur Rasa sert toujours l'ancien modèle")
        return seconds, client.get("/entrainement/suivi").text
    finally:
        if console:
            console.stop()
        bot.stop()
