"""Fixtures of the web tests: the page server (`python -m bot web`, real HTTP) and headless Chromium.

The browser is Debian's /usr/bin/chromium driven by Playwright for Python; Playwright never
downloads a browser here. `make test-system web-assets` installs Chromium and the npm packages.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.settings import PROJECT_ROOT
from tests.support.servers import API_TOKEN, Server, free_port, quiet_env, start

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
DSFR = PROJECT_ROOT / "node_modules" / "@gouvfr" / "dsfr" / "dist" / "dsfr.min.css"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# RGAA 4.1 AA rests on WCAG 2.1 A and AA; axe's best practices are checked too.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def require_web_setup() -> None:
    missing = [str(p) for p in (CHROMIUM, AXE, DSFR) if not p.exists()]
    if missing:
        pytest.fail(
            f"Absent : {', '.join(missing)}. Lancez `make test-system web-assets` (Chromium de Debian et `npm ci`)."
        )


def start_web(log_dir: Path, rasa_url: str, name: str = "web") -> Server:
    port = free_port()
    env = quiet_env(
        WEB_HOST="127.0.0.1", WEB_PORT=str(port), RASA_URL=rasa_url, RASA_API_TOKEN=API_TOKEN, WEB_RASA_TIMEOUT="20"
    )
    return start(
        name, [sys.executable, "-m", "bot", "web"], f"http://localhost:{port}", "/healthz", log_dir, env, timeout=60
    )


@pytest.fixture(scope="session")
def web_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-logs")


@pytest.fixture(scope="module")
def web_server(rasa_server: Server, web_logs: Path) -> Iterator[Server]:
    """The page in front of the real Rasa server (tests/conftest.py)."""
    require_web_setup()
    server = start_web(web_logs, rasa_server.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fake_rasa(web_logs: Path) -> Iterator[Server]:
    port = free_port()
    server = start(
        "fake-rasa",
        [sys.executable, "-m", "tests.web.fake_rasa", str(port)],
        f"http://127.0.0.1:{port}",
        "/",
        web_logs,
        quiet_env(),
        timeout=60,
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web_fake(fake_rasa: Server, web_logs: Path) -> Iterator[Server]:
    """The page in front of a scripted Rasa whose replies carry HTML and hostile links."""
    require_web_setup()
    server = start_web(web_logs, fake_rasa.url, name="web-fake")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web_down(web_logs: Path) -> Iterator[Server]:
    """The page in front of nothing: Rasa is down."""
    require_web_setup()
    server = start_web(web_logs, f"http://127.0.0.1:{free_port()}", name="web-down")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_web_setup()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """What the page did that it should not: script errors, CSP refusals, alert() dialogs."""

    def __init__(self, page) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        text = message.text
        if message.type == "error" and "status of 503" not in text:
            self.errors.append(f"console: {text}")
        elif "Content Security Policy" in text or "TrustedHTML" in text or "Trusted Type" in text:
            self.errors.append(f"csp: {text}")

    def _dialog(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.watch = PageWatch(page)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core (node_modules/axe-core) on the current page, under the page's own CSP."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_no_axe_violations(page, when: str) -> None:  # type: ignore[no-untyped-def]
    violations = axe_violations(page)
    assert violations == [], f"axe ({when}) : " + json.dumps(violations, ensure_ascii=False, indent=1)
