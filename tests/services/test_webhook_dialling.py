"""The address a webhook delivery actually dials is checked, whatever the name resolved to a
moment earlier (DNS rebinding): against a real receiver on loopback."""

from __future__ import annotations

import socket

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from pytest_aiohttp import AiohttpServer

from bots.webhooks.targets import PrivateTarget, public_only_socket


class Rebinding(AbstractResolver):
    """A DNS answer that changed since the name was checked: now it is loopback."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [ResolveResult(hostname=host, host="127.0.0.1", port=port,
                              family=socket.AF_INET, proto=0, flags=socket.AI_NUMERICHOST)]

    async def close(self) -> None:
        return None


@pytest.fixture
async def loopback_receiver(aiohttp_server: AiohttpServer) -> tuple[int, list[str]]:
    hits: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    server = await aiohttp_server(app, host="127.0.0.1")
    assert server.port is not None
    return server.port, hits


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
