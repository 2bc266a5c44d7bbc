"""Sending channel requests over real HTTP and looking into the tracker store of a test server."""

from __future__ import annotations

import re
import sqlite3
import time
from typing import Any, Optional

import requests

from tests.channels.mattermost import form, slash_headers
from tests.support.servers import Server

PATH = "/webhooks/agents/webhook"


def post_json(server: Server, payload: Any, headers: Optional[dict] = None, timeout: float = 30) -> requests.Response:
    return requests.post(server.url + PATH, json=payload, headers=headers, timeout=timeout)


def post_form(server: Server, fields: dict, headers: Optional[dict] = None, timeout: float = 30) -> requests.Response:
    headers = headers or {"Content-Type": "application/x-www-form-urlencoded"}
    return requests.post(server.url + PATH, data=form(fields).encode(), headers=headers, timeout=timeout)


def slash(server: Server, fields: dict, timeout: float = 30) -> tuple[requests.Response, float]:
    """A slash command as Mattermost sends it; the response and its latency in seconds."""
    started = time.perf_counter()
    reply = post_form(server, fields, slash_headers(fields["token"]), timeout)
    return reply, time.perf_counter() - started


def senders(server: Server) -> set[str]:
    """Every conversation the server has stored (SQLite tracker store of the test server)."""
    with sqlite3.connect(server.env["TRACKER_DB"]) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def numbered(text: str) -> dict[int, str]:
    """'2. Serious game : … (mercredi 25 novembre)' lines -> {2: 'Serious game : …'} (date dropped)."""
    items = re.findall(r"^(\d+)\. (.+?)(?: \([^()]*\))?$", text, re.MULTILINE)
    return {int(n): title for n, title in items}
