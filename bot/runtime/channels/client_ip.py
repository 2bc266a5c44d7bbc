"""The client's address, trusting X-Forwarded-For only from our own proxies.

TRUSTED_PROXIES (comma-separated addresses or networks, default "127.0.0.1,::1"): the proxies
(nginx, the citizens' page) whose X-Forwarded-For is believed. The client is the direct peer,
unless that peer is trusted: then X-Forwarded-For is read from the right (the hop nearest to us)
and the first address that is not a trusted proxy is the client. Addresses further left were
written by the client itself and prove nothing. `TRUSTED_PROXIES=` (empty) trusts no one.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import Optional, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"
VARIABLE = "TRUSTED_PROXIES"


def parse_networks(value: str) -> tuple[Network, ...]:
    networks = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{VARIABLE} : « {item} » n'est ni une adresse IP ni un réseau (ex. 10.0.0.0/8)") from None
    return tuple(networks)


def trusted_proxies(environ: Optional[Mapping[str, str]] = None) -> tuple[Network, ...]:
    env = os.environ if environ is None else environ
    return parse_networks(env.get(VARIABLE, DEFAULT_TRUSTED_PROXIES))


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
