"""JSON bodies sent back to the chat platform, one shape per request kind."""

from __future__ import annotations

from typing import Any

from bot.runtime.channels.agents.markdown import Rendered, cut_post, join_posts
from bot.runtime.channels.agents.options import ChannelOptions
from bot.runtime.channels.agents.payloads import GENERIC, OUTGOING_WEBHOOK, AgentRequest

WAIT_MESSAGE = "_Je cherche la réponse, elle arrive dans quelques secondes…_"
NO_ANSWER = "Désolé, je n'ai pas de réponse à cette question. Demandez « aide » pour voir ce que je sais faire."
FAILURE = "Désolé, je n'ai pas pu traiter votre question (erreur interne). Réessayez dans un instant."
TOO_SLOW = "Désolé, la réponse prend trop de temps. Réessayez dans un instant."


def answer_prefix(request: AgentRequest) -> str:
    """What the agent types before a choice number: "/evenements", "@evenements" or nothing."""
    return request.trigger if request.kind != GENERIC else ""


def reply_body(request: AgentRequest, rendered: Rendered, options: ChannelOptions) -> dict[str, Any]:
    posts = [cut_post(p, options.max_post_chars) for p in rendered.posts] or [NO_ANSWER]
    if request.kind == OUTGOING_WEBHOOK:
        # One post only; "comment" makes Mattermost reply in the thread of the question.
        return {"text": join_posts(posts, options.max_post_chars), "response_type": "comment"}
    if request.kind == GENERIC:
        return generic_body(request, posts, rendered, options, deferred=False)
    kind = options.slash_response_type
    body: dict[str, Any] = {"response_type": kind, "text": posts[0]}
    if len(posts) > 1:
        body["extra_responses"] = [{"response_type": kind, "text": p} for p in posts[1:]]
    return body


def generic_body(
    request: AgentRequest, posts: list[str], rendered: Rendered, options: ChannelOptions, deferred: bool
) -> dict[str, Any]:
    return {
        "text": join_posts(posts, options.max_post_chars),
        "messages": posts,
        "choices": [{"number": n, "title": c.title} for n, c in enumerate(rendered.choices, 1)],
        "response_type": "comment",
        "reply_to": request.post_id or None,
        "deferred": deferred,
    }


def text_body(request: AgentRequest, text: str, options: ChannelOptions, deferred: bool = False) -> dict[str, Any]:
    """A single message of the channel itself (wait, failure)."""
    if request.kind == GENERIC:
        return generic_body(request, [text], Rendered([text]), options, deferred)
    if request.kind == OUTGOING_WEBHOOK:
        return {"text": text, "response_type": "comment"}
    # The wait message concerns only the asking agent, even if the answer goes to the channel.
    return {"response_type": "ephemeral" if deferred else options.slash_response_type, "text": text}


def wait_body(request: AgentRequest, options: ChannelOptions) -> dict[str, Any]:
    return text_body(request, WAIT_MESSAGE, options, deferred=True)
