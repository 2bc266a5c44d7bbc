"""Shared-secret check. Mattermost tokens are static and unsigned: compare in constant time.

A configured token shorter than MIN_AGENTS_TOKEN_CHARS (20; Mattermost's have 26) stops start-up with
a French error naming AGENTS_WEBHOOK_TOKENS (bot/runtime/settings.py checks the variable).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from typing import Optional

from bot.runtime.settings import MIN_AGENTS_TOKEN_CHARS, load_settings

TOKENS_VARIABLE = "AGENTS_WEBHOOK_TOKENS"
MIN_TOKEN_CHARS = MIN_AGENTS_TOKEN_CHARS


def configured_tokens(environ: Optional[Mapping[str, str]] = None) -> tuple[str, ...]:
    """AGENTS_WEBHOOK_TOKENS: comma-separated tokens (one per webhook or slash command); blanks ignored.

    SettingsError (a French ValueError) when one is shorter than MIN_TOKEN_CHARS."""
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
