"""A real python-socketio client (long-polling, as tests/faults/support.py) driven step by step: several
sockets at once, to play a victim and an attacker against the socket.io channel."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Optional


class SocketClient:
    def __init__(self, url: str, origin: Optional[str] = None) -> None:
        import socketio

        self.url, self.origin = url, origin
        self.sio = socketio.AsyncClient(reconnection=False)
        self.replies: list[Any] = []
        self._confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("bot_uttered", self._on_bot)
        self.sio.on("session_confirm", self._on_confirm)

    async def _on_bot(self, data: Any) -> None:
        self.replies.append(data)

    async def _on_confirm(self, data: Any) -> None:
        await self._confirmed.put(data)

    async def __aenter__(self) -> SocketClient:
        headers = {"Origin": self.origin} if self.origin else {}
        await self.sio.connect(self.url, transports=["polling"], headers=headers, wait_timeout=10)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # A polite disconnect waits for the pending long-poll (up to 25 s): drop the transport instead.
        await self.sio.eio.disconnect(abort=True)

    async def session(self, asked: Any = None) -> Any:
        """session_request (with `asked` as session_id unless None): the session the server confirms."""
        await self.sio.emit("session_request", {"session_id": asked} if asked is not None else {})
        return await asyncio.wait_for(self._confirmed.get(), 10)

    async def say(self, text: str, session_id: Any) -> None:
        await self.sio.emit("user_uttered", {"message": text, "session_id": session_id})

    async def texts(self, count: int = 1, timeout: float = 30) -> list[str]:
        """The texts of the replies received so far, once at least `count` arrived (or `timeout` s)."""
        deadline = time.monotonic() + timeout
        while len(self.replies) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        return [m.get("text") or "" for m in self.replies if isinstance(m, dict)]
