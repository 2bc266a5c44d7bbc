"""The environment selects the tracker store, the lock store and the action server; secrets never sit in a file."""

from __future__ import annotations

import pytest
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints

from bot.runtime.settings import PROJECT_ROOT, VAR_DIR, load_settings, server_environment
from bot.runtime.stores.lock_store import EnvironmentLockStore, LockStoreConfigError, redis_arguments

ENDPOINTS = str(PROJECT_ROOT / "endpoints.yml")


def read_endpoints(monkeypatch, env: dict[str, str]) -> AvailableEndpoints:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return AvailableEndpoints.read_endpoints(ENDPOINTS)


def test_without_any_variable_make_run_keeps_its_sqlite_file_and_in_memory_locks(monkeypatch, tmp_path):
    env = server_environment(load_settings({}), {})
    assert env["TRACKER_DIALECT"] == "sqlite" and env["TRACKER_DB"] == str(VAR_DIR / "tracker.db")
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    env["TRACKER_DB"] = str(tmp_path / "tracker.db")
    monkeypatch.delenv("REDIS_URL", raising=False)
    endpoints = read_endpoints(monkeypatch, env)
    store = TrackerStore.create(endpoints.tracker_store)
    assert store.engine.dialect.name == "sqlite" and store.engine.url.database == str(tmp_path / "tracker.db")
    assert isinstance(LockStore.create(endpoints.lock_store).store, InMemoryLockStore)


def test_postgresql_is_selected_by_the_environment_and_the_password_comes_from_it_only(monkeypatch):
    env = server_environment(
        load_settings({"TRACKER_DIALECT": "postgresql", "TRACKER_HOST": "db.interne"}),
        {
            "TRACKER_HOST": "db.interne",
            "TRACKER_PORT": "5433",
            "TRACKER_USER": "rasa",
            "TRACKER_PASSWORD": "s3cret",
            "ACTION_SERVER_URL": "http://actions.interne:5055/webhook",
        },
    )
    endpoints = read_endpoints(monkeypatch, env)
    assert endpoints.action.url == "http://actions.interne:5055/webhook"
    config = endpoints.tracker_store.kwargs
    assert endpoints.tracker_store.url == "db.interne"
    assert (config["dialect"], config["port"], config["db"]) == ("postgresql", "5433", "rasa")
    assert (config["username"], config["password"]) == ("rasa", "s3cret")
    assert "s3cret" not in (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"TRACKER_DIALECT": "mysql"}, "TRACKER_DIALECT='mysql'"),
        ({"TRACKER_DIALECT": "postgresql"}, "demande TRACKER_HOST"),
        ({"TRACKER_DIALECT": "postgresql", "TRACKER_HOST": "h", "TRACKER_PORT": "cinq"}, "TRACKER_PORT='cinq'"),
    ],
)
def test_an_unusable_tracker_configuration_is_refused_in_french(env, message):
    with pytest.raises(ValueError, match=message):
        load_settings(env)


def test_redis_url_selects_rasa_s_redis_lock_store(monkeypatch):
    endpoints = read_endpoints(monkeypatch, server_environment(load_settings({}), {}))
    monkeypatch.setenv("REDIS_URL", "redis://:mot%40passe@redis.interne:6380/2")
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, EnvironmentLockStore) and isinstance(store.store, RedisLockStore)
    connection = store.store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"], connection["password"]) == (
        "redis.interne",
        6380,
        2,
        "mot@passe",
    )


def test_tls_redis_and_defaults():
    assert redis_arguments("rediss://cache")["use_ssl"] is True
    assert redis_arguments("redis://cache") | {} == {
        "host": "cache",
        "port": 6379,
        "db": 0,
        "username": None,
        "password": None,
        "use_ssl": False,
    }


@pytest.mark.parametrize("url", ["http://cache:6379", "redis://", "redis://cache/zero", "redis://cache:port"])
def test_an_unusable_redis_url_is_refused_in_french(url):
    with pytest.raises(LockStoreConfigError, match="REDIS_URL"):
        redis_arguments(url)


def test_without_redis_url_locks_stay_in_memory():
    assert isinstance(EnvironmentLockStore(environ={}).store, InMemoryLockStore)


def test_rasa_urls_lists_the_instances_the_staff_publish_loads(monkeypatch):
    from bot.tooling.staff.publish import RasaApi

    monkeypatch.setenv("RASA_URLS", " http://rasa-1:5005/, http://rasa-2:5005,http://rasa-1:5005 ")
    monkeypatch.setenv("RASA_API_TOKEN", "jeton")
    assert RasaApi.from_settings().urls == ("http://rasa-1:5005", "http://rasa-2:5005")
    monkeypatch.delenv("RASA_URLS")
    monkeypatch.setenv("RASA_PORT", "5999")
    assert RasaApi.from_settings().urls == ("http://127.0.0.1:5999",)  # one server, as before


@pytest.mark.parametrize("value", ["rasa-1:5005", "ftp://rasa-1", "http://"])
def test_an_unusable_rasa_urls_is_refused_in_french(value):
    from bot.tooling.staff.project import StaffError
    from bot.tooling.staff.publish import instance_urls

    with pytest.raises(StaffError, match="RASA_URLS"):
        instance_urls(value)


def test_a_missing_debian_program_is_named_in_one_french_line():
    from bot.runtime.launcher import StartupError
    from bot.tooling.deploy.programs import find_program

    with pytest.raises(StartupError, match="programme « serveur-imaginaire » introuvable : installez-le avec"):
        find_program("serveur-imaginaire")
    assert find_program("postgres").endswith("/postgres")  # PATH, or Debian's /usr/lib/postgresql/<version>/bin
