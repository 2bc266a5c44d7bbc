"""Fixtures of the staff console tests: a copy of the project, two staff accounts, the real console
server (`python -m bot console`, run in the copy) and a logged-in HTTP client.

The console edits data/, tests/ and models/ of the project it runs in: it always runs in a temporary
copy here, never in the working tree.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
import requests

from bot.runtime.launcher import console_command
from bot.runtime.settings import DSFR_DIST
from bot.tooling.staff.sandbox import copy_project
from tests.support.servers import Server, free_port, quiet_env, start
from tests.web.conftest import AXE, assert_no_axe_violations, browser, page, require_web_setup  # noqa: F401

EDITOR = ("eva.editrice", "un mot de passe d'éditrice", "éditeur")
PUBLISHER = ("paul.publieur", "un mot de passe de publieur", "publieur")
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def add_account(root: Path, name: str, password: str, role: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "staff-user", name, "--role", role, "--mot-de-passe-stdin"],
        cwd=root,
        env=console_env(root),
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def console_env(root: Path, **extra: str) -> dict[str, str]:
    return quiet_env(TRACKER_DB=str(root / "var" / "tracker.db"), DSFR_DIST=str(DSFR_DIST), **extra)


def start_console(root: Path, log_dir: Path, **extra_env: str) -> Server:
    """The console of the project copy at `root`, on a free loopback port, with both test accounts."""
    require_web_setup()
    (root / "var").mkdir(exist_ok=True)
    for name, password, role in (EDITOR, PUBLISHER):
        add_account(root, name, password, role)
    port = free_port()
    env = console_env(root, CONSOLE_HOST="127.0.0.1", CONSOLE_PORT=str(port), **extra_env)
    return start(
        "console", console_command(), f"http://127.0.0.1:{port}", "/healthz", log_dir, env, timeout=60, cwd=root
    )


@pytest.fixture(scope="module")
def console_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project (code, data, tests, served model) that the console may change."""
    return copy_project(tmp_path_factory.mktemp("console") / "projet")


@pytest.fixture(scope="module")
def console(console_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_console(console_project, tmp_path_factory.mktemp("console-logs"))
    yield server
    server.stop()


@dataclass
class StaffClient:
    """A browser-like HTTP client: keeps the session cookie, sends the page's CSRF token with each form."""

    base: str
    http: requests.Session
    csrf: str = ""

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.http.get(self.base + path, **kwargs)
        found = CSRF_FIELD.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: Optional[dict] = None, **kwargs: Any) -> requests.Response:
        if not self.csrf:
            self.get("/connexion")
        return self.http.post(self.base + path, data={"csrf": self.csrf, **(data or {})}, **kwargs)

    def log_in(self, name: str, password: str) -> requests.Response:
        self.get("/connexion")
        response = self.post("/connexion", {"identifiant": name, "mot_de_passe": password, "suite": "/"})
        self.get("/journal")  # the session's new CSRF token
        return response


def staff_client(console: Server, account: Optional[tuple[str, str, str]] = None) -> StaffClient:
    client = StaffClient(console.url, requests.Session())
    if account:
        response = client.log_in(account[0], account[1])
        assert response.ok, response.text[:500]
    return client


@pytest.fixture()
def editor(console: Server) -> StaffClient:
    return staff_client(console, EDITOR)


@pytest.fixture()
def publisher(console: Server) -> StaffClient:
    return staff_client(console, PUBLISHER)


def log_in_browser(browser_page, console: Server, account: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    browser_page.goto(console.url + "/connexion")
    browser_page.get_by_label("Identifiant", exact=True).fill(account[0])
    browser_page.get_by_label("Mot de passe", exact=True).fill(account[1])
    browser_page.get_by_role("button", name="Se connecter").click()
    browser_page.wait_for_url(lambda url: "/connexion" not in url)
