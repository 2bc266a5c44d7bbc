"""Run `rasa` or `rasa_sdk` with deprecation noise silenced: `python -m bot rasa train ...`.

Sanic re-enables DeprecationWarning when it is imported, which floods test and CI logs with
warnings about libraries we do not control. Import it first, then silence those categories;
UserWarnings stay visible because Rasa reports data problems through them.
"""

from __future__ import annotations

import runpy
import sys
import warnings

from bot.runtime.settings import quiet_defaults

quiet_defaults()  # TF_CPP_MIN_LOG_LEVEL=3, SQLALCHEMY_SILENCE_UBER_WARNING=1, RASA_TELEMETRY_ENABLED=false
QUIET_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)


def _ignore_quiet_categories() -> None:
    for category in QUIET_CATEGORIES:
        warnings.filterwarnings("ignore", category=category)


def silence() -> None:
    _ignore_quiet_categories()  # warnings raised while sanic's own imports run
    import sanic  # noqa: F401  (its import is what turns DeprecationWarning back on)

    _ignore_quiet_categories()
    # pyparsing's deprecation warnings are also UserWarnings, which Rasa later shows "once":
    # import the modules that raise them at import time now, while they are ignored.
    import matplotlib.fontconfig_pattern  # noqa: F401
    import packaging.requirements  # noqa: F401


def rasa_command(argv: list[str]) -> int:
    """`python -m bot rasa <arguments de rasa>`: Rasa's own command line, silenced."""
    sys.argv = ["rasa", *argv]
    silence()
    try:
        runpy.run_module("rasa", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0
