"""Rasa's socket.io channel with an Origin check.

Rasa 3.6 builds its socket.io server with `cors_allowed_origins=[]`, which turns python-engineio's
Origin check off: any web page open in a browser that can reach Rasa could hold a conversation
over a WebSocket. This subclass switches the check back on. In credentials.yml, in place of
`socketio:`:

    bot.web.socketio_channel.OriginCheckedSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      # allowed_origins: [https://www.loire-atlantique.gouv.fr]   # default: WEB_ALLOWED_ORIGINS,
      #                                                           # else the page's own origin

Requests without an Origin header (non-browser clients) are still served, as engineio does.
"""
from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.web.config import load_web_settings, parse_origins


class OriginCheckedSocketIOInput(SocketIOInput):
    allowed_origins: tuple[str, ...] = ()

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        configured = credentials.pop("allowed_origins", None)
        channel = super().from_credentials(credentials)
        assert isinstance(channel, OriginCheckedSocketIOInput)
        if configured:
            if isinstance(configured, str):
                configured = [configured]
            channel.allowed_origins = parse_origins(",".join(str(o) for o in configured))
        else:
            channel.allowed_origins = load_web_settings(dict(os.environ)).origins
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        assert self.sio is not None
        # Read by engineio on every request: an Origin header outside the list gets a 400.
        self.sio.eio.cors_allowed_origins = list(self.allowed_origins or ("http://localhost:8080",))
        return blueprint
