"""The live catalogue for the action server, reloaded when its file changes.

An edited file is validated first: if it is invalid, the error is logged and the previous
catalogue keeps serving, so a typo never takes the bot down.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Optional

from bot.catalogue import DEFAULT_CATALOGUE_PATH, Catalogue, CatalogueError, load_catalogue
from bot.linking import Linker

logger = logging.getLogger(__name__)
CATALOGUE_ENV = "MOIS_CATALOGUE"


class CatalogueSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: Optional[tuple[int, int]] = None
        self._current: Optional[tuple[Catalogue, Linker]] = None
        self.last_error: Optional[str] = None

    def _file_stamp(self) -> Optional[tuple[int, int]]:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def get(self) -> tuple[Catalogue, Linker]:
        stamp = self._file_stamp()
        if self._current is not None and stamp == self._stamp:
            return self._current
        with self._lock:
            if self._current is None or stamp != self._stamp:
                try:
                    catalogue = load_catalogue(self.path)
                    self._current = (catalogue, Linker(catalogue))
                    self.last_error = None
                    logger.info("Catalogue chargé : %s (%d événements)", self.path, len(catalogue.events))
                except CatalogueError as exc:
                    self.last_error = str(exc)
                    if self._current is None:
                        raise
                    logger.error("Catalogue refusé, l'ancienne version reste en service : %s", exc)
                self._stamp = stamp
        return self._current  # type: ignore[return-value]


_source = CatalogueSource(Path(os.environ.get(CATALOGUE_ENV, DEFAULT_CATALOGUE_PATH)))


def live_catalogue() -> tuple[Catalogue, Linker]:
    return _source.get()
