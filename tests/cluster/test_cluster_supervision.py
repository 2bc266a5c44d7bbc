"""The cluster launcher supervises its pieces like `make run` (bot/runtime/supervisor.py): a piece killed
with SIGKILL is started again while the others keep serving."""

from __future__ import annotations

import signal
import time

import requests

from tests.cluster.test_cluster import say


def page_answers(url: str) -> bool:
    try:
        return requests.get(url + "/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_a_killed_piece_is_restarted_while_the_others_keep_serving(cluster):
    page = next(child for child in cluster.children if child.name == "page")
    rasa = [child.process.pid for child in cluster.children if child.name.startswith("rasa-")]
    killed = page.process.pid
    page.process.send_signal(signal.SIGKILL)
    page.process.wait(timeout=10)
    # The public channels do not need the page: they keep answering while it is down.
    assert "Serious game" in say(cluster.public_url, "supervision-cluster", "Parle-moi du serious game")
    deadline = time.monotonic() + 60
    while not (page.running() and page_answers(cluster.public_url)):
        assert cluster.supervisor.check() is None  # what `make cluster` runs in its loop
        assert time.monotonic() < deadline, "page non relancée"
        time.sleep(0.2)
    assert page.process.pid != killed
    assert [child.process.pid for child in cluster.children if child.name.startswith("rasa-")] == rasa
