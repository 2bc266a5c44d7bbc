"""The live catalogue of the action server: reloaded when data/catalogue.yml (or MOIS_CATALOGUE) changes."""

from __future__ import annotations

from bot.domain.catalogue import Catalogue
from bot.domain.catalogue.live import LiveCatalogue
from bot.domain.linking import Linker
from bot.runtime.settings import load_settings

CATALOGUE_ENV = "MOIS_CATALOGUE"  # empty or unset: data/catalogue.yml (settings.catalogue_path)

_source = LiveCatalogue(load_settings().catalogue_path, lambda c: (c, Linker(c)), "le serveur d'actions")


def live_catalogue() -> tuple[Catalogue, Linker]:
    return _source.get()
