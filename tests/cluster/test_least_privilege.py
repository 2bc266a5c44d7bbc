"""The cluster's stores grant the application what it needs and nothing more: its own PostgreSQL role (no
superuser), a password everywhere (no trust, the superuser on a private socket only), Redis behind a
password, and secrets in 0600 files, never on a command line."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import psycopg2
import pytest
import redis

import bot.tooling.deploy.cluster as cluster_module
from bot.tooling.deploy.cluster import ADMIN_USER, DATABASE, DATABASE_USER, Cluster, Ports
from tests.cluster.conftest import missing_programs


@pytest.fixture(autouse=True)
def no_password_from_elsewhere(monkeypatch):
    """libpq would take a password from PGPASSWORD or ~/.pgpass: the refusals below must be the server's."""
    for name in ("PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGUSER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_application_connects_with_its_own_role_without_administration_rights(cluster):
    connection = psycopg2.connect(**cluster.database_connection(), connect_timeout=5)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
                "FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone() == (DATABASE_USER, False, False, False, False, False)
            assert DATABASE_USER != ADMIN_USER
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'events'")
            assert cursor.fetchone() == (DATABASE_USER,)  # Rasa created its table as the application
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("CREATE ROLE intrus LOGIN")
        connection.rollback()
    finally:
        connection.close()
    # Its database only: the others are refused even with its password.
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(**dict(cluster.database_connection(), dbname="postgres"), connect_timeout=5).close()


def test_no_connection_without_a_password(cluster):
    tcp = dict(cluster.database_connection())
    del tcp["password"]
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(**tcp, connect_timeout=5).close()
    socket_admin = dict(cluster.admin_connection())
    del socket_admin["password"]
    with pytest.raises(psycopg2.OperationalError, match="password"):
        psycopg2.connect(**socket_admin, connect_timeout=5).close()
    # The superuser is not reachable over TCP at all, not even with its password.
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(
            **dict(cluster.database_connection(), user=ADMIN_USER, password=cluster.admin_password, dbname=DATABASE),
            connect_timeout=5,
        ).close()
    # The launcher's own connection: superuser, through the private socket, with its password.
    psycopg2.connect(**cluster.admin_connection(), connect_timeout=5).close()


def test_the_socket_and_the_secrets_are_private(cluster):
    assert mode(cluster.socket_dir) == 0o700 and mode(cluster.postgres_folder) == 0o700
    for name in ("tracker-password", "postgres-admin-password", "redis-password", "redis/redis.conf"):
        assert mode(cluster.root / name) == 0o600, name
    assert mode(cluster.postgres_folder / "pg_hba.conf") == 0o600
    assert "trust" not in (cluster.postgres_folder / "pg_hba.conf").read_text()


def test_redis_refuses_commands_without_the_password(cluster):
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=cluster.ports.redis, socket_timeout=5).ping()
    assert redis.Redis.from_url(cluster.redis_url, socket_timeout=5).ping()
    assert cluster.redis_url != cluster.redis_address and cluster.redis_password in cluster.redis_url
    # The instances get the password through REDIS_URL, and no process shows it on its command line.
    assert cluster.shared_environment()["REDIS_URL"] == cluster.redis_url
    for child in cluster.children:
        arguments = Path(f"/proc/{child.process.pid}/cmdline").read_bytes().decode(errors="replace")
        assert cluster.redis_password not in arguments and cluster.admin_password not in arguments, child.name


def test_the_initdb_password_file_is_0600_whatever_the_umask(monkeypatch):
    missing = missing_programs()
    if missing:
        pytest.skip(f"programmes Debian absents ({', '.join(missing)})")
    root = Path(tempfile.mkdtemp(prefix="cluster-initdb-", dir="/tmp"))
    root.chmod(0o755)  # PostgreSQL runs as `postgres` when the tests run as root
    seen: list[int] = []
    real_run = subprocess.run

    def run(command, *args, **kwargs):
        password_file = next(Path(a.split("=", 1)[1]) for a in command if str(a).startswith("--pwfile="))
        seen.append(mode(password_file))
        assert password_file.read_text() == fresh.admin_password
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(cluster_module.subprocess, "run", run)
    previous = os.umask(0)  # a careless write would make it world-readable (0666)
    try:
        fresh = Cluster(root=root, ports=Ports.free(1, 1), base_env={"RASA_API_TOKEN": "x"}, log=lambda _: None)
        fresh._private_folder(fresh.postgres_folder)
        fresh._init_postgres()
    finally:
        os.umask(previous)
        monkeypatch.undo()
    try:
        assert seen == [0o600]
        assert not (fresh.postgres_folder / "initdb-password").exists()  # removed once initdb has read it
        assert (fresh.postgres_folder / "data" / "PG_VERSION").exists()
        hba = (fresh.postgres_folder / "data" / "pg_hba.conf").read_text()
        assert "trust" not in [word for line in hba.splitlines() if not line.startswith("#") for word in line.split()]
    finally:
        shutil.rmtree(root, ignore_errors=True)
