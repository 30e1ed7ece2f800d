"""Where webhooks may point. By default only public addresses: an admin must not be able to
make the server POST into its own network (loopback, private ranges, link-local, cloud
metadata). `webhook_private_targets = true` lifts this for deployments (and tests) whose
receivers live inside."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local use, never public
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d


class PrivateTarget(OSError):
    """The webhook's address leads into our own network."""


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (mapped, 6to4, Teredo, NAT64,
    IPv4-compatible): `is_global` judges only the IPv6 prefix, not these."""
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64 or address in IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def is_public(address: IPAddress) -> bool:
    if not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    return address not in NAT64_LOCAL and all(v4.is_global for v4 in embedded_ipv4(address))


def check_address(host: str, address: str) -> None:
    if not is_public(ipaddress.ip_address(address.split("%", 1)[0])):
        raise PrivateTarget(f"{host} is a non-public address ({address}); refused")


def literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class PublicOnlyResolver(AbstractResolver):
    """Resolves like aiohttp's threaded resolver, but refuses names that lead inside."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for entry in found:
            check_address(host, entry["host"])
        return found

    async def close(self) -> None:
        await self._inner.close()


def connector_options(private_allowed: bool) -> dict[str, Any]:
    return {} if private_allowed else {"resolver": PublicOnlyResolver()}
