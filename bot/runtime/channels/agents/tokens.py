"""Shared-secret check. Mattermost tokens are static and unsigned: compare in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from typing import Optional

from bot.runtime.settings import load_settings

TOKENS_VARIABLE = "AGENTS_WEBHOOK_TOKENS"


def configured_tokens(environ: Optional[Mapping[str, str]] = None) -> tuple[str, ...]:
    """AGENTS_WEBHOOK_TOKENS: comma-separated tokens (one per webhook or slash command); blanks ignored."""
    raw = load_settings(environ).agents_webhook_tokens
    return tuple(t.strip() for t in raw.split(",") if t.strip())


def is_accepted(candidate: str, accepted: Sequence[str]) -> bool:
    # Compare with every token, without stopping at the first match, so timing reveals nothing.
    found = False
    for token in accepted:
        found |= hmac.compare_digest(candidate.encode("utf-8"), token.encode("utf-8"))
    return found


def request_is_authorised(presented: Sequence[Optional[str]], accepted: Sequence[str]) -> bool:
    """At least one token presented, and every presented token (body, header) accepted.

    With no token configured nothing is accepted: a forgotten variable closes the channel.
    """
    candidates = [p for p in presented if p]
    if not accepted or not candidates:
        return False
    results = [is_accepted(c, accepted) for c in candidates]
    return all(results)
