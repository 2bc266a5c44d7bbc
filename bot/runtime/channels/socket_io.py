"""Rasa's socket.io channel with an Origin check and server-issued, signed session ids.

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

Session ids are issued by the server, never chosen by the client: `<32 hex>.<32 hex>`, a random
part and its HMAC-SHA256 under SOCKETIO_SESSION_SECRET (bot/runtime/settings.py; empty: a secret
generated once in var/socketio-session-secret — instances behind one entry must share it). In Rasa,
`session_request` confirmed any id the client sent and put the socket in that room, where Rasa
emits the replies: knowing someone's id was enough to read their conversation. Here a
`session_request` with a well-signed id gets it back (the browser's conversation survives a
reload); any other id (forged, from another server, another channel's `mattermost:…`) gets a
fresh one, never the room asked for. Every user message must carry the session of its own
socket, signature checked again; another one is refused. The conversation is `socketio:<random
part>` in the tracker store (the signature, the proof of ownership, is never stored), which is
also the room of its sockets.

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
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.runtime import action_calls as actions
from bot.runtime.channels.inputs import (
    MAX_BODY_BYTES,
    SOCKETIO_NAMESPACE,
    RejectedInput,
    namespaced,
    validate_metadata,
    validate_sender,
    validate_text,
)
from bot.runtime.channels.pipeline import Intake, Processed, request_client_ip
from bot.runtime.settings import VAR_DIR, local_secret
from bot.web.config import load_web_settings, parse_origins

logger = logging.getLogger(__name__)

SESSION_SECRET_VARIABLE = "SOCKETIO_SESSION_SECRET"
SESSION_SECRET_PATH = VAR_DIR / "socketio-session-secret"
_SESSION_ID = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")
NOT_THIS_SESSION = "Message refusé : session_id n'est pas la session de cette connexion (envoyez session_request)."
NO_SESSION = "Message refusé : session inconnue ; envoyez session_request pour en obtenir une."


def session_secret(path: Path = SESSION_SECRET_PATH) -> str:
    """SOCKETIO_SESSION_SECRET, else a local secret generated once and kept in var/."""
    return local_secret(SESSION_SECRET_VARIABLE, path)


class SessionIds:
    """Server-issued session ids: `<random>.<signature>`, the signature an HMAC-SHA256 of the random part."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("clé de signature des sessions socket.io vide")
        self._key = hashlib.sha256(b"mois-socketio-session\x00" + secret.encode("utf-8")).digest()

    def _signature(self, random_part: str) -> str:
        return hmac.new(self._key, random_part.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        random_part = secrets.token_hex(16)
        return f"{random_part}.{self._signature(random_part)}"

    def verify(self, value: Any) -> Optional[str]:
        """`value` if it is an id this server (or one sharing its secret) issued, else None."""
        match = _SESSION_ID.fullmatch(value) if isinstance(value, str) else None
        if match is None or not hmac.compare_digest(match.group(2), self._signature(match.group(1))):
            return None
        return value

    @staticmethod
    def conversation(session_id: str) -> str:
        """The id inside the channel's namespace: the random part (the tracker is `socketio:<it>`)."""
        return session_id.split(".", 1)[0]


def session_room(session_id: str) -> str:
    """The room of a session's sockets, where its replies go: its conversation's tracker id."""
    return namespaced(SOCKETIO_NAMESPACE, SessionIds.conversation(session_id))


class _HeldBackOutput(SocketIOOutput):
    """Rasa's socket.io output (same message shapes), sent to `room` once the turn is processed and stored."""

    def __init__(self, sio: Any, bot_message_evt: str, room: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.room = room
        self.held: list[Any] = []

    async def _send_message(self, socket_id: str, response: Any) -> None:
        self.held.append(response)  # socket_id is the tracker's sender id: the replies go to this turn's room

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        # Rasa's own version emits the dict as keyword arguments of emit(): a quotation or a calendar link
        # (bot/runtime/channels/quotes.py) would raise. It goes, held back like the rest, as {"custom": …}.
        self.held.append({"custom": json_message})

    async def release(self) -> None:
        for response in self.held:
            await self.sio.emit(self.bot_message_evt, response, room=self.room)
        self.held.clear()


class OriginCheckedSocketIOInput(SocketIOInput):
    allowed_origins: tuple[str, ...] = ()
    session_ids: Optional[SessionIds] = None

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
        sio, intake = self.sio, Intake("socket.io", namespace=SOCKETIO_NAMESPACE)
        assert sio is not None
        if self.session_ids is None:
            self.session_ids = SessionIds(session_secret())
        ids, namespace = self.session_ids, self.namespace

        async def refuse(sid: str, reason: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": f"Message refusé : {reason}."}, room=sid)

        async def bound_session(sid: str) -> Optional[str]:
            try:
                return (await sio.get_session(sid, namespace=namespace)).get("session_id")
            except KeyError:  # disconnected meanwhile
                return None

        async def bind(sid: str, session_id: str) -> None:
            """This socket holds `session_id` now (and only it): its room, its messages."""
            previous = await bound_session(sid)
            await sio.save_session(sid, {"session_id": session_id}, namespace=namespace)
            if self.session_persistence:
                if previous and previous != session_id:
                    await sio.leave_room(sid, session_room(previous), namespace=namespace)
                # AsyncServer.enter_room is a coroutine in python-socketio 5: Rasa 3.6 does not await it,
                # so its sessions never join their room and the bot's replies reach nobody.
                await sio.enter_room(sid, session_room(session_id), namespace=namespace)

        async def session_request(sid: str, data: Any = None) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            try:
                if asked is not None:
                    validate_sender(asked, "session_id")
            except RejectedInput as exc:
                await refuse(sid, exc.reason)
                return
            # Only an id this server signed is given back; any other gets a fresh one, never its room.
            session_id = ids.verify(asked) or ids.issue()
            await bind(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        async def session_of(sid: str, data: dict) -> Optional[str]:
            """The sender id of this socket's message (its session's random part), or None once refused."""
            if not self.session_persistence:
                return sid
            claimed = validate_sender(data.get("session_id"), "session_id")
            session_id, bound = ids.verify(claimed), await bound_session(sid)
            if session_id is None or (bound is not None and bound != session_id):
                await sio.emit(self.bot_message_evt, {"text": NOT_THIS_SESSION if bound else NO_SESSION}, room=sid)
                return None
            if bound is None:  # a signed id without session_request (a client that skips it): this socket's now
                await bind(sid, session_id)
            return SessionIds.conversation(session_id)

        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                await refuse(sid, "objet attendu : {message, session_id}")
                return
            if _encoded_size(data) > MAX_BODY_BYTES:
                await refuse(sid, f"message trop volumineux (max. {MAX_BODY_BYTES // 1024} Kio)")
                return
            try:
                sender = await session_of(sid, data)
                if sender is None:
                    return
                text = validate_text(data.get("message"))
                metadata = validate_metadata(data.get(self.metadata_key))
            except RejectedInput as exc:
                await refuse(sid, exc.reason)
                return
            room = namespaced(SOCKETIO_NAMESPACE, sender) if self.session_persistence else sid
            output = _HeldBackOutput(sio, self.bot_message_evt, room)
            message = intake.user_message(text, output, sender, input_channel=self.name(), metadata=metadata)
            outcome = await intake.process(
                message.sender_id, _client_ip(sio, sid, namespace), functools.partial(on_new_message, message)
            )
            if isinstance(outcome, Processed):
                await output.release()
            else:  # refused, overloaded, or a turn not stored (its replies are not shown): said in French
                await sio.emit(self.bot_message_evt, {"text": outcome.reason}, room=sid)

        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_message, namespace=namespace)


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
