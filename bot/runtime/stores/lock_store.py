"""The conversation lock store, chosen by the environment (endpoints.yml `lock_store.type`).

Rasa processes one message per conversation at a time thanks to a ticket lock. With several Rasa
instances the lock must be shared, or two instances would process two messages of the same
conversation at once and interleave their events: REDIS_URL set = Rasa's RedisLockStore, unset =
InMemoryLockStore (one instance, `make run`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore, TicketLock

from bot.runtime.settings import load_settings


class LockStoreConfigError(ValueError):
    """REDIS_URL cannot be used, said in French."""


def redis_arguments(url: str) -> dict[str, Any]:
    """RedisLockStore's arguments from redis://[user:password@]host[:port][/db] (rediss:// = TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise LockStoreConfigError(f"REDIS_URL={url!r} : adresse attendue de la forme redis://hôte:6379/0")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise LockStoreConfigError(f"REDIS_URL={url!r} : numéro de base Redis attendu après « / »")
    try:
        port = parts.port or 6379
    except ValueError:
        raise LockStoreConfigError(f"REDIS_URL={url!r} : numéro de port invalide") from None
    return {
        "host": parts.hostname,
        "port": port,
        "db": int(database),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


def lock_store_from_environment(environ: Optional[Mapping[str, str]] = None) -> LockStore:
    url = load_settings(environ).redis_url
    return RedisLockStore(**redis_arguments(url)) if url else InMemoryLockStore()


class EnvironmentLockStore(LockStore):
    """Delegates to the store `lock_store_from_environment` picks; Rasa builds it as `cls(endpoint_config=...)`."""

    def __init__(self, endpoint_config: Any = None, environ: Optional[Mapping[str, str]] = None) -> None:
        self.store = lock_store_from_environment(environ)
        super().__init__()

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)
