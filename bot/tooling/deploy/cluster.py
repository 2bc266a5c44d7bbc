"""The production topology on one machine: PostgreSQL, Redis, N action servers, N Rasa instances and
nginx in front, every process a child of this one (Ctrl-C stops them all).

Each piece talks to the others only through addresses from the environment (TRACKER_*, REDIS_URL,
ACTION_SERVER_URL, RASA_URL), so the same pieces run on separate hosts unchanged (deploy/README.md).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

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
from bot.tooling.deploy.programs import chown_for_postgres, find_program, postgres_account
from bot.tooling.processes import LoggedProcess, free_port

CLUSTER_DIR = VAR_DIR / "cluster"
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"
DATABASE = "rasa"
DATABASE_USER = "postgres"


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


Child = LoggedProcess


@dataclass
class Cluster:
    """Start with `start()`, stop with `stop()`; `root` holds data, logs and the generated nginx.conf."""

    root: Path = CLUSTER_DIR
    ports: Ports = field(default_factory=Ports.defaults)
    base_env: dict = field(default_factory=process_environment)
    postgres_options: tuple[str, ...] = ()
    model_path: Optional[Path] = None  # default: the latest model of MODELS_DIR, as `make run`
    log: Callable[[str], None] = print
    children: list[Child] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.logs = self.root / "logs"
        self.token = self.base_env.get("RASA_API_TOKEN") or api_token()
        # TRACKER_PASSWORD, else a password generated once for this machine's cluster (0600 file).
        self.password = local_secret("TRACKER_PASSWORD", self.root / "tracker-password", self.base_env)

    # --- addresses ------------------------------------------------------------------------------------
    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.public}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports.rasa]

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.ports.redis}/0"

    def database_connection(self) -> dict:
        return {
            "host": "127.0.0.1",
            "port": self.ports.postgres,
            "user": DATABASE_USER,
            "password": self.password,
            "dbname": DATABASE,
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

    def stop(self) -> None:
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGINT if child.name == "postgres" else signal.SIGTERM)
        for child in reversed(self.children):
            try:
                child.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        self.children.clear()

    def stopped_child(self) -> Optional[Child]:
        return next((child for child in self.children if child.process.poll() is not None), None)

    # --- pieces ---------------------------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str], env: Optional[dict] = None, **popen: object) -> Child:
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as log:
            # Own session: Ctrl-C reaches this launcher only, which stops the pieces in order.
            popen.setdefault("cwd", PROJECT_ROOT)
            process = subprocess.Popen(
                command, env=env or self.base_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **popen
            )  # type: ignore[arg-type]
        child = Child(name, process, log_path)
        self.children.append(child)
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

    def _start_postgres(self) -> None:
        import psycopg2

        account = postgres_account()
        folder = self.root / "postgres"
        data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        chown_for_postgres(folder)
        if not (data / "PG_VERSION").exists():
            password_file = folder / "initdb-password"
            password_file.write_text(self.password)
            chown_for_postgres(password_file)
            try:
                subprocess.run(
                    [
                        find_program("initdb"),
                        "-D",
                        str(data),
                        "-U",
                        DATABASE_USER,
                        "-E",
                        "UTF8",
                        "--auth-local=trust",
                        "--auth-host=scram-sha-256",
                        f"--pwfile={password_file}",
                        "--no-sync",
                    ],
                    check=True,
                    capture_output=True,
                    timeout=120,
                    cwd=folder,
                    **account,
                )
            except subprocess.CalledProcessError as exc:
                raise StartupError(f"initdb a échoué : {exc.stderr.decode(errors='replace').strip()[-300:]}") from None
            finally:
                password_file.unlink(missing_ok=True)
        options = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=100"]
        for option in self.postgres_options:
            options += ["-c", option]
        child = self._spawn(
            "postgres",
            [find_program("postgres"), "-D", str(data), "-p", str(self.ports.postgres), "-k", str(folder), *options],
            cwd=folder,
            **account,
        )

        def connect(dbname: str):
            return psycopg2.connect(**dict(self.database_connection(), dbname=dbname), connect_timeout=2)

        def ready() -> bool:
            try:
                connect("postgres").close()
                return True
            except psycopg2.OperationalError as exc:
                if "password authentication failed" in str(exc):
                    raise StartupError(
                        f"PostgreSQL refuse le mot de passe (TRACKER_PASSWORD ou {self.root}/tracker-password "
                        f"différent de celui de {data}) : supprimez {folder} pour repartir de zéro."
                    ) from None
                return False

        self._wait(child, ready, 60)
        connection = connect("postgres")
        connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            connection.close()

    def _start_redis(self) -> None:
        import redis

        folder = self.root / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        child = self._spawn(
            "redis",
            [
                find_program("redis-server"),
                "--port",
                str(self.ports.redis),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
        )

        def ready() -> bool:
            try:
                return bool(redis.Redis(port=self.ports.redis, socket_timeout=1).ping())
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
    """`make cluster`: start everything, print the addresses, wait for Ctrl-C or a stopped process."""
    cluster = Cluster(ports=Ports.defaults(rasa_count, action_count, public_port))
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    print(
        f"Démarrage du cluster ({rasa_count} instances Rasa, {action_count} serveurs d'actions), journaux dans {cluster.logs}"
    )
    try:
        cluster.start()
    except KeyboardInterrupt:
        print("Interrompu.")
        return 130
    signal.signal(signal.SIGINT, stop)
    ports = cluster.ports
    print(
        f"Entrée publique (nginx) : {cluster.public_url}/  (page, /webhooks/rest/webhook, /socket.io)\n"
        f"Instances Rasa (API)    : {', '.join(cluster.rasa_urls)}  jeton : var/rasa-api-token\n"
        f"PostgreSQL              : 127.0.0.1:{ports.postgres} base {DATABASE}, utilisateur {DATABASE_USER}, "
        f"mot de passe dans {cluster.root}/tracker-password\n"
        f"Redis (verrous)         : {cluster.redis_url}\n"
        f"Publier un modèle partout : RASA_URLS={','.join(cluster.rasa_urls)} make retrain\n"
        "Ctrl-C pour tout arrêter.",
        flush=True,
    )
    code = 0
    while not stopping:
        child = cluster.stopped_child()
        if child is not None:
            print(
                f"{child.name} s'est arrêté (code {child.process.returncode}, voir {child.log_path}) : arrêt de l'ensemble."
            )
            code = 1
            break
        time.sleep(0.5)
    print("Arrêt du cluster…", flush=True)
    cluster.stop()
    return code
