"""`python -m bot run` keeps serving when one of its servers dies: the dead one is started again (with
back-off) while the others go on; one that crashes in a loop stops everything with a French line and a
non-zero code; SIGTERM stops everything cleanly. Also: the launched Rasa and action servers refuse a large
body before reading it (Sanic's own limit, set by the launcher).

The end-to-end tests run the real launcher on free loopback ports and kill its children with SIGKILL,
found as the launcher's children in /proc.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
import requests

from bot.domain.catalogue import load_catalogue
from bot.runtime.settings import PROJECT_ROOT
from bot.runtime.supervisor import GAVE_UP, Program, RestartPolicy, Supervisor
from tests.support.servers import API_TOKEN, TEST_SERVER_DEFAULTS, free_port, quiet_env

REST = "/webhooks/rest/webhook"
QUESTION = "Qui organise le serious game ?"
ANSWER = "IRA de Nantes"
APOLOGY = "je ne peux pas répondre pour le moment"
CONTACT = load_catalogue().contact.name


# --- the rule, on fake commands (fast) -----------------------------------------------------------------------


def test_the_delay_doubles_and_five_stops_within_a_minute_is_a_crash_loop():
    policy = RestartPolicy()
    assert [policy.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 16, 16]
    assert not policy.gives_up(4) and policy.gives_up(5)


def test_a_crashing_command_is_restarted_with_back_off_then_everything_stops_in_french():
    messages: list[str] = []
    policy = RestartPolicy(max_crashes=3, window=60, first_delay=0.1, max_delay=0.2)
    supervisor = Supervisor(policy, say=messages.append, poll_interval=0.02)
    spawned: list[float] = []

    def crashing() -> subprocess.Popen:
        spawned.append(time.monotonic())
        return subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])

    steady = supervisor.start(
        Program("serveur stable", lambda: subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
    )
    steady_pid = steady.process.pid
    supervisor.start(Program("serveur fragile", crashing))
    started = time.monotonic()
    assert supervisor.run() == GAVE_UP
    assert time.monotonic() - started < 10

    assert len(spawned) == 3  # started, restarted twice, then given up at the third stop
    gaps = [later - earlier for earlier, later in zip(spawned, spawned[1:], strict=False)]
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2  # the delay grows
    assert [m for m in messages if m.startswith("Arrêt inattendu")] == [
        "Arrêt inattendu de « serveur fragile » (code 3) : redémarrage dans 0.1 s, les autres serveurs continuent.",
        "Arrêt inattendu de « serveur fragile » (code 3) : redémarrage dans 0.2 s, les autres serveurs continuent.",
    ]
    assert messages[-1].startswith("« serveur fragile » : 3 arrêts en 60 s (dernier : code 3), il plante en boucle")
    # The steady server kept its process until the crash loop, then was stopped with the rest.
    assert steady.process.pid == steady_pid and steady.process.poll() is not None


@dataclass
class FakeProcess:
    returncode: Optional[int] = None
    pid: int = 4242

    def poll(self) -> Optional[int]:
        return self.returncode


def test_stops_far_apart_are_never_a_crash_loop():
    now = [0.0]
    supervisor = Supervisor(RestartPolicy(max_crashes=3, window=60), say=lambda _: None, clock=lambda: now[0])
    processes: list[FakeProcess] = []

    def spawn() -> FakeProcess:
        processes.append(FakeProcess())
        return processes[-1]

    supervisor.start(Program("serveur", spawn))  # type: ignore[arg-type]
    for _ in range(10):  # one stop every 31 s: never 3 within 60 s
        processes[-1].returncode = -9
        assert supervisor.check() is None
        now[0] += 31
        assert supervisor.check() is None  # the restart, after its delay
    assert len(processes) == 11
    processes[-1].returncode = -9
    now[0] += 1
    assert supervisor.check() is None  # 2 stops within 60 s (at 279 and 311 s)
    now[0] += 16
    supervisor.check()
    processes[-1].returncode = -9
    assert supervisor.check() == GAVE_UP  # the third within 60 s


# --- the real launcher --------------------------------------------------------------------------------------


@dataclass
class Launched:
    process: subprocess.Popen
    log: Path
    rasa: str
    actions: str
    page: str
    console: str

    def children(self) -> dict[str, int]:
        """The launcher's live children by role, from /proc (a killed child, until reaped, is a zombie)."""
        found: dict[str, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) != self.process.pid or fields[0] == "Z":
                continue
            arguments = [a.decode(errors="replace") for a in cmdline]
            role = next((r for a, r in CHILD_ROLES if a in arguments), "page")
            found[role] = int(entry.name)
        return found

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


CHILD_ROLES = (("action-server", "actions"), ("rasa", "rasa"), ("console", "console"))  # else the page


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def wait_for(condition: Callable[[], bool], timeout: float, what: str, launched: Optional[Launched] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    tail = launched.log_text()[-3000:] if launched else ""
    pytest.fail(f"{what} : toujours pas après {timeout:.0f} s\n{tail}")


@pytest.fixture(scope="module")
def launched(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launched]:
    folder = tmp_path_factory.mktemp("launcher")
    rasa_port, action_port, web_port, console_port = free_port(), free_port(), free_port(), free_port()
    env = quiet_env(
        **TEST_SERVER_DEFAULTS,
        RASA_API_TOKEN=API_TOKEN,
        MODELS_DIR=str(trained_model.parent),
        TRACKER_DB=str(folder / "tracker.db"),
        RASA_HOST="127.0.0.1",
        RASA_PORT=str(rasa_port),
        ACTION_HOST="127.0.0.1",
        ACTION_PORT=str(action_port),
        ACTION_SERVER_URL=f"http://127.0.0.1:{action_port}/webhook",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(web_port),
        CONSOLE_HOST="127.0.0.1",
        CONSOLE_PORT=str(console_port),
    )
    for inherited in ("RASA_URL", "SANIC_REQUEST_MAX_SIZE", "REDIS_URL", "TRACKER_DIALECT"):
        env.pop(inherited, None)
    log = folder / "launcher.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    running = Launched(
        process,
        log,
        f"http://127.0.0.1:{rasa_port}",
        f"http://127.0.0.1:{action_port}",
        f"http://127.0.0.1:{web_port}",
        f"http://127.0.0.1:{console_port}",
    )
    try:
        wait_for(
            lambda: (
                process.poll() is None
                and _answers(running.rasa + "/")
                and _answers(running.actions + "/health")
                and _answers(running.page + "/healthz")
                and _answers(running.console + "/healthz")
            ),
            300,
            "le lanceur ne sert pas",
            running,
        )
        yield running
    finally:
        if process.poll() is None:
            children = running.children().values()
            process.terminate()
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
            for pid in children:  # nothing left behind, whatever the test did
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def rest(launched: Launched, sender: str, text: str = QUESTION) -> requests.Response:
    return requests.post(launched.rasa + REST, json={"sender": sender, "message": text}, timeout=30)


def reply_text(response: requests.Response) -> str:
    return "\n".join(m.get("text", "") for m in response.json())


def answered_normally(launched: Launched, sender: str) -> bool:
    try:
        reply = rest(launched, sender)
    except requests.RequestException:
        return False
    return reply.status_code == 200 and ANSWER in reply_text(reply)


def dead(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def post_with_announced_size(url: str, path: str, announced: int, sent: int, headers: str = "") -> tuple[bytes, float]:
    """Announce `announced` bytes, send only `sent`: a server that waits for the whole body never answers."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{headers}"
            f"Content-Length: {announced}\r\n\r\n".encode()
            + b"x" * sent
        )
        reply = connection.recv(1000)  # socket.timeout: the server is still reading
    return reply, time.monotonic() - started


def test_the_launched_rasa_server_refuses_a_1_mb_body_before_reading_it(launched):
    reply, elapsed = post_with_announced_size(launched.rasa, REST, announced=1024 * 1024, sent=16 * 1024)
    assert reply.startswith(b"HTTP/1.1 413") and elapsed < 5, reply
    # The channels' own French 413 still answers what is under Sanic's limit.
    reply = requests.post(launched.rasa + REST, data=b'{"sender": "s", "message": "' + b"x" * 8000 + b'"}', timeout=30)
    assert reply.status_code == 413 and "Kio" in reply.json()["error"]


def test_the_launched_action_server_refuses_a_huge_body_before_reading_it(launched):
    token = f"Authorization: Bearer {TEST_SERVER_DEFAULTS['ACTION_SERVER_TOKEN']}\r\n"
    reply, elapsed = post_with_announced_size(launched.actions, "/webhook", 64 * 1024 * 1024, 1024, token)
    assert reply.startswith(b"HTTP/1.1 413") and elapsed < 5, reply
    # A whole conversation (1 MiB) still passes the size check: then the token check refuses it.
    assert requests.post(launched.actions + "/webhook", data=b"x" * (1024 * 1024), timeout=30).status_code == 401


def test_a_killed_action_server_is_restarted_and_rasa_apologises_meanwhile(launched):
    sender = f"superviseur-actions-{uuid.uuid4().hex[:8]}"
    assert answered_normally(launched, sender)
    before = launched.children()
    # The launcher is frozen while its action server is dead, so that the apology is seen every time
    # (left running, it restarts the action server within a few seconds).
    os.kill(launched.process.pid, signal.SIGSTOP)
    try:
        os.kill(before["actions"], signal.SIGKILL)
        wait_for(lambda: dead(before["actions"]), 10, "le serveur d'actions tué")
        reply = rest(launched, sender, "et c'est quand ?")
        assert reply.status_code == 200 and APOLOGY in reply_text(reply) and CONTACT in reply_text(reply)
        assert _answers(launched.page + "/")  # the page still serves
    finally:
        os.kill(launched.process.pid, signal.SIGCONT)
    wait_for(lambda: _answers(launched.actions + "/health"), 60, "serveur d'actions relancé", launched)
    assert answered_normally(launched, sender)
    after = launched.children()
    assert after["actions"] != before["actions"]
    assert (after["rasa"], after["page"]) == (before["rasa"], before["page"])  # the others went on
    assert "Redémarrage de « serveur d'actions »" in launched.log_text()


def test_make_run_also_serves_the_staff_console_on_its_own_port_behind_its_log_in(launched):
    home = requests.get(launched.console + "/", timeout=10, allow_redirects=False)
    assert home.status_code == 302 and home.headers["Location"].startswith("/connexion")
    login = requests.get(launched.console + "/connexion", timeout=10)
    assert login.status_code == 200 and "Console du lab" in login.text
    assert f"Console du lab    : http://localhost:{launched.console.rsplit(':', 1)[1]}/" in launched.log_text()


def test_a_killed_page_comes_back_while_rasa_keeps_answering(launched):
    before = launched.children()
    os.kill(before["page"], signal.SIGKILL)
    wait_for(lambda: dead(before["page"]), 10, "la page tuée")
    assert answered_normally(launched, f"superviseur-page-{uuid.uuid4().hex[:8]}")
    wait_for(lambda: _answers(launched.page + "/"), 60, "page citoyenne relancée", launched)
    after = launched.children()
    assert after["page"] != before["page"] and after["rasa"] == before["rasa"]


def test_a_killed_rasa_server_is_restarted_and_answers_again(launched):
    sender = f"superviseur-rasa-{uuid.uuid4().hex[:8]}"
    assert answered_normally(launched, sender)
    before = launched.children()
    os.kill(before["rasa"], signal.SIGKILL)
    wait_for(lambda: dead(before["rasa"]), 10, "le serveur Rasa tué")
    assert _answers(launched.page + "/") and _answers(launched.actions + "/health")  # the others go on
    wait_for(lambda: answered_normally(launched, sender), 240, "Rasa relancé répond", launched)
    after = launched.children()
    assert after["rasa"] != before["rasa"] and after["actions"] == before["actions"]
    assert launched.process.poll() is None


def test_sigterm_stops_every_server_cleanly(launched):
    children = launched.children()
    assert set(children) == {"actions", "rasa", "page", "console"}
    launched.process.send_signal(signal.SIGTERM)
    assert launched.process.wait(timeout=40) == 0
    for pid in children.values():
        wait_for(lambda pid=pid: dead(pid), 10, f"processus {pid} arrêté")
    assert "plante en boucle" not in launched.log_text()
