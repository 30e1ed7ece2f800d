"""Where webhooks may point: public addresses only, including the IPv4 address hidden inside
an IPv6 one (mapped, IPv4-compatible, NAT64, 6to4, Teredo); and the address actually dialled is
checked, whatever the name resolved to a moment earlier."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bots.webhooks.targets import PrivateTarget, check_address, public_only_socket
from tests.support.server import free_port

REFUSED = [
    "127.0.0.1", "10.1.2.3", "192.168.0.10", "169.254.169.254", "0.0.0.0", "100.64.0.1",
    "::1", "fe80::1%eth0", "fd00::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
    "::127.0.0.1", "::10.0.0.1", "::169.254.169.254",  # IPv4-compatible
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::a9fe:a9fe",  # NAT64 (well-known prefix)
    "64:ff9b:1::808:808",  # NAT64 local-use prefix
    "2002:7f00:1::", "2002:c0a8:1::1", "2002:a9fe:a9fe::1",  # 6to4
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo, public client
    "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1", "::ffff:224.0.0.1",  # multicast
    "240.0.0.1", "255.255.255.255", "::",  # reserved, broadcast, unspecified
]

ALLOWED = [
    "8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "2606:4700:4700::1111",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    with pytest.raises(PrivateTarget, match="non-public address"):
        check_address("hooks.example.org", address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    check_address("hooks.example.org", address)


class Rebinding(AbstractResolver):
    """A DNS answer that changed since the name was checked: now it is loopback."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host="127.0.0.1", port=port,
                              family=socket.AF_INET, proto=0, flags=socket.AI_NUMERICHOST)]

    async def close(self) -> None:
        return None


@pytest.fixture
async def loopback_receiver() -> AsyncIterator[tuple[int, list[str]]]:
    hits: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield port, hits
    await runner.cleanup()


@pytest.mark.parametrize("host", ["hooks.example.org", "127.0.0.1", "１２７.０.０.１"])
async def test_the_address_dialled_is_checked(loopback_receiver: tuple[int, list[str]],
                                              host: str) -> None:
    port, hits = loopback_receiver
    connector = aiohttp.TCPConnector(resolver=Rebinding(), socket_factory=public_only_socket)
    async with aiohttp.ClientSession(connector=connector) as session:
        with pytest.raises(aiohttp.ClientConnectorError) as caught:
            await session.post(f"http://{host}:{port}/hook", data=b"{}")
    assert isinstance(caught.value.os_error, PrivateTarget)
    assert hits == []


async def test_the_same_client_reaches_a_loopback_receiver_without_the_check(
        loopback_receiver: tuple[int, list[str]]) -> None:
    """The receiver is reachable: the refusal above is the check, not a dead port."""
    port, hits = loopback_receiver
    connector = aiohttp.TCPConnector(resolver=Rebinding())
    async with aiohttp.ClientSession(connector=connector) as session, \
            session.post(f"http://hooks.example.org:{port}/hook", data=b"{}") as resp:
        assert resp.status == 200
    assert hits == ["/hook"]
