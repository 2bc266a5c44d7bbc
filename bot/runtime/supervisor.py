"""Keep the servers of `python -m bot run` and `python -m bot cluster` running.

A server that stops without being asked is started again after a delay that doubles at each stop
(1 s, 2 s, 4 s… at most 16 s) while the others keep serving; one that stops `max_crashes` times
within `window` seconds (5 in 60 s) crashes in a loop: the supervisor says so in French and stops
everything with exit code 1. Ctrl-C, SIGTERM or SIGHUP stop everything in order (exit code 0).

Why not a library: supervisord (`supervisor` on PyPI) is a daemon driven by its own configuration
file and XML-RPC socket; its `startretries` back-off only covers a process that dies during
`startsecs`, so giving up on a server that crashes in a loop after it started takes an event-listener
process of our own anyway. Circus brings pyzmq, tornado and psutil plus a ZeroMQ control endpoint,
and its `max_retry` also counts only failed spawns. honcho does not restart at all. The launchers
need three to a dozen children of the launcher itself, started in order with readiness checks
(PostgreSQL before Rasa), that tests and CI start and kill without a daemon: this module is that,
on `subprocess` alone.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Optional

GAVE_UP = 1  # exit code when a server crashes in a loop


@dataclass(frozen=True)
class RestartPolicy:
    """When to start a stopped server again, and when to give up on it."""

    max_crashes: int = 5  # this many stops within `window` seconds: crash loop, everything stops
    window: float = 60.0
    first_delay: float = 1.0
    max_delay: float = 16.0

    def delay(self, recent_crashes: int) -> float:
        """Seconds to wait before the next start, after `recent_crashes` stops within the window."""
        return min(self.max_delay, self.first_delay * 2 ** max(0, recent_crashes - 1))

    def gives_up(self, recent_crashes: int) -> bool:
        return recent_crashes >= self.max_crashes


@dataclass
class Program:
    """One supervised server: `spawn()` starts it (again) and returns its process."""

    name: str
    spawn: Callable[[], subprocess.Popen]
    stop_signal: int = signal.SIGTERM
    process: Optional[subprocess.Popen] = None
    crashes: deque = field(default_factory=deque)  # monotonic times of its recent stops
    restart_at: Optional[float] = None
    last_code: Optional[int] = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def recent_crashes(self, now: float, window: float) -> int:
        while self.crashes and self.crashes[0] < now - window:
            self.crashes.popleft()
        return len(self.crashes)


def describe_exit(code: Optional[int]) -> str:
    """`code 3`, or `signal SIGKILL` for a process killed by a signal (negative return code)."""
    if code is None:
        return "lancement impossible"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Supervisor:
    """Start programs, restart those that stop (with back-off), stop them all on request or on a crash loop."""

    def __init__(
        self,
        policy: RestartPolicy = RestartPolicy(),
        say: Callable[[str], None] = _to_stderr,
        clock: Callable[[], float] = time.monotonic,
        poll_interval: float = 0.2,
        stop_timeout: float = 15,
    ) -> None:
        self.policy = policy
        self.stop_timeout = stop_timeout
        self.say = say
        self.clock = clock
        self.poll_interval = poll_interval
        self.programs: list[Program] = []
        self._stop_requested = False

    # --- starting ---------------------------------------------------------------------------------------
    def start(self, program: Program) -> Program:
        """Start `program` now (an error starting it propagates: nothing is supervised yet)."""
        program.process = program.spawn()
        self.programs.append(program)
        return program

    def request_stop(self, *_: object) -> None:
        """For a signal handler: the loop of `run()` ends and everything stops."""
        self._stop_requested = True

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested

    # --- watching ---------------------------------------------------------------------------------------
    def check(self) -> Optional[int]:
        """One round: restart what is due, note what stopped. GAVE_UP on a crash loop, else None."""
        now = self.clock()
        for program in self.programs:
            if self._stop_requested:
                return None
            if program.restart_at is not None:
                if now >= program.restart_at:
                    self._restart(program, now)
                continue
            if program.process is not None and program.process.poll() is None:
                continue
            code = program.process.returncode if program.process is not None else None
            if self._crashed(program, code, now):
                return GAVE_UP
        return None

    def _crashed(self, program: Program, code: Optional[int], now: float) -> bool:
        """Note a stop; True if it makes a crash loop."""
        program.last_code = code
        program.crashes.append(now)
        recent = program.recent_crashes(now, self.policy.window)
        if self.policy.gives_up(recent):
            self.say(
                f"« {program.name} » : {recent} arrêts en {self.policy.window:g} s (dernier : {describe_exit(code)}), "
                "il plante en boucle : arrêt de l'ensemble. Corrigez la cause (voir ses messages ci-dessus), puis relancez."
            )
            return True
        delay = self.policy.delay(recent)
        program.restart_at = now + delay
        self.say(
            f"Arrêt inattendu de « {program.name} » ({describe_exit(code)}) : redémarrage dans {delay:g} s, "
            "les autres serveurs continuent."
        )
        return False

    def _restart(self, program: Program, now: float) -> None:
        program.restart_at = None
        try:
            program.process = program.spawn()
        except OSError as exc:  # counts as one more stop: the next round schedules the next try
            self.say(f"Redémarrage de « {program.name} » impossible : {exc}.")
            program.process = None
            return
        self.say(f"Redémarrage de « {program.name} » (processus {program.process.pid}).")

    def run(self) -> int:
        """Watch until a stop is requested (0) or a program crashes in a loop (GAVE_UP); then stop everything."""
        try:
            while not self._stop_requested:
                code = self.check()
                if code is not None:
                    return code
                time.sleep(self.poll_interval)
            return 0
        finally:
            self.stop()

    # --- stopping ---------------------------------------------------------------------------------------
    def stop(self, timeout: Optional[float] = None) -> None:
        """Each program's stop signal in reverse start order, then SIGKILL what is left after `timeout` s."""
        self._stop_requested = True
        timeout = self.stop_timeout if timeout is None else timeout
        running = [p for p in reversed(self.programs) if p.running()]
        for program in running:
            try:
                program.process.send_signal(program.stop_signal)
            except ProcessLookupError:
                pass
        deadline = self.clock() + timeout
        for program in running:
            try:
                program.process.wait(timeout=max(0.1, deadline - self.clock()))
            except subprocess.TimeoutExpired:
                program.process.kill()
                program.process.wait()


@contextmanager
def stopping_on_signals(supervisor: Supervisor) -> Iterator[None]:
    """Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) ask the supervisor to stop everything."""
    names = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {number: signal.signal(number, supervisor.request_stop) for number in names}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
