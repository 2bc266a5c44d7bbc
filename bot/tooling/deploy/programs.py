"""Debian programs the cluster needs, found on PATH or where Debian's packages put them."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
from pathlib import Path

from bot.runtime.launcher import StartupError

INSTALL_HINT = "installez-le avec `sudo scripts/setup-system.sh` (paquets Debian postgresql, redis-server, nginx-light)"


def find_program(name: str) -> str:
    """PATH first; PostgreSQL's server programs live in /usr/lib/postgresql/<version>/bin, outside PATH."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version, reverse=True)
    if candidates:
        return candidates[0]
    raise StartupError(f"programme « {name} » introuvable : {INSTALL_HINT}.")


def _version(path: str) -> int:
    part = Path(path).parents[1].name
    return int(part) if part.isdigit() else 0


def postgres_account() -> dict:
    """PostgreSQL refuses to run as root: as root, its programs run as `postgres` (or `nobody`).
    Returns the `user`/`group` arguments of subprocess (empty when not root)."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    raise StartupError("lancé en root sans compte « postgres » ni « nobody » : PostgreSQL refuse de tourner en root.")


def chown_for_postgres(path: Path) -> None:
    account = postgres_account()
    if account:
        os.chown(path, account["user"], account["group"])
