"""Options of the agents' channel, read from its entry in credentials.yml (no secret there)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

from bot.runtime.channels.agents.markdown import MAX_POST_CHARS
from bot.runtime.settings import load_settings

SLASH_RESPONSE_TYPES = ("ephemeral", "in_channel")
HTTPS_PORT = 443
HOSTS_SOURCE = "AGENTS_RESPONSE_URL_HOSTS (ou response_url_hosts de credentials.yml)"


@dataclass(frozen=True)
class ChannelOptions:
    # Who sees a slash command's answer: only the agent (Mattermost's default) or the channel.
    slash_response_type: str = "ephemeral"
    # Mattermost asks for a reply within 3 s; past this delay, a wait message goes back at once
    # and the answer follows on response_url.
    reply_timeout: float = 2.0
    # Outgoing webhooks have no response_url: wait this long at most (Mattermost gives up at 30 s).
    webhook_timeout: float = 25.0
    # Posts of these users are ignored, so that two bots cannot answer each other forever.
    bot_user_ids: frozenset[str] = frozenset()
    # 16,383 on current Mattermost; servers with the old schema allow only 4,000.
    max_post_chars: int = MAX_POST_CHARS
    # (host, port) a deferred answer may be posted to (response_url): the Mattermost/Osmose servers
    # (AGENTS_RESPONSE_URL_HOSTS or credentials.yml response_url_hosts; "chat.exemple.gouv.fr" means
    # port 443, "127.0.0.1:8123" that port). Empty: no deferred answer at all, so that a caller holding
    # a token cannot make the bot post anywhere else (SSRF).
    response_url_hosts: frozenset[tuple[str, int]] = frozenset()
    # The citizens' page, which serves each event's calendar file (« Ajouter à mon agenda »).
    page_url: str = "http://localhost:8080"

    def allows_response_url(self, url: str) -> bool:
        """https to a listed host and port (http only to a listed loopback address), no user info. No list: never."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return False
        host = parts.hostname or ""  # lower case, IPv6 without its brackets
        if not host or parts.username is not None or parts.password is not None:
            return False
        if parts.scheme == "https":
            port = HTTPS_PORT if port is None else port
        elif parts.scheme != "http" or port is None or not _is_loopback(host):
            return False
        return (host, port) in self.response_url_hosts

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> ChannelOptions:
        c = dict(credentials or {})
        unknown = set(c) - {
            "slash_response_type",
            "reply_timeout",
            "webhook_timeout",
            "bot_user_ids",
            "max_post_chars",
            "response_url_hosts",
        }
        if unknown:
            raise ValueError(f"credentials.yml, canal agents : option(s) inconnue(s) {sorted(unknown)}")
        response_type = str(c.get("slash_response_type") or cls.slash_response_type)
        if response_type not in SLASH_RESPONSE_TYPES:
            raise ValueError(
                f"slash_response_type : {' ou '.join(SLASH_RESPONSE_TYPES)} attendu, pas {response_type!r}"
            )
        reply_timeout = _number(c, "reply_timeout", cls.reply_timeout, 0.05, 2.9)
        webhook_timeout = _number(c, "webhook_timeout", cls.webhook_timeout, reply_timeout, 29)
        ids = c.get("bot_user_ids") or []
        max_chars = int(_number(c, "max_post_chars", cls.max_post_chars, 200, MAX_POST_CHARS))
        settings = load_settings()
        hosts = settings.agents_response_url_hosts or c.get("response_url_hosts") or []
        return cls(
            response_type, reply_timeout, webhook_timeout, _names(ids), max_chars, _hosts(hosts), settings.page_url
        )


def _names(values: Any, lower: bool = False) -> frozenset[str]:
    """A list, or one comma-separated string, of names."""
    items = values.split(",") if isinstance(values, str) else values
    names = (str(item).strip() for item in items)
    return frozenset(name.lower() if lower else name for name in names if name)


def _hosts(values: Any) -> frozenset[tuple[str, int]]:
    return frozenset(response_url_host(name) for name in _names(values, lower=True))


def response_url_host(entry: str) -> tuple[str, int]:
    """'chat.exemple.gouv.fr' -> ('chat.exemple.gouv.fr', 443); '127.0.0.1:8123', '[::1]:8123': that port."""
    try:
        parts = urlsplit("//" + entry.strip().lower())
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or not parts.hostname or parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(
            f"{HOSTS_SOURCE} : « {entry} » n'est pas un hôte (attendu : chat.exemple.gouv.fr, "
            "port 443, ou hôte:port, sans schéma ni chemin)"
        )
    return parts.hostname, HTTPS_PORT if port is None else port


def _is_loopback(host: str) -> bool:
    """An address of this machine, written as one (a name could resolve elsewhere)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _number(c: Mapping[str, Any], name: str, default: float, low: float, high: float) -> float:
    value = c.get(name, default)
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} : nombre attendu, pas {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{name} : valeur entre {low:g} et {high:g} attendue, pas {number:g}")
    return number
