"""Fault injection on real processes started by the tests, and clients for the three channels.

`FaultStack` is an action server and a Rasa server of their own (own SQLite tracker store), so that
stopping, freezing or killing them never disturbs the session servers other suites use.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import requests

from tests.support.servers import (
    AGENTS_TEST_TOKEN,
    API_TOKEN,
    Server,
    free_port,
    start_action_server,
    start_rasa_server,
)

REST = "/webhooks/rest/webhook"
AGENTS = "/webhooks/agents/webhook"


def rest(server: Server, sender: str, text: str, timeout: float = 30, **extra: Any) -> requests.Response:
    return requests.post(server.url + REST, json={"sender": sender, "message": text, **extra}, timeout=timeout)


def rest_raw(
    server: Server, body: bytes, content_type: str = "application/json", timeout: float = 30
) -> requests.Response:
    return requests.post(server.url + REST, data=body, headers={"Content-Type": content_type}, timeout=timeout)


def texts(response: requests.Response) -> str:
    body = response.json()
    return "\n".join(m.get("text", "") for m in body) if isinstance(body, list) else ""


def stored_events(tracker_db: Path | str, sender: str) -> list[dict]:
    """Every event of a conversation as committed in the SQLite tracker store, in id order."""
    with sqlite3.connect(str(tracker_db), timeout=10) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [json.loads(data) for (data,) in rows]


def api_events(server: Server, sender: str) -> list[dict]:
    reply = requests.get(
        f"{server.url}/conversations/{sender}/tracker", params={"token": API_TOKEN, "include_events": "ALL"}, timeout=30
    )
    reply.raise_for_status()
    return reply.json()["events"]


def user_texts(events: list[dict]) -> list[str]:
    return [e.get("text") for e in events if e.get("event") == "user"]


def turns(events: list[dict]) -> list[tuple[str, list[str]]]:
    """[(user text, [bot texts that followed])] from a tracker's events."""
    result: list[tuple[str, list[str]]] = []
    for event in events:
        if event.get("event") == "user":
            result.append((event.get("text"), []))
        elif event.get("event") == "bot" and result:
            result[-1][1].append(event.get("text") or "")
    return result


def assert_no_traceback(response: requests.Response) -> None:
    body = response.text
    assert "Traceback" not in body and 'File "' not in body and "Exception" not in body, body[:500]


@dataclass
class FaultStack:
    model: Path
    logs: Path
    tracker_db: Path
    extra_env: dict = field(default_factory=dict)
    extra_args: list = field(default_factory=list)
    actions: Optional[Server] = None
    rasa: Optional[Server] = None
    action_port: int = field(default_factory=free_port)
    restarts: int = 0

    def start(self) -> FaultStack:
        self.start_actions()
        self.start_rasa()
        return self

    def start_actions(self) -> Server:
        self.actions = start_action_server(self.logs, port=self.action_port)
        return self.actions

    def stop_actions(self) -> None:
        assert self.actions is not None
        self.actions.stop()

    def freeze_actions(self) -> None:
        """SIGSTOP: the action server accepts connections (kernel backlog) and never answers."""
        assert self.actions is not None
        os.kill(self.actions.process.pid, signal.SIGSTOP)

    def thaw_actions(self) -> None:
        assert self.actions is not None
        os.kill(self.actions.process.pid, signal.SIGCONT)

    def start_rasa(self) -> Server:
        self.rasa = start_rasa_server(
            self.model,
            f"http://127.0.0.1:{self.action_port}",
            self.logs,
            self.tracker_db,
            extra_args=self.extra_args or None,
            AGENTS_WEBHOOK_TOKENS=AGENTS_TEST_TOKEN,
            **self.extra_env,
        )
        return self.rasa

    def kill_rasa(self) -> None:
        """kill -9: no shutdown handler runs."""
        assert self.rasa is not None
        self.rasa.process.send_signal(signal.SIGKILL)
        self.rasa.process.wait(timeout=10)

    def restart_rasa(self) -> Server:
        self.restarts += 1
        # A fresh log per start: the previous one stays for the post-mortem.
        log = self.logs / "rasa-server.log"
        if log.exists():
            log.rename(self.logs / f"rasa-server.before-restart-{self.restarts}.log")
        return self.start_rasa()

    def stop(self) -> None:
        for server in (self.rasa, self.actions):
            if server is not None:
                if server.process.poll() is None:
                    try:
                        os.kill(server.process.pid, signal.SIGCONT)
                    except ProcessLookupError:
                        pass
                server.stop()


# --- socket.io ---------------------------------------------------------------------------------------


async def socketio_exchange(
    url: str,
    events: list[tuple[str, Any]],
    settle: float = 1.0,
    wait_for: int = 0,
    timeout: float = 30,
    session_id: Optional[str] = None,
    issued: Optional[list[str]] = None,
) -> list[Any]:
    """Connect (long-polling: this aiohttp is too old for engineio's websocket client), send `events` [(name, data)], collect `bot_uttered` until `wait_for` replies
    arrived (or `settle` s of quiet), disconnect. Returns the bot messages in order.

    With `session_id`, asks for that session first; the server confirms it only if it issued it
    (bot/runtime/channels/socket_io.py), else confirms a fresh one: the events' `session_id` equal to
    the one asked for are sent with the confirmed one, appended to `issued` (to come back to it)."""
    import engineio.payload
    import socketio

    # The client decodes at most 16 packets per long-poll response and drops the connection beyond:
    # a burst of replies is more than that (browsers use the websocket, without this limit).
    engineio.payload.Payload.max_decode_packets = 100_000
    client = socketio.AsyncClient(reconnection=False)
    received: list[Any] = []
    confirmed = asyncio.Event()
    confirmations: list[str] = []

    @client.on("bot_uttered")
    async def on_bot(data: Any) -> None:
        received.append(data)

    @client.on("session_confirm")
    async def on_confirm(data: Any) -> None:
        confirmations.append(data)
        confirmed.set()

    await client.connect(url, transports=["polling"], wait_timeout=10)
    try:
        if session_id is not None:
            await client.emit("session_request", {"session_id": session_id})
            await asyncio.wait_for(confirmed.wait(), 10)
            if issued is not None:
                issued.append(confirmations[0])
        for index, (name, data) in enumerate(events, 1):
            if session_id is not None and isinstance(data, dict) and data.get("session_id") == session_id:
                data = {**data, "session_id": confirmations[0]}
            await client.emit(name, data)
            if index % 8 == 0:  # engine.io refuses a long-polling POST of more than 16 packets (400):
                await client.eio.queue.join()  # wait until these are posted
        deadline = time.monotonic() + timeout
        last = (len(received), time.monotonic())
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            if wait_for and len(received) >= wait_for:
                await asyncio.sleep(settle / 4)
                break
            if len(received) != last[0]:
                last = (len(received), time.monotonic())
            elif not wait_for and time.monotonic() - last[1] >= settle:
                break
    finally:
        # A polite disconnect waits for the pending long-poll (up to 25 s): drop the transport instead.
        await client.eio.disconnect(abort=True)
    return received


# --- PostgreSQL (production set-up) ------------------------------------------------------------------

PG_BINARIES = [shutil.which(name) for name in ("initdb", "pg_ctl", "postgres")]


class Postgres:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pg-faults-", dir="/tmp"))
        self.root.chmod(0o755)
        self.data, self.log = self.root / "data", self.root / "postgres.log"
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # postgres refuses to run as root
            account = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
            self.prefix = ["runuser", "-u", account.pw_name, "--"]
            os.chown(self.root, account.pw_uid, account.pw_gid)

    def run(self, *command: str) -> None:
        subprocess.run([*self.prefix, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> Postgres:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def cleanup(self) -> None:
        subprocess.run(
            [*self.prefix, "pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def pg_endpoints(folder: Path, port: int) -> Path:
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n  url: ${ACTION_SERVER_URL}\n  timeout: 4\n"
        "  headers:\n    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n"
        "tracker_store:\n  type: bot.runtime.stores.tracker_store.GuardedSQLTrackerStore\n  dialect: postgresql\n"
        f"  url: 127.0.0.1\n  port: {port}\n  db: postgres\n  username: postgres\n",
        encoding="utf-8",
    )
    return endpoints
