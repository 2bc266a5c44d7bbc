"""Where a deferred answer may be posted: only to the configured Mattermost/Osmose hosts."""

from __future__ import annotations

import pytest

from bot.runtime.channels.agents.options import ChannelOptions


def test_without_a_list_no_host_receives_a_deferred_answer(monkeypatch):
    monkeypatch.delenv("AGENTS_RESPONSE_URL_HOSTS", raising=False)
    options = ChannelOptions.from_credentials({})
    assert options.response_url_hosts == frozenset()
    for url in (
        "https://mattermost.prefecture.gouv.fr/hooks/commands/abc",
        "http://127.0.0.1:8065/hooks/commands/abc",
        "http://169.254.169.254/latest/meta-data/",
    ):
        assert not options.allows_response_url(url), url


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


def test_https_only_and_the_exact_port(monkeypatch):
    monkeypatch.setenv("AGENTS_RESPONSE_URL_HOSTS", "chat.interieur.gouv.fr, osmose.numerique.gouv.fr:8443")
    options = ChannelOptions.from_credentials({})
    assert options.allows_response_url("https://chat.interieur.gouv.fr/hooks/1")
    assert options.allows_response_url("https://chat.interieur.gouv.fr:443/hooks/1")
    assert options.allows_response_url("https://osmose.numerique.gouv.fr:8443/api")
    for url in (
        "http://chat.interieur.gouv.fr/hooks/1",  # listed, but not https
        "http://chat.interieur.gouv.fr:443/hooks/1",
        "https://chat.interieur.gouv.fr:8080/hooks/1",  # another port of a listed host
        "https://osmose.numerique.gouv.fr/api",  # 443, not the listed 8443
        "ftp://chat.interieur.gouv.fr/hooks/1",
        "https://moi:secret@chat.interieur.gouv.fr/hooks/1",
        "https://chat.interieur.gouv.fr@127.0.0.1/hooks/1",
        "https://chat.interieur.gouv.fr:notaport/hooks/1",
        "https://[::1",
    ):
        assert not options.allows_response_url(url), url


def test_plain_http_only_to_a_listed_loopback_address_and_port(monkeypatch):
    monkeypatch.setenv("AGENTS_RESPONSE_URL_HOSTS", "127.0.0.1:8123,[::1]:8124,localhost:8125,10.0.0.7:8126")
    options = ChannelOptions.from_credentials({})
    assert options.allows_response_url("http://127.0.0.1:8123/hooks/commands/x")
    assert options.allows_response_url("http://[::1]:8124/hooks/commands/x")
    for url in (
        "http://127.0.0.1:8124/hooks/commands/x",  # another loopback port, not listed
        "http://127.0.0.1/hooks/commands/x",
        "http://localhost:8125/hooks/commands/x",  # a name: it could resolve elsewhere
        "http://10.0.0.7:8126/hooks/commands/x",  # listed, but not loopback: https only
    ):
        assert not options.allows_response_url(url), url


@pytest.mark.parametrize(
    "entry", ["https://chat.gouv.fr", "chat.gouv.fr/hooks", "chat.gouv.fr:abc", "moi@chat.gouv.fr"]
)
def test_a_host_list_entry_that_is_not_a_host_is_refused_in_french(monkeypatch, entry):
    monkeypatch.setenv("AGENTS_RESPONSE_URL_HOSTS", f"chat.interieur.gouv.fr,{entry}")
    with pytest.raises(ValueError, match="AGENTS_RESPONSE_URL_HOSTS .* n'est pas un hôte"):
        ChannelOptions.from_credentials({})
