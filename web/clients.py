"""Who is calling: the client's address, for limits keyed on it.

The peer address is the client, unless the peer is one of `trusted_proxies`: then the
X-Forwarded-For chain is read from the right, past the trusted proxies, to the first address
they did not add themselves. A client elsewhere cannot choose its address by sending the header:
only a trusted proxy's word counts."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

from config.settings import Settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
FORWARDED_FOR = "X-Forwarded-For"
UNKNOWN = "unknown"


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in proxies)


def client_address(request: web.Request, settings: Settings) -> str:
    peer = _address(request.remote or "")
    if peer is None:
        return UNKNOWN
    client = peer
    hops = [hop for value in request.headers.getall(FORWARDED_FOR, [])
            for hop in value.split(",")]
    while _trusted(client, settings.trusted_proxies) and hops:
        hop = _address(hops.pop())
        if hop is None:
            break
        client = hop
    return str(client)
