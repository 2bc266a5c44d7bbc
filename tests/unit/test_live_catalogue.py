"""A server's catalogue follows edits of the file, and an invalid edit keeps the previous version."""

from __future__ import annotations

import os
import shutil

import pytest

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError
from bot.domain.catalogue.live import LiveCatalogue


def test_follows_edits_and_survives_an_invalid_one(tmp_path):
    path = tmp_path / "catalogue.yml"
    shutil.copy(DEFAULT_CATALOGUE_PATH, path)
    live = LiveCatalogue(path, lambda c: c.event("serious-game").title, "le test")
    assert live.get().startswith("Serious game")

    path.write_text(
        path.read_text(encoding="utf-8").replace("Serious game : mener", "Jeu sérieux : mener"), encoding="utf-8"
    )
    os.utime(path, ns=(1, 10**18))  # a new modification time even within the same clock tick
    assert live.get().startswith("Jeu sérieux")

    path.write_text("events: [", encoding="utf-8")
    os.utime(path, ns=(1, 2 * 10**18))
    assert live.get().startswith("Jeu sérieux")
    assert "YAML invalide" in live.last_error


def test_the_first_load_refuses_an_invalid_catalogue(tmp_path):
    path = tmp_path / "catalogue.yml"
    path.write_text("source: x\n", encoding="utf-8")
    with pytest.raises(CatalogueError):
        LiveCatalogue(path, lambda c: c, "le test").get()
