"""The production topology on one machine: PostgreSQL, Redis, N action servers, N Rasa instances and
nginx in front, every process a child of this one, under the supervisor of `make run`
(bot/runtime/supervisor.py): a piece that stops is started again, one that crashes in a loop stops
everything, Ctrl-C stops them all.

Each piece talks to the others only through addresses from the environment (TRACKER_*, REDIS_URL,
ACTION_SERVER_URL, RASA_URL), so the same pieces run on separate hosts unchanged (deploy/README.md).

Least privilege: the application connects to PostgreSQL as its own role `rasa` (no superuser: CONNECT on
its database, USAGE and CREATE on its schema, owner of the tables it creates), with a password
(scram-sha-256) over TCP; the superuser `postgres` has its own password and only the private Unix socket
(folder 0700). Redis asks for a password (`requirepass`, given to the application in REDIS_URL). Every
secret is a 0600 file of the cluster's folder, never a command-line argument.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

import requests

from bot.runtime.launcher import (
    StartupError,
    action_server_command,
    check_catalogue,
    latest_model,
    rasa_server_command,
    web_environment,
    web_server_command,
)
from bot.runtime.model_signing import ModelSignatureError, verify
from bot.runtime.settings import (
    PROJECT_ROOT,
    VAR_DIR,
    api_token,
    load_settings,
    local_secret,
    process_environment,
    server_environment,
)
from bot.runtime.supervisor import Program, Supervisor, stopping_on_signals
from bot.tooling.deploy.programs import chown_for_postgres, find_program, postgres_account
from bot.tooling.processes import LoggedProcess, free_port

CLUSTER_DIR = VAR_DIR / "cluster"
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"
DATABASE = "rasa"
DATABASE_USER = "rasa"  # the application's role: not a superuser, rights on its own database only
ADMIN_USER = "postgres"  # PostgreSQL's superuser: the launcher's, through the private socket only


@dataclass(frozen=True)
class Ports:
    public: int
    internal: int
    actions_front: int
    postgres: int
    redis: int
    web: int
    rasa: tuple[int, ...]
    actions: tuple[int, ...]

    @classmethod
    def defaults(cls, rasa_count: int = 2, action_count: int = 2, public: int = 8000) -> Ports:
        return cls(
            public,
            8001,
            5050,
            5433,
            6380,
            8080,
            tuple(range(5005, 5005 + rasa_count)),
            tuple(range(5055, 5055 + action_count)),
        )

    @classmethod
    def free(cls, rasa_count: int = 2, action_count: int = 2) -> Ports:
        return cls(
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            free_port(),
            tuple(free_port() for _ in range(rasa_count)),
            tuple(free_port() for _ in range(action_count)),
        )


@dataclass
class Child(Program):
    """A supervised piece of the cluster, its output in `log_path`."""

    log_path: Path = Path()

    def log_tail(self, lines: int = 40) -> str:
        return LoggedProcess(self.name, self.process, self.log_path).log_tail(lines)


def write_private(path: Path, text: str) -> None:
    """`text` into a file only its owner can read (0600 from its creation, whatever the umask)."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


@dataclass
class Cluster:
    """Start with `start()`, stop with `stop()`; `root` holds data, logs and the generated nginx.conf."""

    root: Path = CLUSTER_DIR
    ports: Ports = field(default_factory=Ports.defaults)
    base_env: dict = field(default_factory=process_environment)
    postgres_options: tuple[str, ...] = ()
    model_path: Optional[Path] = None  # default: the latest model of MODELS_DIR, as `make run`
    log: Callable[[str], None] = print

    def __post_init__(self) -> None:
        self.logs = self.root / "logs"
        self.token = self.base_env.get("RASA_API_TOKEN") or api_token()
        # TRACKER_PASSWORD, else a password generated once for this machine's cluster (0600 file).
        self.password = local_secret("TRACKER_PASSWORD", self.root / "tracker-password", self.base_env)
        # The superuser's and Redis' passwords: files only (0600), the application never sees the first.
        self.admin_password = local_secret("", self.root / "postgres-admin-password", {})
        self.redis_password = local_secret("", self.root / "redis-password", {})
        self.postgres_folder = self.root / "postgres"
        self.socket_dir = self.postgres_folder / "socket"
        self.supervisor = Supervisor(say=self.log, stop_timeout=30)

    @property
    def children(self) -> list[Child]:
        return self.supervisor.programs  # type: ignore[return-value]

    # --- addresses ------------------------------------------------------------------------------------
    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports.rasa]

    @property
    def redis_address(self) -> str:
        """REDIS_URL without its password, to show."""
        return f"redis://127.0.0.1:{self.ports.redis}/0"

    @property
    def redis_url(self) -> str:
        return f"redis://:{quote(self.redis_password, safe='')}@127.0.0.1:{self.ports.redis}/0"

    def database_connection(self) -> dict:
        """The application's connection (role `rasa`), as Rasa's tracker store makes it."""
        return {
            "host": "127.0.0.1",
            "port": self.ports.postgres,
            "user": DATABASE_USER,
            "password": self.password,
            "dbname": DATABASE,
        }

    def admin_connection(self, dbname: str = "postgres", password: Optional[str] = None) -> dict:
        """The superuser's connection, through the private Unix socket."""
        return {
            "host": str(self.socket_dir),
            "port": self.ports.postgres,
            "user": ADMIN_USER,
            "password": self.admin_password if password is None else password,
            "dbname": dbname,
        }

    def shared_environment(self) -> dict[str, str]:
        """What every Rasa instance gets: the shared stores and the action servers' front."""
        public = f"http://localhost:{self.ports.public},http://127.0.0.1:{self.ports.public}"
        return dict(
            self.base_env,
            WEB_ALLOWED_ORIGINS=self.base_env.get("WEB_ALLOWED_ORIGINS") or public,
            TRACKER_DIALECT="postgresql",
            TRACKER_HOST="127.0.0.1",
            TRACKER_PORT=str(self.ports.postgres),
            TRACKER_DB=DATABASE,
            TRACKER_USER=DATABASE_USER,
            TRACKER_PASSWORD=self.password,
            REDIS_URL=self.redis_url,
            RASA_API_TOKEN=self.token,
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.ports.actions_front}/webhook",
        )

    def all_ports(self) -> list[int]:
        p = self.ports
        return [p.public, p.internal, p.actions_front, p.postgres, p.redis, p.web, *p.rasa, *p.actions]

    # --- life cycle -----------------------------------------------------------------------------------
    def start(self) -> Cluster:
        for program in ("initdb", "postgres", "redis-server", "nginx"):
            find_program(program)  # one clear line before anything starts
        check_catalogue()
        busy = [str(port) for port in self.all_ports() if _port_open(port)]
        if busy:
            raise StartupError(
                f"port(s) déjà utilisé(s) sur 127.0.0.1 : {', '.join(busy)} (un autre `make run` ou "
                "`make cluster` ?) : arrêtez ce qui les occupe (port public : option --port)."
            )
        settings = load_settings(self.shared_environment())
        self.model = self.model_path or latest_model(settings.models_dir)
        try:
            verify(self.model)  # every instance loads only a model signed by this installation, as `make run`
        except ModelSignatureError as exc:
            raise StartupError(f"modèle refusé — {exc}") from None
        self.logs.mkdir(parents=True, exist_ok=True)
        try:
            self._start_postgres()
            self._start_redis()
            for index, port in enumerate(self.ports.actions, 1):
                self._start_action_server(index, port)
            self._start_nginx()
            rasa = [self._spawn_rasa(index, port) for index, port in enumerate(self.ports.rasa, 1)]
            for child, url in zip(
                rasa, self.rasa_urls, strict=True
            ):  # started together: they load the model in parallel
                self._wait_http(child, url + "/", timeout=420)
            self._start_web()
        except BaseException:
            self.stop()
            raise
        return self

    def supervise(self) -> int:
        """Until Ctrl-C/SIGTERM (0) or a piece crashing in a loop (1): a piece that stops is started again."""
        return self.supervisor.run()

    def stop(self) -> None:
        """Every piece in reverse order (PostgreSQL on SIGINT: fast shutdown), SIGKILL after 30 s."""
        self.supervisor.stop()
        self.supervisor.programs.clear()

    # --- pieces ---------------------------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str], env: Optional[dict] = None, **popen: object) -> Child:
        log_path = self.logs / f"{name}.log"
        popen.setdefault("cwd", PROJECT_ROOT)

        def spawn() -> subprocess.Popen:
            with open(log_path, "ab") as log:
                # Own session: Ctrl-C reaches this launcher only, which stops the pieces in order.
                return subprocess.Popen(
                    command,
                    env=env or self.base_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    **popen,  # type: ignore[arg-type]
                )

        stop_signal = signal.SIGINT if name == "postgres" else signal.SIGTERM
        child = Child(name, spawn, stop_signal=stop_signal, log_path=log_path)
        self.supervisor.start(child)
        return child

    def _wait(self, child: Child, ready: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child.process.poll() is not None:
                raise StartupError(
                    f"{child.name} s'est arrêté au démarrage (code {child.process.returncode}), "
                    f"voir {child.log_path} :\n{child.log_tail()}"
                )
            if ready():
                self.log(f"  {child.name} prêt")
                return
            time.sleep(0.3)
        raise StartupError(f"{child.name} ne répond pas après {timeout:.0f} s, voir {child.log_path}")

    def _wait_http(self, child: Child, url: str, timeout: float = 120) -> None:
        def ready() -> bool:
            try:
                return requests.get(url, timeout=2).status_code < 500
            except requests.RequestException:
                return False

        self._wait(child, ready, timeout)

    # --- PostgreSQL -----------------------------------------------------------------------------------
    def _private_folder(self, path: Path) -> None:
        """A folder only PostgreSQL's account (and root) can enter."""
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o700)
        chown_for_postgres(path)

    def _init_postgres(self) -> None:
        """initdb, once: superuser `postgres` with its own password, scram-sha-256 on the socket and TCP."""
        data = self.postgres_folder / "data"
        if (data / "PG_VERSION").exists():
            return
        password_file = self.postgres_folder / "initdb-password"
        write_private(password_file, self.admin_password)
        chown_for_postgres(password_file)
        try:
            subprocess.run(
                [
                    find_program("initdb"),
                    "-D",
                    str(data),
                    "-U",
                    ADMIN_USER,
                    "-E",
                    "UTF8",
                    "--auth-local=scram-sha-256",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={password_file}",
                    "--no-sync",
                ],
                check=True,
                capture_output=True,
                timeout=120,
                cwd=self.postgres_folder,
                **postgres_account(),
            )
        except subprocess.CalledProcessError as exc:
            raise StartupError(f"initdb a échoué : {exc.stderr.decode(errors='replace').strip()[-300:]}") from None
        finally:
            password_file.unlink(missing_ok=True)

    def _write_hba(self) -> Path:
        """Who may connect, rewritten at each start (also over an older data folder's own pg_hba.conf)."""
        hba = self.postgres_folder / "pg_hba.conf"
        write_private(
            hba,
            "# Généré par `python -m bot cluster` à chaque démarrage ; tout le reste est refusé.\n"
            f"local  all        {ADMIN_USER}                  scram-sha-256\n"
            f'host   "{DATABASE}" "{DATABASE_USER}" 127.0.0.1/32 scram-sha-256\n',
        )
        chown_for_postgres(hba)
        return hba

    def _start_postgres(self) -> None:
        import psycopg2

        folder = self.postgres_folder
        self._private_folder(folder)
        self._private_folder(self.socket_dir)
        self._init_postgres()
        options = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=100",
            "-c",
            f"hba_file={self._write_hba()}",
            "-c",
            "unix_socket_permissions=0700",
            "-c",
            "password_encryption=scram-sha-256",
        ]
        for option in self.postgres_options:
            options += ["-c", option]
        data = folder / "data"
        child = self._spawn(
            "postgres",
            [
                find_program("postgres"),
                "-D",
                str(data),
                "-p",
                str(self.ports.postgres),
                "-k",
                str(self.socket_dir),
                *options,
            ],
            cwd=folder,
            **postgres_account(),
        )
        legacy = [self.password] if self.password != self.admin_password else []

        def ready() -> bool:
            for password in (self.admin_password, *legacy):
                try:
                    connection = psycopg2.connect(**self.admin_connection(password=password), connect_timeout=2)
                except psycopg2.OperationalError as exc:
                    if "password authentication failed" in str(exc):
                        continue
                    return False
                try:
                    if password != self.admin_password:
                        # A cluster folder of an earlier version: the application's password was the superuser's.
                        connection.autocommit = True
                        with connection.cursor() as cursor:
                            cursor.execute(f'ALTER ROLE "{ADMIN_USER}" PASSWORD %s', (self.admin_password,))
                        self.log("  PostgreSQL : le superutilisateur a désormais son propre mot de passe")
                finally:
                    connection.close()
                return True
            raise StartupError(
                f"PostgreSQL refuse le mot de passe du superutilisateur ({self.root}/postgres-admin-password "
                f"différent de celui de {data}) : supprimez {folder} pour repartir de zéro."
            )

        self._wait(child, ready, 60)
        self._provision_database()

    def _provision_database(self) -> None:
        """The application's role and database, with only the rights it needs (idempotent, at each start)."""
        import psycopg2
        from psycopg2 import sql

        role, database = sql.Identifier(DATABASE_USER), sql.Identifier(DATABASE)
        attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
        connection = psycopg2.connect(**self.admin_connection())
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (DATABASE_USER,))
                verb = "ALTER" if cursor.fetchone() else "CREATE"
                # The current TRACKER_PASSWORD at each start; psycopg2 quotes it as a literal.
                cursor.execute(sql.SQL(f"{verb} ROLE {{}} {attributes} PASSWORD %s").format(role), (self.password,))
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(database))  # owned by the superuser
                cursor.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
                cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, role))
        finally:
            connection.close()
        connection = psycopg2.connect(**self.admin_connection(DATABASE))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
                cursor.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(role))
                # Tables an earlier version created as superuser: the application's from now on.
                cursor.execute(
                    """SELECT c.relkind, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S')
                         AND pg_get_userbyid(c.relowner) <> %s
                         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                         AND d.objid = c.oid AND d.deptype IN ('a', 'i'))""",
                    (DATABASE_USER,),
                )
                for kind, name in cursor.fetchall():
                    statement = "ALTER SEQUENCE {} OWNER TO {}" if kind == "S" else "ALTER TABLE {} OWNER TO {}"
                    cursor.execute(sql.SQL(statement).format(sql.Identifier("public", name), role))
        finally:
            connection.close()

    # --- Redis ----------------------------------------------------------------------------------------
    def _start_redis(self) -> None:
        import redis

        folder = self.root / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        config = folder / "redis.conf"
        # The password in a 0600 file rather than on the command line (visible to every account in ps).
        write_private(
            config,
            f'port {self.ports.redis}\nbind 127.0.0.1\nprotected-mode yes\nsave ""\nappendonly no\n'
            f'dir "{folder}"\nrequirepass "{self.redis_password}"\n',
        )
        child = self._spawn("redis", [find_program("redis-server"), str(config)])

        def ready() -> bool:
            try:
                client = redis.Redis(port=self.ports.redis, password=self.redis_password, socket_timeout=1)
                return bool(client.ping())
            except redis.RedisError:
                return False

        self._wait(child, ready, 30)

    def _instance_settings(self, **ports: str):
        env = dict(self.shared_environment(), **ports)
        settings = load_settings(env)
        return settings, server_environment(settings, env)

    def _start_action_server(self, index: int, port: int) -> None:
        settings, env = self._instance_settings(ACTION_PORT=str(port))
        child = self._spawn(f"actions-{index}", action_server_command(settings), env)
        self._wait_http(child, f"http://127.0.0.1:{port}/health")

    def _spawn_rasa(self, index: int, port: int) -> Child:
        settings, env = self._instance_settings(RASA_PORT=str(port), RASA_HOST="127.0.0.1")
        return self._spawn(f"rasa-{index}", rasa_server_command(settings, self.model, self.token), env)

    def _start_web(self) -> None:
        settings, env = self._instance_settings(
            WEB_PORT=str(self.ports.web), WEB_HOST="127.0.0.1", RASA_URL=f"http://127.0.0.1:{self.ports.internal}"
        )
        child = self._spawn("page", web_server_command(), web_environment(settings, env, self.token))
        self._wait_http(child, f"http://127.0.0.1:{self.ports.web}/", timeout=60)

    def nginx_config(self) -> str:
        def servers(ports: tuple[int, ...]) -> str:
            return "\n".join(f"        server 127.0.0.1:{port};" for port in ports)

        values = {
            "PREFIX": str(self.root / "nginx"),
            "LISTEN": self.base_env.get("CLUSTER_LISTEN", "127.0.0.1"),
            "PUBLIC_PORT": str(self.ports.public),
            "INTERNAL_PORT": str(self.ports.internal),
            "ACTIONS_PORT": str(self.ports.actions_front),
            "WEB_ADDRESS": f"127.0.0.1:{self.ports.web}",
            "RASA_SERVERS": servers(self.ports.rasa),
            "ACTION_SERVERS": servers(self.ports.actions),
        }
        text = NGINX_TEMPLATE.read_text(encoding="utf-8")
        for name, value in values.items():
            text = text.replace("{{" + name + "}}", value)
        return text

    def _start_nginx(self) -> None:
        prefix = self.root / "nginx"
        prefix.mkdir(parents=True, exist_ok=True)
        config = prefix / "nginx.conf"
        config.write_text(self.nginx_config(), encoding="utf-8")
        nginx = find_program("nginx")
        check = subprocess.run(
            [nginx, "-t", "-q", "-p", str(prefix), "-c", str(config)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise StartupError(f"configuration nginx refusée ({config}) : {check.stderr.strip()[-300:]}")
        child = self._spawn("nginx", [nginx, "-p", str(prefix), "-c", str(config)])
        self._wait(child, lambda: _port_open(self.ports.actions_front), 20)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def run_cluster(rasa_count: int, action_count: int, public_port: int) -> int:
    """`make cluster`: start everything, print the addresses, then supervise until Ctrl-C or a crash loop."""
    cluster = Cluster(ports=Ports.defaults(rasa_count, action_count, public_port))
    signal.signal(signal.SIGTERM, cluster.supervisor.request_stop)  # Ctrl-C during start-up: KeyboardInterrupt
    print(
        f"Démarrage du cluster ({rasa_count} instances Rasa, {action_count} serveurs d'actions), journaux dans {cluster.logs}"
    )
    try:
        cluster.start()
    except KeyboardInterrupt:
        print("Interrompu.")
        return 130
    ports = cluster.ports
    print(
        f"Entrée publique (nginx) : {cluster.public_url}/  (page, /webhooks/rest/webhook, /socket.io)\n"
        f"Instances Rasa (API)    : {', '.join(cluster.rasa_urls)}  jeton : var/rasa-api-token\n"
        f"PostgreSQL              : 127.0.0.1:{ports.postgres} base {DATABASE}, utilisateur {DATABASE_USER} "
        f"(sans droits d'administration), mot de passe dans {cluster.root}/tracker-password\n"
        f"Redis (verrous)         : {cluster.redis_address}, mot de passe dans {cluster.root}/redis-password\n"
        f"Publier un modèle partout : RASA_URLS={','.join(cluster.rasa_urls)} make retrain\n"
        f"Une pièce arrêtée est relancée (journaux dans {cluster.logs}) ; Ctrl-C pour tout arrêter.",
        flush=True,
    )
    with stopping_on_signals(cluster.supervisor):
        code = cluster.supervise()
    print("Cluster arrêté.", flush=True)
    return code
