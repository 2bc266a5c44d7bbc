"""The client's address, trusting X-Forwarded-For only from our own proxies.

TRUSTED_PROXIES (comma-separated addresses or networks, default "127.0.0.1,::1"): the proxies
(nginx, the citizens' page) whose X-Forwarded-For is believed. The client is the direct peer,
unless that peer is trusted: then X-Forwarded-For is read from the right (the hop nearest to us)
and the first address that is not a trusted proxy is the client. Addresses further left were
written by the client itself and prove nothing. `TRUSTED_PROXIES=` (empty) trusts no one.

`limit_address` is what the per-address rate limit counts: an IPv4 address alone, an IPv6 client by
its /64 (one subscriber's network: its machine picks any of its 2^64 addresses at will, RFC 4941),
an IPv4-mapped IPv6 address as its IPv4 address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Optional

# parse_networks reads TRUSTED_PROXIES' syntax; it lives with the settings, which check it at start-up.
from bot.runtime.settings import DEFAULT_TRUSTED_PROXIES, Network, load_settings, parse_networks

__all__ = [
    "DEFAULT_TRUSTED_PROXIES",
    "IPV6_LIMIT_PREFIX",
    "VARIABLE",
    "Network",
    "client_ip",
    "limit_address",
    "parse_networks",
    "trusted_proxies",
]
VARIABLE = "TRUSTED_PROXIES"
IPV6_LIMIT_PREFIX = 64


def trusted_proxies(environ: Optional[Mapping[str, str]] = None) -> tuple[Network, ...]:
    return load_settings(environ).trusted_networks


def _address(value: str) -> Optional[ipaddress._BaseAddress]:
    value = value.strip().strip('"')
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress._BaseAddress, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def client_ip(peer: Optional[str], forwarded_for: Optional[str], trusted: tuple[Network, ...]) -> str:
    """The client's address as text ("inconnue" when the peer is unknown)."""
    peer_address = _address(peer or "")
    if peer_address is None:
        return (peer or "").strip() or "inconnue"
    if not forwarded_for or not _trusted(peer_address, trusted):
        return str(peer_address)
    client = peer_address
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:  # garbage written by someone untrusted: stop at the last good hop
            break
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)


def limit_address(value: str) -> str:
    """The per-address limit's key of a client address: IPv4 as is, IPv6 as its /64, mapped IPv6 as IPv4.

    "203.0.113.9" -> "203.0.113.9"; "2001:db8:1:2:a:b:c:d" -> "2001:db8:1:2::/64";
    "::ffff:203.0.113.9" -> "203.0.113.9". Text that is no address is kept as it is ("inconnue").
    """
    address = _address(value.split("%")[0])  # a zone ("fe80::1%eth0") says nothing about the client
    if address is None:
        return value
    if address.version == 4:
        return str(address)
    return str(ipaddress.IPv6Network((int(address), IPV6_LIMIT_PREFIX), strict=False))
