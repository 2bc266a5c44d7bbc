"""What the launcher exposes: `python -m bot shell` listens on loopback only, and the Rasa and action servers
bound a request body with Sanic's own limit, before any handler reads it (the launched servers themselves:
tests/faults/test_supervisor.py)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from sanic import Sanic

from bot.runtime.action_server import REQUEST_MAX_SIZE
from bot.runtime.launcher import shell_command_line
from bot.runtime.settings import load_settings, server_environment
from tests.support.servers import ACTION_TOKEN


def test_rasa_shell_listens_on_loopback_only():
    command = shell_command_line(load_settings({}), Path("models/mois-innovation.tar.gz"))
    assert command[3:5] == ["rasa", "shell"]
    from rasa.__main__ import create_argument_parser

    arguments = create_argument_parser().parse_args(command[4:])  # what `rasa shell` itself reads
    assert arguments.interface == "127.0.0.1" and arguments.port == 5005


def test_the_servers_environment_bounds_sanic_bodies(monkeypatch):
    env = server_environment(load_settings({}), {})
    assert env["SANIC_REQUEST_MAX_SIZE"] == str(64 * 1024)
    assert server_environment(load_settings({}), {"SANIC_REQUEST_MAX_SIZE": "9000"})["SANIC_REQUEST_MAX_SIZE"] == "9000"
    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", env["SANIC_REQUEST_MAX_SIZE"])
    assert Sanic("limite_de_test").config.REQUEST_MAX_SIZE == 64 * 1024  # Sanic reads SANIC_* itself, as an int


def announce_body(url: str, path: str, size: int, headers: str = "") -> tuple[bytes, float]:
    """Announce a body of `size` bytes and send one: a server waiting for the whole body never answers."""
    host, port = url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{headers}"
            f"Content-Length: {size}\r\n\r\n{{".encode()
        )
        reply = connection.recv(1000)  # times out while the body is awaited
    return reply, time.monotonic() - started


def test_the_action_server_refuses_a_huge_body_before_reading_it(action_server):
    assert REQUEST_MAX_SIZE == 16 * 1024 * 1024  # what nginx lets through to the action servers
    reply, elapsed = announce_body(
        action_server.url, "/webhook", REQUEST_MAX_SIZE + 1, f"Authorization: Bearer {ACTION_TOKEN}\r\n"
    )
    assert reply.startswith(b"HTTP/1.1 413") and elapsed < 5, reply
    assert "trop volumineux (max. 16 Mio)" in reply.decode()
    # Without the token the refusal is the token's (the check runs first), still without reading the body.
    reply, elapsed = announce_body(action_server.url, "/webhook", REQUEST_MAX_SIZE + 1)
    assert reply.startswith(b"HTTP/1.1 401") and elapsed < 5, reply
