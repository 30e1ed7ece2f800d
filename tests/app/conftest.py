"""In-process app tests: the whole linli app in the test's event loop, served by pytest-aiohttp
(`aiohttp_client`) on a loopback port and driven over real HTTP and Socket.IO, with a clock
the test moves (`server.clock`).

    async def test_x(server: InProcessServer) -> None:           # the demo, default settings
        resp = await server.client.get("/api/v1/me", headers=...)  # REST by path

    async def test_y(start_app: StartApp) -> None:               # settings of the test's own
        server = await start_app(sweep_seconds=3600)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any, Protocol

import pytest
from pytest_aiohttp import AiohttpClient

from tests.support.fakes import FakeClock
from tests.support.inproc import InProcessServer


class StartApp(Protocol):
    def __call__(self, data_dir: str = "data", **settings: Any
                 ) -> Awaitable[InProcessServer]: ...


@pytest.fixture
async def start_app(aiohttp_client: AiohttpClient, tmp_path: Path) -> AsyncIterator[StartApp]:
    """Starts a demo app with the given settings in `tmp_path / data_dir`, on a FakeClock.
    After the test each is stopped, which fails the test if a JSON reply did not match the
    OpenAPI document (`check_responses=False` turns that off)."""
    started: list[InProcessServer] = []

    async def start(data_dir: str = "data", **settings: Any) -> InProcessServer:
        server = InProcessServer(tmp_path / data_dir, FakeClock(), **settings)
        started.append(await server.start(aiohttp_client))
        return server

    yield start
    for server in started:
        await server.stop()


@pytest.fixture
async def server(start_app: StartApp) -> InProcessServer:
    """The demo app with default settings (here in place of the shared server process)."""
    return await start_app()
