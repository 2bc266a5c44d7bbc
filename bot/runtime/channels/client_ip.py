"""The client's address, trusting X-Forwarded-For only from our own proxies.

TRUSTED_PROXIES (comma-separated addresses or networks, default "127.0.0.1,::1"): the proxies
(nginx, the citizens' page) whose X-Forwarded-For is believed. The client is the direct peer,
unless that peer is trusted: then X-Forwarded-For is read from the right (the hop nearest to us)
and the first address that is not a trusted proxy is the client. Addresses further left were
written by the client itself and prove nothing. `TRUSTED_PROXIES=` (empty) trusts no one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Optional

# parse_networks reads TRUSTED_PROXIES' syntax; it lives with the settings, which check it at start-up.
from bot.runtime.settings import DEFAULT_TRUSTED_PROXIES, Network, load_settings, parse_networks

__all__ = ["DEFAULT_TRUSTED_PROXIES", "VARIABLE", "Network", "client_ip", "parse_networks", "trusted_proxies"]
VARIABLE = "TRUSTED_PROXIES"


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
