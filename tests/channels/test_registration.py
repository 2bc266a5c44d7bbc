"""The channel as Rasa loads it from credentials.yml (imports Rasa, starts no server)."""

from __future__ import annotations

import yaml
from rasa.core.run import create_http_input_channels

from bot.runtime.channels.agents.channel import AgentsInput
from bot.runtime.channels.agents.options import ChannelOptions
from bot.runtime.settings import PROJECT_ROOT

KEY = "bot.runtime.channels.agents.channel.AgentsInput"


def test_credentials_register_the_channel_without_any_secret():
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    assert KEY in credentials
    ChannelOptions.from_credentials(credentials[KEY])  # valid options, and no "token" option exists
    assert not any("token" in key for key in credentials[KEY])


def test_rasa_loads_it_with_tokens_from_the_environment(monkeypatch):
    monkeypatch.setenv("AGENTS_WEBHOOK_TOKENS", "xbtestmattermosttoken00001,xbsecondmattermosttoken002")
    channels = create_http_input_channels(None, str(PROJECT_ROOT / "credentials.yml"))
    agents = [c for c in channels if isinstance(c, AgentsInput)]
    assert len(agents) == 1 and agents[0].url_prefix() == "agents"  # -> /webhooks/agents/webhook
    assert agents[0].tokens == ("xbtestmattermosttoken00001", "xbsecondmattermosttoken002")


def test_without_the_variable_no_token_is_accepted(monkeypatch):
    monkeypatch.delenv("AGENTS_WEBHOOK_TOKENS", raising=False)
    assert AgentsInput.from_credentials({}).tokens == ()
