"""Rasa's HTTP API is never reachable through nginx's public entry, however the path is written: dot
segments, encoded dots and slashes, `;`, double slashes. Requests are written on a raw socket, so that no
client library normalises the path before nginx sees it."""

from __future__ import annotations

import socket

import pytest
import requests

from tests.support.servers import API_TOKEN

TOKEN = f"token={API_TOKEN}"
# What only Rasa's API answers: /version's fields, its 401/403 reasons, a tracker, /status.
RASA_MARKERS = ("minimum_compatible_version", "NotAuthenticated", "NotAuthorized", '"sender_id"', '"model_file"')
PROBES = [
    "/version",
    f"/status?{TOKEN}",
    f"/conversations/x/tracker?{TOKEN}",
    "/webhooks/rest/../../version",
    f"/webhooks/rest/../../model?{TOKEN}",
    f"/webhooks/rest/../../conversations/x/tracker?{TOKEN}",
    "/webhooks/rest/webhook/../../../version",
    "/%2e%2e/version",
    "/%2E%2E/model",
    "/webhooks/%2f..%2fversion",
    "/webhooks/rest/..%2f..%2fversion",
    f"/webhooks/rest/%2e%2e/%2e%2e/conversations/x/tracker?{TOKEN}",
    "/static/..;/version",
    "/webhooks/rest/webhook/..;/..;/..;/version",
    "/socket.io/../version",
    "/socket.io/%2e%2e/version",
    "//version",
    "/./version",
    "/webhooks//../version",
    "/webhooks/rest/",
    "/webhooks/agents/",
]


def raw_get(port: int, target: str) -> tuple[int, str]:
    """GET `target` exactly as written; (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks).decode(errors="replace")
    head, _, body = response.partition("\r\n\r\n")
    return int(head.split()[1]), body


def is_rasa_api(body: str) -> bool:
    return any(marker in body for marker in RASA_MARKERS)


def test_the_markers_do_recognise_rasa_s_api(cluster):
    port = int(cluster.rasa_urls[0].rsplit(":", 1)[1])
    for target in ("/version", "/status", f"/conversations/x/tracker?{TOKEN}"):
        assert is_rasa_api(raw_get(port, target)[1]), target  # asked of an instance directly


@pytest.mark.parametrize("target", PROBES)
def test_no_path_reaches_rasa_s_api_through_the_public_entry(cluster, target):
    status, body = raw_get(cluster.ports.public, target)
    assert not is_rasa_api(body), (target, status, body[:300])
    assert status >= 400, (target, status, body[:300])  # the page's 404, or nginx's 400


def test_encoded_dots_and_slashes_in_the_path_are_refused(cluster):
    for target in ("/%2e%2e/version", "/webhooks/%2F..%2Fversion", "/socket.io/%2e%2e/", "/page%2fx"):
        assert raw_get(cluster.ports.public, target)[0] == 400, target
    # In the query string they are ordinary characters.
    assert raw_get(cluster.ports.public, "/?retour=%2Fpage%2e")[0] == 200


def test_only_the_exact_channel_paths_go_to_rasa(cluster):
    # The REST channel's health route (GET /webhooks/rest/) stays inside: the page's 404.
    status, body = raw_get(cluster.ports.public, "/webhooks/rest/")
    assert status == 404 and '"status"' not in body
    reply = requests.post(
        cluster.public_url + "/webhooks/rest/webhook?x=1",
        json={"sender": "chemin-exact", "message": "Parle-moi du serious game"},
        timeout=120,
    )
    assert reply.status_code == 200 and "Serious game" in reply.text
