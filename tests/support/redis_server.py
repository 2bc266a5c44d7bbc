"""A real redis-server on a free loopback port, without persistence, for the clustered-deployment tests."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass

import pytest

from tests.support.servers import free_port

REDIS_SERVER = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server n'est pas installé (scripts/setup-system.sh)"
)


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start_redis() -> RedisServer:
    import redis

    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(port, process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port, socket_timeout=1).ping():
                return server
        except redis.RedisError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"redis-server ne répond pas sur le port {port}")
