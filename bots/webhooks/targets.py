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


class PrivateTarget(OSError):
    pass


def check_address(host: str, address: str) -> None:
    if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
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
