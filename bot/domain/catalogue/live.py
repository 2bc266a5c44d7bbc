"""A value derived from the catalogue file, rebuilt when the file changes, for long-running servers.

The new file is validated first: if it is invalid, the error is logged and the previous value
keeps serving, so a typo in the catalogue never takes a server down. Only the very first load
raises, so that start-up refuses an invalid catalogue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, Optional, TypeVar

from bot.domain.catalogue.loader import CatalogueError, load_catalogue
from bot.domain.catalogue.model import Catalogue

logger = logging.getLogger(__name__)
T = TypeVar("T")


class LiveCatalogue(Generic[T]):
    def __init__(self, path: Path | str, derive: Callable[[Catalogue], T], user: str) -> None:
        self.path = Path(path)
        self._derive = derive
        self._user = user  # who keeps the previous version, for the log line
        self._lock = threading.Lock()
        self._stamp: Optional[tuple[int, int]] = None
        self._current: Optional[T] = None
        self.last_error: Optional[str] = None

    def _file_stamp(self) -> Optional[tuple[int, int]]:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def get(self) -> T:
        stamp = self._file_stamp()
        if self._current is not None and stamp == self._stamp:
            return self._current
        with self._lock:
            if self._current is None or stamp != self._stamp:
                try:
                    catalogue = load_catalogue(self.path)
                    self._current = self._derive(catalogue)
                    self.last_error = None
                    logger.info("Catalogue chargé : %s (%d événements)", self.path, len(catalogue.events))
                except CatalogueError as exc:
                    self.last_error = str(exc)
                    if self._current is None:
                        raise
                    logger.error("Catalogue refusé, %s garde la version précédente : %s", self._user, exc)
                self._stamp = stamp
        assert self._current is not None
        return self._current
