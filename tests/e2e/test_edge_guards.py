"""Guards at the edge: permission before a large body is read, headers that keep API answers
out of caches, sockets whose session has expired, and who may reload detection."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.fakes import FakeClock
from tests.support.inproc import InProcessServer
from tests.support.server import login


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[InProcessServer]:
    running = await InProcessServer(tmp_path / "data", FakeClock()).start()
    yield running
    await running.stop()


async def test_a_non_admin_csv_import_is_refused_before_the_body_is_read(
        server: InProcessServer) -> None:
    """Headers announce 2 MiB and only a little is sent: the refusal must not wait for it."""
    token, user = await login(server, "张伟")
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write((
            f"POST /api/v1/communities/{user['community_id']}/directory/import HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: text/csv\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n"
            "name,category,description,address,hours,phone\r\n").encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    finally:
        writer.close()
    assert status_line.split()[1] == b"403", status_line
