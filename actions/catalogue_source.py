"""The live catalogue of the action server: reloaded when data/catalogue.yml (or MOIS_CATALOGUE) changes."""

from __future__ import annotations

import os

from bot.domain.catalogue import DEFAULT_CATALOGUE_PATH, Catalogue
from bot.domain.catalogue.live import LiveCatalogue
from bot.domain.linking import Linker

CATALOGUE_ENV = "MOIS_CATALOGUE"

_source = LiveCatalogue(
    os.environ.get(CATALOGUE_ENV, DEFAULT_CATALOGUE_PATH), lambda c: (c, Linker(c)), "le serveur d'actions"
)


def live_catalogue() -> tuple[Catalogue, Linker]:
    return _source.get()
