"""Rasa's socket.io channel with an Origin check.

Rasa 3.6 builds its socket.io server with `cors_allowed_origins=[]`, which turns python-engineio's
Origin check off: any web page open in a browser that can reach Rasa could hold a conversation
over a WebSocket. This subclass switches the check back on. In credentials.yml, in place of
`socketio:`:

    bot.runtime.channels.socket_io.OriginCheckedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      # allowed_origins: [https://www.loire-atlantique.gouv.fr]   # default: WEB_ALLOWED_ORIGINS,
      #                                                           # else the page's own origin

Requests without an Origin header (non-browser clients) are still served, as engineio does.

The `session_request` and user-message handlers are Rasa's, fixed and hardened (pipeline.py).
Rasa forgets to await `enter_room` (a coroutine in python-socketio 5), so with session persistence
no reply ever reached the client. A payload of the wrong shape, an empty or oversized message, or
a payload over 4 Kio, or more messages than the per-address or per-sender rate limits allow
(bot/runtime/channels/ratelimit.py) gets a `bot_uttered` saying why (never an exception in the server); a
tracker-store or processing failure gets a French temporary-error message with the contact
instead of silence; the replies of a turn are sent once it is stored.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.runtime import action_calls as actions
from bot.runtime.channels.inputs import MAX_BODY_BYTES, RejectedInput, validate_metadata, validate_sender, validate_text
from bot.runtime.channels.pipeline import Intake, Processed, request_client_ip
from bot.web.config import load_web_settings, parse_origins

logger = logging.getLogger(__name__)


class _HeldBackOutput(SocketIOOutput):
    """Rasa's socket.io output (same message shapes), sent once the turn is processed and stored."""

    def __init__(self, sio: Any, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.held: list[tuple[str, Any]] = []

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.held.append((socket_id, response))

    async def release(self) -> None:
        for room, response in self.held:
            await self.sio.emit(self.bot_message_evt, response, room=room)
        self.held.clear()


class OriginCheckedSocketIOInput(SocketIOInput):
    allowed_origins: tuple[str, ...] = ()

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        actions.install()  # apology instead of silence when the action server fails
        configured = credentials.pop("allowed_origins", None)
        channel = super().from_credentials(credentials)
        assert isinstance(channel, OriginCheckedSocketIOInput)
        if configured:
            if isinstance(configured, str):
                configured = [configured]
            channel.allowed_origins = parse_origins(",".join(str(o) for o in configured))
        else:
            channel.allowed_origins = load_web_settings().origins
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        assert self.sio is not None
        # Read by engineio on every request: an Origin header outside the list gets a 400.
        self.sio.eio.cors_allowed_origins = list(self.allowed_origins or ("http://localhost:8080",))
        self._harden_handlers(on_new_message)
        return blueprint

    def _harden_handlers(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Replace Rasa's `session_request` and user-message handlers (registering again replaces)."""
        sio, intake = self.sio, Intake("socket.io")
        assert sio is not None

        async def refuse(sid: str, reason: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": f"Message refusé : {reason}."}, room=sid)

        async def session_request(sid: str, data: Any = None) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            try:
                session_id = validate_sender(session_id, "session_id") if session_id is not None else uuid.uuid4().hex
            except RejectedInput as exc:
                await refuse(sid, exc.reason)
                return
            if self.session_persistence:
                # AsyncServer.enter_room is a coroutine in python-socketio 5: Rasa 3.6 does not await it,
                # so its sessions never join their room and the bot's replies reach nobody.
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid)

        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                await refuse(sid, "objet attendu : {message, session_id}")
                return
            if _encoded_size(data) > MAX_BODY_BYTES:
                await refuse(sid, f"message trop volumineux (max. {MAX_BODY_BYTES // 1024} Kio)")
                return
            try:
                sender = validate_sender(data.get("session_id"), "session_id") if self.session_persistence else sid
                text = validate_text(data.get("message"))
                metadata = validate_metadata(data.get(self.metadata_key))
            except RejectedInput as exc:
                await refuse(sid, exc.reason)
                return
            output = _HeldBackOutput(sio, self.bot_message_evt)
            message = UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata or None)
            outcome = await intake.process(
                sender, _client_ip(sio, sid, self.namespace), functools.partial(on_new_message, message)
            )
            if isinstance(outcome, Processed):
                await output.release()
            else:  # refused, overloaded, or a turn not stored (its replies are not shown): said in French
                await sio.emit(self.bot_message_evt, {"text": outcome.reason}, room=sid)

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)


def _encoded_size(data: Any) -> int:
    try:
        return len(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError, RecursionError):
        return 0  # not JSON-encodable: the field checks refuse it with their own reason


def _client_ip(sio: Any, sid: str, namespace: Optional[str]) -> Optional[str]:
    """The address of the HTTP request that opened this socket (X-Forwarded-For from trusted proxies only)."""
    try:
        request = (sio.get_environ(sid, namespace=namespace) or {}).get("sanic.request")
    except (KeyError, ValueError):
        return None
    return request_client_ip(request.ip, request.headers) if request is not None else None
