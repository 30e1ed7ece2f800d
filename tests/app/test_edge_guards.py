"""Guards at the edge: permission before a large body is read, headers that keep API answers
out of caches, sockets whose session has expired, and who may reload detection."""

from __future__ import annotations

import asyncio
import stat
import uuid
from pathlib import Path

from tests.app.conftest import StartApp
from tests.support.inproc import InProcessServer
from tests.support.server import connect, login, ok
from web.store_sqlite import SqliteStore


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


async def headers_of(server: InProcessServer, path: str, token: str | None = None
                     ) -> tuple[int, dict[str, str]]:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    async with server.client.get(path, headers=auth) as resp:
        return resp.status, dict(resp.headers)


async def test_api_answers_are_never_cached(server: InProcessServer) -> None:
    token, user = await login(server, "张伟")
    for path, who, status in (("/api/v1/me/rooms", token, 200),
                              (f"/api/v1/users/{user['id']}", token, 200),
                              ("/api/v1/me/rooms", None, 401),
                              ("/api/v1/no-such-route", token, 404)):
        got, headers = await headers_of(server, path, who)
        assert (got, headers.get("Cache-Control")) == (status, "no-store"), path
        assert "Strict-Transport-Security" not in headers  # served over plain http here


async def test_https_public_url_adds_strict_transport_security(start_app: StartApp) -> None:
    server = await start_app(public_url="https://linli.example.org")
    for path in ("/api/v1/me/rooms", "/"):
        _, headers = await headers_of(server, path)
        assert headers["Strict-Transport-Security"].startswith("max-age="), path


async def test_a_socket_stops_working_when_its_session_expires(server: InProcessServer) -> None:
    client, user = await connect(server, "张伟")
    room = f"grid:{user['grid_ids'][0]}"
    try:
        await client.ok("room:history", {"room_id": room})
        server.clock.advance(days=server.settings.session_ttl_days, seconds=1)
        ack = await client.call("message:send", {"room_id": room, "text": "过期了还能发吗",
                                                 "client_id": uuid.uuid4().hex})
        assert not ack["ok"] and ack["error"]["code"] == "unauthorized", ack
        assert ack["error"]["message"].startswith("登录已过期")
        assert (await client.wait_for("session:revoked"))["reason"] == "expired"
        for _ in range(100):
            if not client.sio.connected:
                break
            await asyncio.sleep(0.05)
        assert not client.sio.connected
        history = await ok(server, "GET", f"/api/v1/rooms/{room}/messages",
                           (await login(server, "刘芳"))[0])
        assert all(m["text"] != "过期了还能发吗" for m in history["messages"])
    finally:
        await client.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_data_dir_and_database_are_private(tmp_path: Path,
                                                     start_app: StartApp) -> None:
    """Webhook secrets, password hashes and phone numbers live there: owner only."""
    data = tmp_path / "fresh" / "data"
    await start_app("fresh/data")
    assert mode(data) == 0o700
    for name in ("linli.sqlite3", "linli.sqlite3-wal", "linli.sqlite3-shm"):
        assert mode(data / name) == 0o600, name


def database_modes(directory: Path, new_mode: int | None = None) -> set[int]:
    """The modes of the database's files, after setting them to `new_mode` if given."""
    files = list(directory.glob("linli.sqlite3*"))
    for path in files:
        if new_mode is not None:
            path.chmod(new_mode)
    return {mode(p) for p in files}


async def test_a_database_from_before_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "linli.sqlite3"
    first = SqliteStore(path)
    await first.open()
    await first.close()
    assert database_modes(tmp_path, 0o644) == {0o644}
    store = SqliteStore(path)
    await store.open()
    try:
        assert database_modes(tmp_path) == {0o600}
    finally:
        await store.close()


async def test_an_idle_socket_is_ended_when_its_session_expires(server: InProcessServer) -> None:
    """Nothing sent, so nothing to refuse: the sweep (every sweep_seconds) ends it."""
    client, _ = await connect(server, "张伟")
    other, _ = await connect(server, "刘芳")
    try:
        server.clock.advance(days=server.settings.session_ttl_days, seconds=1)
        assert (await client.wait_for("session:revoked"))["reason"] == "expired"
        assert (await other.wait_for("session:revoked"))["reason"] == "expired"
        for _ in range(100):
            if not client.sio.connected and not other.sio.connected:
                break
            await asyncio.sleep(0.05)
        assert not client.sio.connected and not other.sio.connected
    finally:
        await client.close()
        await other.close()
