"""Where webhooks may point. By default only public addresses: an admin must not be able to
make the server POST into its own network (loopback, private ranges, link-local, multicast,
cloud metadata). `webhook_private_targets = true` lifts this for deployments (and tests) whose
receivers live inside.

Two checks guard it. A webhook's host must be written the way the HTTP client will read it
(`canonical_url`), so what admins see is what is dialled. And the address dialled is checked at
the moment of connecting (`public_only_socket`), for IP literals and resolved names alike, so
neither a look-alike literal nor a name that resolves differently later (DNS rebinding) gets
through; the resolver refuses names leading inside before any connection is tried."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver
from yarl import URL

from chat.errors import Invalid

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddrInfo = tuple[int, int, int, str, tuple[Any, ...]]
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the IPv4 address is the last 32 bits
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local use, never public
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d
HOSTNAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")  # a name ending so is read as an IPv4 address
NON_CANONICAL = ("the webhook host must be written in plain lower-case ASCII as it is dialled: "
                 "punycode for international names, dotted-decimal IPv4, compressed IPv6 / "
                 "回调地址的主机名须为规范的 ASCII 写法：国际化域名用 punycode，IPv4 用点分十进制，"
                 "IPv6 用压缩写法")


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
    """`is_global` alone lets multicast through. An IPv6 address carrying an IPv4 one sits in
    a reserved block (::/8) and is judged by the IPv4 address instead."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return not address.is_reserved
    embedded = embedded_ipv4(address)
    if address in NAT64_LOCAL or (address.is_reserved and not embedded):
        return False
    return all(is_public(v4) for v4 in embedded)


def check_address(host: str, address: str) -> None:
    """Raise PrivateTarget unless `address` (what `host` led to) is public. The message goes
    to the delivery log admins read, so it names the host they typed, never the address."""
    if not is_public(ipaddress.ip_address(address.split("%", 1)[0])):
        log.warning("webhook host %s led to non-public address %s: refused", host, address)
        raise PrivateTarget(f"{host} leads to a non-public address; refused / "
                            "回调地址指向内网或保留地址，已拒绝")


def _plain_host(host: str) -> bool:
    """A compressed IPv6 address, a dotted-decimal IPv4 address, or a name that cannot be read
    as a number (`127.1`, `0x7f.1` and `2130706433` all dial 127.0.0.1)."""
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host)) == host
        except ValueError:
            return False
    if not HOSTNAME.fullmatch(host):
        return False
    if NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
        try:
            return str(ipaddress.IPv4Address(host)) == host
        except ValueError:
            return False
    return True


def canonical_url(url: str) -> str:
    """The URL as the HTTP client will use it. Its host must already be written that way
    (letter case aside): the client folds full-width digits and ideographic full stops into
    ASCII, so `１２７。０。０。１` would otherwise pass every check made on the typed text."""
    typed = urlsplit(url).hostname or ""
    try:
        parsed = URL(url)
    except ValueError as exc:
        raise Invalid(NON_CANONICAL) from exc
    if not typed.isascii() or parsed.raw_host != typed or not _plain_host(typed):
        raise Invalid(NON_CANONICAL)
    return str(parsed)


def public_only_socket(addr_info: AddrInfo) -> socket.socket:
    """aiohttp's `socket_factory`: called with each address about to be dialled."""
    family, kind, proto, _, address = addr_info
    check_address("the webhook host", str(address[0]))
    return socket.socket(family=family, type=kind, proto=proto)


class PublicOnlyResolver(AbstractResolver):
    """Resolves like aiohttp's threaded resolver, but refuses names that lead inside: every
    address returned must be public."""

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
    """Keyword arguments for the webhooks' `aiohttp.TCPConnector`."""
    if private_allowed:
        return {}
    return {"resolver": PublicOnlyResolver(), "socket_factory": public_only_socket}
