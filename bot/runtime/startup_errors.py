"""Start-up errors a user can fix, said in one French line on stderr (exit code 2), never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from bot.domain.catalogue import CatalogueError


def explained(start: Callable[[], int], failure: str, expected: tuple[type[Exception], ...]) -> int:
    """Run `start`; an invalid catalogue or one of the `expected` errors becomes « <failure> — <raison> »."""
    try:
        return start()
    except CatalogueError as exc:
        print(f"Catalogue invalide — {exc}", file=sys.stderr)
        return 2
    except expected as exc:
        print(f"{failure} — {exc}", file=sys.stderr)
        return 2
