"""Where a deferred answer may be posted: only to the configured Mattermost/Osmose hosts."""

from __future__ import annotations

import pytest

from bot.runtime.channels.agents.options import ChannelOptions


def test_without_a_list_any_http_host_may_receive_the_deferred_answer(monkeypatch):
    monkeypatch.delenv("AGENTS_RESPONSE_URL_HOSTS", raising=False)
    options = ChannelOptions.from_credentials({})
    assert options.allows_response_url("https://mattermost.prefecture.gouv.fr/hooks/commands/abc")


def test_a_listed_host_is_the_only_one_allowed(monkeypatch):
    monkeypatch.setenv("AGENTS_RESPONSE_URL_HOSTS", "mattermost.prefecture.gouv.fr, osmose.numerique.gouv.fr")
    options = ChannelOptions.from_credentials({})
    assert options.allows_response_url("https://Mattermost.Prefecture.gouv.fr/hooks/commands/abc")
    assert options.allows_response_url("https://osmose.numerique.gouv.fr/api/reponse")
    assert not options.allows_response_url("http://169.254.169.254/latest/meta-data/")
    assert not options.allows_response_url("https://mattermost.prefecture.gouv.fr.attaquant.example/x")


def test_the_list_can_come_from_credentials(monkeypatch):
    monkeypatch.delenv("AGENTS_RESPONSE_URL_HOSTS", raising=False)
    options = ChannelOptions.from_credentials({"response_url_hosts": ["chat.interieur.gouv.fr"]})
    assert options.allows_response_url("https://chat.interieur.gouv.fr/hooks/1")
    assert not options.allows_response_url("https://ailleurs.example/hooks/1")


def test_an_unknown_option_is_refused_in_french():
    with pytest.raises(ValueError, match="option\\(s\\) inconnue\\(s\\)"):
        ChannelOptions.from_credentials({"response_urls": ["x"]})
