"""Staff accounts: argon2 password hashes, two roles, and a lock-out after repeated failures."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.tooling.console.database import ACCOUNTS

EDITOR, PUBLISHER = "éditeur", "publieur"
ROLES = (EDITOR, PUBLISHER)
MIN_PASSWORD_CHARS = 12
MAX_FAILURES = 5  # consecutive wrong passwords before the account is locked
LOCK_SECONDS = 15 * 60
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789.-_")

_hasher = PasswordHasher()
# Verified against when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("compte inexistant")


class AccountError(ValueError):
    """A French sentence for the person creating or using an account."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    sessions_valid_after: float = 0.0

    @property
    def may_publish(self) -> bool:
        return self.role == PUBLISHER


@dataclass(frozen=True)
class LoginResult:
    account: Optional[Account]
    message: str = ""  # why it was refused, in French
    locked: bool = False


def check_name(name: str) -> str:
    name = name.strip().lower()
    if not 2 <= len(name) <= 64 or not set(name) <= NAME_CHARS:
        raise AccountError(
            "Identifiant invalide : de 2 à 64 caractères, lettres minuscules sans accent, chiffres, point, tiret."
        )
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"Mot de passe trop court : au moins {MIN_PASSWORD_CHARS} caractères.")


class Accounts:
    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine

    def create_or_update(self, name: str, password: str, role: str) -> Account:
        name = check_name(name)
        check_password(password)
        if role not in ROLES:
            raise AccountError(f"Rôle inconnu : {role!r} ; rôles possibles : {', '.join(ROLES)}.")
        row = {
            "password_hash": _hasher.hash(password),
            "role": role,
            "failures": 0,
            "locked_until": None,
            "sessions_valid_after": time.time(),
        }
        with self.engine.begin() as db:
            exists = db.execute(sa.select(ACCOUNTS.c.name).where(ACCOUNTS.c.name == name)).first()
            if exists:
                db.execute(ACCOUNTS.update().where(ACCOUNTS.c.name == name).values(**row))
            else:
                db.execute(ACCOUNTS.insert().values(name=name, created_at=time.time(), **row))
        return Account(name, role)

    def get(self, name: str) -> Optional[Account]:
        columns = (ACCOUNTS.c.name, ACCOUNTS.c.role, ACCOUNTS.c.sessions_valid_after)
        with self.engine.connect() as db:
            row = db.execute(sa.select(*columns).where(ACCOUNTS.c.name == name)).first()
        return Account(row.name, row.role, row.sessions_valid_after) if row else None

    def end_sessions(self, name: str, now: Optional[float] = None) -> None:
        """Log-out: every session of this account opened until now stops working, on every browser."""
        with self.engine.begin() as db:
            db.execute(
                ACCOUNTS.update()
                .where(ACCOUNTS.c.name == name)
                .values(sessions_valid_after=time.time() if now is None else now)
            )

    def all(self) -> list[Account]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(ACCOUNTS.c.name, ACCOUNTS.c.role).order_by(ACCOUNTS.c.name)).all()
        return [Account(r.name, r.role) for r in rows]

    def log_in(self, name: str, password: str, now: Optional[float] = None) -> LoginResult:
        """Check a password (slow on purpose: argon2). Refusals never say whether the name exists."""
        now = time.time() if now is None else now
        refused = LoginResult(None, "Identifiant ou mot de passe incorrect.")
        name = name.strip().lower()
        with self.engine.connect() as db:
            row = db.execute(sa.select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()
        if row is None:
            _verify(_DUMMY_HASH, password)
            return refused
        if row.locked_until and row.locked_until > now:
            minutes = max(1, round((row.locked_until - now) / 60))
            return LoginResult(
                None,
                f"Compte verrouillé après {MAX_FAILURES} essais manqués : réessayez dans {minutes} minute(s) "
                "ou demandez à un publieur de redéfinir le mot de passe.",
                locked=True,
            )
        if not _verify(row.password_hash, password):
            failures = row.failures + 1
            locked_until = now + LOCK_SECONDS if failures >= MAX_FAILURES else None
            with self.engine.begin() as db:
                db.execute(
                    ACCOUNTS.update()
                    .where(ACCOUNTS.c.name == name)
                    .values(failures=0 if locked_until else failures, locked_until=locked_until)
                )
            if locked_until:
                return LoginResult(
                    None,
                    f"Compte verrouillé après {MAX_FAILURES} essais manqués : réessayez dans "
                    f"{LOCK_SECONDS // 60} minutes.",
                    locked=True,
                )
            return refused
        with self.engine.begin() as db:
            values = {"failures": 0, "locked_until": None}
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = _hasher.hash(password)
            db.execute(ACCOUNTS.update().where(ACCOUNTS.c.name == name).values(**values))
        return LoginResult(Account(row.name, row.role, row.sessions_valid_after))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
