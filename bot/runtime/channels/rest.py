"""Rasa's REST channel, hardened: `POST /webhooks/rest/webhook`, same name and body as `rest:`.

In credentials.yml in place of `rest:`. What changes for a client:
- a malformed request gets a 4xx and `{"error": "<raison en français>"}`: body over 4 Kio (413),
  not UTF-8, not JSON or nested too deep, not an object, `sender` missing/not text/control
  characters/with ":" (400), `message` missing/not text/empty once control characters are dropped
  (400), over 2,000 characters (413), `metadata` not an object (400);
- the conversation is `rest:<sender>` in the tracker store (its own namespace: no REST client can
  name another channel's conversation, bot/runtime/channels/inputs.py); the replies' `recipient_id`
  stays the client's `sender`; `metadata.agents` (the agents' channel's) is dropped;
- personal data is masked in the text before Rasa sees it (bot/runtime/channels/pipeline.py);
- more messages than the per-address or per-sender rate limits allow (RATE_LIMIT_* variables,
  shared through Redis with REDIS_URL: bot/runtime/channels/ratelimit.py), or more than `max_in_flight`
  of one sender's messages still being processed: 429 with `Retry-After` and a French reason;
- more than 500 messages already waiting for one of the 8 processing slots shared by all channels
  (bot/runtime/channels/admission.py): 503 with `Retry-After`;
- the conversation could not be read or saved (tracker store down, locked) or processing failed:
  503 with `Retry-After` and, in the usual list shape, one French temporary-error message with
  the contact; never a 200 with an empty list, never a trace;
- `input_channel` from the body is ignored (always "rest"); `?stream=true` is not offered.
The body of a normal reply is Rasa's: a JSON list of `{recipient_id, text | buttons | image | custom}`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.runtime import action_calls as actions
from bot.runtime.channels.inputs import MAX_BODY_BYTES, REST_NAMESPACE, RejectedInput, validate_rest_body
from bot.runtime.channels.limits import DEFAULT_MAX_IN_FLIGHT
from bot.runtime.channels.pipeline import Failed, Intake, Processed, request_client_ip

logger = logging.getLogger(__name__)


class HardenedRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> HardenedRestInput:
        credentials = credentials or {}
        actions.install()  # apology instead of silence when the action server fails (bot/runtime/action_calls.py)
        if "rate_burst" in credentials or "rate_per_second" in credentials:
            logger.warning(
                "Canal REST : rate_burst et rate_per_second sont ignorés ; limites de débit par "
                "RATE_LIMIT_SENDER_PER_MINUTE et RATE_LIMIT_SENDER_BURST (docs/securite.md)."
            )
        intake = Intake(
            "REST",
            max_in_flight=int(credentials.get("max_in_flight", DEFAULT_MAX_IN_FLIGHT)),
            namespace=REST_NAMESPACE,
        )
        return cls(intake, int(credentials.get("max_body_bytes", MAX_BODY_BYTES)))

    def __init__(self, intake: Optional[Intake] = None, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.intake = intake or Intake("REST", namespace=REST_NAMESPACE)
        if self.intake.namespace is None:  # REST senders never share the agents' (or any other) namespace
            self.intake.namespace = REST_NAMESPACE
        self.max_body_bytes = max_body_bytes

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("hardened_rest_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(
                request.body or b"", on_new_message, request_client_ip(request.ip, request.headers)
            )

        return hook

    async def receive(
        self, body: bytes, on_new_message: Callable[[UserMessage], Awaitable[Any]], client_ip: Optional[str] = None
    ) -> HTTPResponse:
        try:
            inbound = validate_rest_body(body, self.max_body_bytes)
        except RejectedInput as exc:
            return response.json({"error": exc.reason}, status=exc.status)
        collector = CollectingOutputChannel()
        message = self.intake.user_message(
            inbound.text, collector, inbound.sender, input_channel=self.name(), metadata=inbound.metadata
        )
        outcome = await self.intake.process(message.sender_id, client_ip, functools.partial(on_new_message, message))
        if isinstance(outcome, Processed):  # addressed to the client's own id, not the tracker's
            return response.json(
                [
                    {**m, "recipient_id": inbound.sender} if m.get("recipient_id") == message.sender_id else m
                    for m in collector.messages
                ]
            )
        retry_after = {"Retry-After": str(outcome.retry_after)}
        if isinstance(outcome, Failed):  # in the usual list shape, never a 200 with an empty list
            reply: Any = [{"recipient_id": inbound.sender, "text": outcome.reason}]
        else:  # Refused (429) or Busy (503)
            reply = {"error": outcome.reason}
        return response.json(reply, status=outcome.status, headers=retry_after)
