"""Small aiohttp servers on loopback, run in a background thread for integration tests:
a slow proxy in front of the action server, and a receiver standing in for Mattermost's response_url.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Optional

import aiohttp
from aiohttp import web

from tests.support.servers import free_port


class BackgroundApp:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: Optional[web.AppRunner] = None

    def start(self) -> BackgroundApp:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


class SlowActionProxy(BackgroundApp):
    """Rasa's action endpoint: waits `delay` seconds, then forwards to the real action server."""

    def __init__(self, action_server_url: str) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self._forward)
        super().__init__(app)
        self.target = f"{action_server_url}/webhook"
        self.delay = 0.0

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        await asyncio.sleep(self.delay)
        async with aiohttp.ClientSession() as session:
            # The action server's token travels with the call (bot/runtime/action_server.py).
            headers = {
                "Content-Type": "application/json",
                **{k: v for k, v in request.headers.items() if k.lower() == "authorization"},
            }
            async with session.post(self.target, data=body, headers=headers, params=request.query) as reply:
                return web.Response(body=await reply.read(), status=reply.status, content_type="application/json")


@dataclass
class Delivery:
    path: str
    content_type: str
    body: Any
    received_at: float


class ResponseUrlReceiver(BackgroundApp):
    """Stands in for Mattermost's /hooks/commands/<id>: records every POST."""

    def __init__(self) -> None:
        app = web.Application()
        app.router.add_post("/hooks/commands/{hook_id}", self._receive)
        super().__init__(app)
        self._deliveries: queue.Queue[Delivery] = queue.Queue()

    def hook_url(self, hook_id: str) -> str:
        return f"{self.url}/hooks/commands/{hook_id}"

    async def _receive(self, request: web.Request) -> web.Response:
        self._deliveries.put(Delivery(request.path, request.content_type, await request.json(), time.monotonic()))
        return web.Response(text="ok")

    def next_delivery(self, timeout: float = 30) -> Delivery:
        return self._deliveries.get(timeout=timeout)

    def pending(self) -> int:
        return self._deliveries.qsize()
