"""Start the bots under test on free loopback ports, read their memory, time a cold start of `python -m bot run`."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.runtime.launcher import action_server_command, latest_model, rasa_server_command
from bot.runtime.model_signing import KEY_VARIABLE, ModelSignatureError, sign, verify
from bot.runtime.settings import PROJECT_ROOT, load_settings, process_environment, server_environment
from bot.tooling.bench.load import reply_error
from bot.tooling.processes import LoggedProcess, free_port

START_TIMEOUT = 240.0
# What the Makefile exports to every command, `make run` included.
MAKE_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TQDM_DISABLE": "1",
    "PYTHONWARNINGS": "ignore",
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}
# The press kit's events took place in November 2020: pinning "today" makes date questions list events.
REFERENCE_DATE = "2020-11-18"
COLD_START_QUESTION = "Quand a lieu l'atelier sur les communs ?"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the command name may contain spaces or ')'
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, []))
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (VmRSS from /proc), in MB; 0 once it is gone."""
    total = 0
    for current in _tree(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])  # kB
        except OSError:
            continue
    return total / 1024


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its living descendants."""
    ticks = 0
    for current in _tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return ticks / os.sysconf("SC_CLK_TCK")


Process = LoggedProcess


def launch(name: str, command: list[str], env: dict[str, str], log_dir: Path, cwd: Path = PROJECT_ROOT) -> Process:
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Process(name, process, log_path)


def wait_http(proc: Process, url: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.process.poll() is not None:
            raise RuntimeError(
                f"{proc.name} s'est arrêté au démarrage (code {proc.process.returncode}) :\n{proc.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    proc.stop()
    raise RuntimeError(f"{proc.name} ne répond pas après {timeout:.0f} s :\n{proc.log_tail()}")


@dataclass
class BotUnderTest:
    label: str
    url: str
    rasa: Process
    actions: Optional[Process] = None
    ready_seconds: float = 0.0
    env: dict[str, str] = field(default_factory=dict)

    def memory(self) -> tuple[float, float]:
        rasa = tree_rss_mb(self.rasa.process.pid)
        return rasa, tree_rss_mb(self.actions.process.pid) if self.actions else 0.0

    def cpu_seconds(self) -> float:
        """CPU used by the bot's servers (Rasa and actions): per message, a figure the machine's load barely moves."""
        return sum(tree_cpu_seconds(p.process.pid) for p in (self.rasa, self.actions) if p)

    def stop(self) -> None:
        for proc in (self.rasa, self.actions):
            if proc:
                proc.stop()


# Switches of the rate limits for a load benchmark (bot/runtime/channels/ratelimit.py, docs/securite.md): the load
# generator is one address sending far more than a person would; a dialogue stays far below the per-sender limit.
RATE_LIMITS_OFF = {"RATE_LIMIT_SENDER_PER_MINUTE": "0", "RATE_LIMIT_IP_PER_MINUTE": "0"}


def signed_models(scratch: Path) -> dict[str, str]:
    """The project's model as `python -m bot run` accepts it, without touching models/ or var/.

    Signed with this installation's key: used as is. Not signed yet (or signed elsewhere): a link to it
    in `scratch`, signed with a throwaway key, so the bench loads the very same archive through the same check.
    """
    model = latest_model(load_settings().models_dir)
    try:
        verify(model)
        return {}
    except ModelSignatureError:
        key = uuid.uuid4().hex
        linked = scratch / "modeles" / model.name
        linked.parent.mkdir(parents=True, exist_ok=True)
        if not linked.exists():
            linked.symlink_to(model.resolve())
        sign(linked, key.encode())
        return {"MODELS_DIR": str(linked.parent), KEY_VARIABLE: key}


def project_environment(tracker_db: Path, overrides: Optional[dict[str, str]] = None) -> dict[str, str]:
    """What `make run` gives the servers (bot.runtime.settings.server_environment), on free ports and a fresh tracker store."""
    env = {
        **process_environment(),
        **MAKE_ENV,
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
        "TRACKER_DB": str(tracker_db),
        "MOIS_REFERENCE_DATE": REFERENCE_DATE,
        "RASA_API_TOKEN": f"bench-{uuid.uuid4().hex}",
        "ACTION_SERVER_TOKEN": f"bench-{uuid.uuid4().hex}",
        **RATE_LIMITS_OFF,
        **signed_models(tracker_db.parent),
        **(overrides or {}),
    }
    return server_environment(load_settings(env), env)


def trusted_model(models_dir: Path, env: dict[str, str]) -> Path:
    model = latest_model(models_dir)
    key = env.get(KEY_VARIABLE)
    verify(model, key.encode() if key else None)  # what bot/runtime/launcher.py checks before `make run` starts Rasa
    return model


def start_ours(log_dir: Path, tracker_db: Path, overrides: Optional[dict[str, str]] = None) -> BotUnderTest:
    """Action server then Rasa server, with the command builders of bot/runtime/launcher.py and the environment of `make run`."""
    env = project_environment(tracker_db, overrides)
    settings = load_settings(env)
    started = time.monotonic()
    actions = launch("serveur-actions", action_server_command(settings), env, log_dir)
    try:
        wait_http(actions, f"http://127.0.0.1:{settings.action_port}/health")
        model = trusted_model(settings.models_dir, env)
        rasa = launch("serveur-rasa", rasa_server_command(settings, model, env["RASA_API_TOKEN"]), env, log_dir)
        url = f"http://127.0.0.1:{settings.rasa_port}"
        wait_http(rasa, url + "/")
    except Exception:
        actions.stop()
        raise
    return BotUnderTest("ours", url, rasa, actions, round(time.monotonic() - started, 1), env)


def start_anchor(anchor_dir: Path, model: Path, log_dir: Path) -> BotUnderTest:
    """The bare bot as a user would run it: `rasa run --enable-api` in its directory, its own endpoints and credentials."""
    port = free_port()
    env = {
        **process_environment(),
        **MAKE_ENV,
        "PYTHONPATH": str(PROJECT_ROOT),
    }  # only for bot.runtime.quiet, which silences warnings
    command = [
        sys.executable,
        "-m",
        "bot",
        "rasa",
        "run",
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--enable-api",
        f"--auth-token={secrets.token_urlsafe(24)}",
    ]  # never an open API
    started = time.monotonic()
    rasa = launch("rasa-init", command, env, log_dir, cwd=anchor_dir)
    url = f"http://127.0.0.1:{port}"
    wait_http(rasa, url + "/")
    return BotUnderTest("anchor", url, rasa, None, round(time.monotonic() - started, 1), env)


def _ask_once(url: str, text: str, timeout: float = 10) -> Optional[str]:
    """None if the bot answered properly, else why not."""
    body = json.dumps({"sender": f"froid-{uuid.uuid4().hex[:8]}", "message": text}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return reply_error(response.status, json.loads(response.read() or b"null"))
    except urllib.error.HTTPError as exc:
        return f"http {exc.code}"
    except (OSError, ValueError) as exc:
        return type(exc).__name__


def cold_start(log_dir: Path, tracker_db: Path, limit: float = 120.0, index: int = 0) -> Optional[float]:
    """Seconds from launching `python -m bot run` (what `make run` starts once the model exists) to a proper answer."""
    env = project_environment(tracker_db)
    url = f"http://127.0.0.1:{env['RASA_PORT']}"
    started = time.monotonic()
    run = launch(f"demarrage-a-froid-{index}", [sys.executable, "-m", "bot", "run"], env, log_dir)
    try:
        while time.monotonic() - started < limit:
            if run.process.poll() is not None:
                raise RuntimeError(
                    f"`python -m bot run` s'est arrêté (code {run.process.returncode}) :\n{run.log_tail()}"
                )
            if _ask_once(url, COLD_START_QUESTION) is None:
                return round(time.monotonic() - started, 1)
            time.sleep(0.25)
        return None
    finally:
        run.stop()
