"""Token configuration and constant-time check (no Rasa)."""

from __future__ import annotations

import hmac

import pytest

from bot.runtime.channels.agents import tokens
from bot.runtime.channels.agents.channel import AgentsInput
from bot.runtime.channels.agents.tokens import MIN_TOKEN_CHARS, configured_tokens, request_is_authorised
from bot.runtime.settings import SettingsError

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


@pytest.mark.parametrize("short", ["xb9k2", "x" * (MIN_TOKEN_CHARS - 1), "jeton-de-test-123"])
def test_a_short_configured_token_is_refused_in_french_without_showing_it(short):
    with pytest.raises(SettingsError, match="^AGENTS_WEBHOOK_TOKENS : jeton n° 2 trop court") as refused:
        configured_tokens({"AGENTS_WEBHOOK_TOKENS": f"{A},{short},{B}"})
    assert short not in str(refused.value) and A not in str(refused.value)
    assert configured_tokens({"AGENTS_WEBHOOK_TOKENS": "x" * MIN_TOKEN_CHARS}) == ("x" * MIN_TOKEN_CHARS,)
    assert MIN_TOKEN_CHARS == 20


def test_the_channel_does_not_start_with_a_short_token(monkeypatch):
    monkeypatch.setenv("AGENTS_WEBHOOK_TOKENS", f"{A},abc")
    with pytest.raises(SettingsError, match="AGENTS_WEBHOOK_TOKENS"):
        AgentsInput.from_credentials({})
