"""Rasa input channel for public agents' team chat: `POST /webhooks/agents/webhook`.

A thin Sanic adapter: parsing, token check, formatting and reply shapes are the pure helpers
of this package. Registered in credentials.yml as `bot.runtime.channels.agents.channel.AgentsInput`; accepted
tokens come from the AGENTS_WEBHOOK_TOKENS environment variable only.

A slow answer goes later to `response_url` only if its host and port are listed
(AGENTS_RESPONSE_URL_HOSTS, https), and never through a redirection; without a list, the answer
comes in the response or, too slow, a French apology does.

Its blueprint also carries this project's one hook on Rasa's own Sanic app: Rasa's HTTP API takes
no JWT but the page's one-conversation tokens (bot/web/config.py), so that the key the page holds
cannot mint an admin token (PUT /model would load an unsigned model).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Optional

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.runtime import action_calls as actions
from bot.runtime.channels.agents.choices import pending_choices
from bot.runtime.channels.agents.markdown import render_messages
from bot.runtime.channels.agents.options import ChannelOptions
from bot.runtime.channels.agents.payloads import (
    AgentRequest,
    PayloadError,
    decode_body,
    header_token,
    parse_request,
    token_of,
)
from bot.runtime.channels.agents.replies import FAILURE, TOO_SLOW, answer_prefix, reply_body, text_body, wait_body
from bot.runtime.channels.agents.tokens import TOKENS_VARIABLE, configured_tokens, request_is_authorised
from bot.runtime.channels.pipeline import Failed, Intake, Outcome, Processed, Refused, request_client_ip
from bot.web.config import only_conversation_jwts

logger = logging.getLogger(__name__)

RESPONSE_URL_TIMEOUT = aiohttp.ClientTimeout(total=10)


class AgentsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "agents"  # -> /webhooks/agents/webhook

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> AgentsInput:
        tokens = configured_tokens()
        if not tokens:
            logger.warning("%s est vide : le canal agents refusera toutes les requêtes (401).", TOKENS_VARIABLE)
        actions.install()  # apology instead of silence when the action server fails
        options = ChannelOptions.from_credentials(credentials)
        if not options.response_url_hosts:
            logger.warning(
                "AGENTS_RESPONSE_URL_HOSTS est vide : aucune réponse différée (response_url) ; "
                "une réponse plus lente que webhook_timeout est remplacée par un message d'excuse."
            )
        return cls(options, tokens)

    def __init__(self, options: Optional[ChannelOptions] = None, tokens: tuple[str, ...] = ()) -> None:
        self.options = options or ChannelOptions()
        self.tokens = tuple(tokens)
        self.choices = pending_choices()
        self.intake = Intake("agents")
        # asyncio keeps only weak references to tasks: hold answers still on their way.
        self._background: set[asyncio.Future] = set()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("agents_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @hook.listener("before_server_start")
        async def conversation_jwts_only(app: Any, _loop: Any) -> None:
            if only_conversation_jwts(app):
                logger.info("API de Rasa : seuls les jetons JWT d'une conversation de la page sont acceptés.")

        return hook

    async def _receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        started = time.monotonic()
        # The per-address limit comes first: it also bounds token guessing. One Mattermost server is one address.
        refusal = await self.intake.check_address(request_client_ip(request.ip, request.headers))
        if refusal:
            return _error(429, refusal.reason, refusal.retry_after)
        try:
            fields = decode_body(request.content_type, request.body)
        except PayloadError as exc:
            return _error(exc.status, exc.reason)
        # Authenticate before validating the fields: an unknown caller learns nothing more.
        if not request_is_authorised(
            [token_of(fields), header_token(request.headers.get("authorization"))], self.tokens
        ):
            logger.warning("Canal agents : jeton absent ou refusé (client %s).", request.ip)
            return _error(401, "jeton absent ou invalide")
        try:
            agent_request = parse_request(fields)
        except PayloadError as exc:
            return _error(exc.status, exc.reason)
        if agent_request.from_bot or agent_request.user_id in self.options.bot_user_ids:
            return response.json({})  # an empty reply: Mattermost posts nothing, no loop
        collector = CollectingOutputChannel()
        # The address was counted above; the task owns the turn (store watch, faults, leaving the gate).
        task = await self.intake.start(
            agent_request.sender_id, None, lambda: on_new_message(self._message(agent_request, collector))
        )
        if isinstance(task, Refused):
            return _error(429, task.reason, task.retry_after)
        self._keep(task)
        can_defer = agent_request.response_url is not None and self.options.allows_response_url(
            agent_request.response_url
        )
        if agent_request.response_url and not can_defer and self.options.response_url_hosts:
            logger.warning("Canal agents : response_url hors de AGENTS_RESPONSE_URL_HOSTS, ignorée.")
        await asyncio.wait({task}, timeout=self.options.reply_timeout if can_defer else self.options.webhook_timeout)
        if task.done():
            body = self._answer(agent_request, task, collector)
        elif can_defer:
            self._keep(asyncio.ensure_future(self._deliver_later(agent_request, task, collector)))
            body = wait_body(agent_request, self.options)
        else:
            # Outgoing webhooks cannot answer later; the conversation still records the answer,
            # but the agent never sees its choices: an older list must not answer "2" either.
            self.choices.remember(agent_request.sender_id, [])
            body = text_body(agent_request, TOO_SLOW, self.options)
        logger.debug("Canal agents : %s traité en %.0f ms.", agent_request.kind, (time.monotonic() - started) * 1000)
        return response.json(body)

    def _message(self, agent_request: AgentRequest, collector: CollectingOutputChannel) -> UserMessage:
        """Built once admitted: a refused message reads no pending choices. Personal data masked for the NLU."""
        return self.intake.user_message(
            self.choices.resolve(agent_request.sender_id, agent_request.question),
            collector,
            agent_request.sender_id,
            input_channel=self.name(),
            message_id=agent_request.post_id or None,
            metadata=agent_request.metadata(),
        )

    def _answer(
        self, agent_request: AgentRequest, task: asyncio.Future[Outcome], collector: CollectingOutputChannel
    ) -> dict[str, Any]:
        outcome = None if task.cancelled() else task.result()
        if isinstance(outcome, Processed):
            rendered = render_messages(collector.messages, answer_prefix(agent_request), self.options.page_url)
            self.choices.remember(agent_request.sender_id, rendered.choices)
            return reply_body(agent_request, rendered, self.options)
        if isinstance(outcome, Failed) and not outcome.raised:
            # conversation not stored: say so rather than answer without context
            return text_body(agent_request, outcome.reason, self.options)
        if outcome is None:
            logger.error("Canal agents : traitement du message annulé.")
        return text_body(agent_request, FAILURE, self.options)  # processing raised (logged), cancelled or Busy

    async def _deliver_later(
        self, agent_request: AgentRequest, task: asyncio.Future[Outcome], collector: CollectingOutputChannel
    ) -> None:
        await asyncio.wait({task})
        body = self._answer(agent_request, task, collector)
        try:
            # No redirection followed: a listed host must not lead the answer anywhere else.
            async with (
                aiohttp.ClientSession(timeout=RESPONSE_URL_TIMEOUT) as session,
                session.post(agent_request.response_url, json=body, allow_redirects=False) as reply,
            ):
                if 300 <= reply.status < 400:
                    logger.warning(
                        "Canal agents : response_url a répondu par une redirection (%s), non suivie : "
                        "réponse différée non remise.",
                        reply.status,
                    )
                elif reply.status >= 400:
                    logger.warning(
                        "Canal agents : response_url a répondu %s : réponse différée non remise.", reply.status
                    )
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("Canal agents : réponse différée non remise (%s).", exc.__class__.__name__)

    def _keep(self, task: asyncio.Future) -> None:
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _error(status: int, reason: str, retry_after: Optional[int] = None) -> HTTPResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return response.json({"error": reason}, status=status, headers=headers)
