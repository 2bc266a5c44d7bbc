"""Token configuration and constant-time check (no Rasa)."""

from __future__ import annotations

import hmac

from bot.runtime.channels.agents import tokens
from bot.runtime.channels.agents.tokens import configured_tokens, request_is_authorised

A, B = "xbtestmattermosttoken00001", "xbtestmattermosttoken00002"


def test_tokens_come_from_the_environment_variable():
    assert configured_tokens({"AGENTS_WEBHOOK_TOKENS": f" {A} , ,{B},"}) == (A, B)
    assert configured_tokens({}) == ()


def test_any_configured_token_is_accepted():
    assert request_is_authorised([A, None], (A, B))
    assert request_is_authorised([None, B], (A, B))
    assert request_is_authorised([B, B], (A, B))


def test_missing_wrong_or_mismatched_tokens_are_refused():
    assert not request_is_authorised([None, None], (A,))
    assert not request_is_authorised(["", None], (A,))
    assert not request_is_authorised([A[:-1] + "9", None], (A,))
    assert not request_is_authorised([A, "wrong"], (A,))  # body and header must both be right
    assert not request_is_authorised(["é" * 26, None], (A,))  # non-ASCII does not raise


def test_no_configured_token_refuses_everything():
    assert not request_is_authorised([A, A], ())
    assert not request_is_authorised(["", ""], ())


def test_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    request_is_authorised([A, None], (A, B, "other-token-xxxxxxxxxxxxxx"))
    assert len(calls) == 3  # compared with every token, even after the first match
