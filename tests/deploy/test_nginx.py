"""deploy/nginx/linli.conf, run by real nginx on loopback in front of two `linli serve`
processes that share a redis-server and a MongoDB database, configured from the sample
deploy/systemd/linli.env."""

from __future__ import annotations

import asyncio
import json
import secrets
import signal
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio

from chat.errors import TEMPORARILY_UNAVAILABLE
from tests.support.envfile import read_env_file
from tests.support.nginx import STATIC, Nginx, nginx_in_front, self_signed
from tests.support.redis_server import RedisProcess
from tests.support.server import Client, ServerProcess, free_port

pytestmark = [pytest.mark.deploy, pytest.mark.redis, pytest.mark.mongo]
TEST_ONLY = {"LINLI_MONGODB_URL", "LINLI_MONGODB_DATABASE", "LINLI_REDIS_URL",
             "LINLI_SECRET_KEY", "LINLI_DATA_DIR", "LINLI_PUBLIC_URL"}


@dataclass
class Stack:
    nginx: Nginx
    processes: list[ServerProcess]

    @property
    def seeded(self) -> ServerProcess:
        """The process that seeded the demo data (its data dir lists the log-ins)."""
        return self.processes[0]

    def by_port(self, port: int) -> ServerProcess:
        return next(p for p in self.processes if p.port == port)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, mongo_url: str) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("deploy")
    redis = RedisProcess()
    env = read_env_file()
    assert env.keys() >= TEST_ONLY, "the sample env file should name these settings"
    env |= {"LINLI_MONGODB_URL": mongo_url,
            "LINLI_MONGODB_DATABASE": "linli_deploy_" + uuid.uuid4().hex[:8],
            "LINLI_REDIS_URL": redis.url, "LINLI_SECRET_KEY": secrets.token_urlsafe(48),
            "LINLI_PUBLIC_URL": "http://127.0.0.1"}
    processes = [ServerProcess(workdir / name, env) for name in ("a", "b")]
    nginx: Nginx | None = None
    try:
        for process in processes:  # one after the other: the first seeds the demo data
            process.start(timeout=90)
        nginx = nginx_in_front(workdir / "nginx", [p.port for p in processes])
        yield Stack(nginx, processes)
    finally:
        if nginx is not None:
            nginx.stop()
        for process in processes:
            process.stop()
        redis.stop()


async def request(method: str, url: str, *, body: Any = None, data: bytes | None = None,
                  headers: dict[str, str] | None = None, local: str = "127.0.0.1"
                  ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request from the loopback address `local`."""
    connector = aiohttp.TCPConnector(local_addr=(local, 0))
    async with aiohttp.ClientSession(connector=connector) as session, session.request(
            method, url, json=body, data=data, headers=headers) as resp:
        return resp.status, dict(resp.headers), await resp.read()


async def log_in(stack: Stack, name: str, local: str = "127.0.0.1") -> str:
    account = stack.seeded.account(name)
    status, _, raw = await request("POST", stack.nginx.url + "/api/v1/auth/login", body={
        "phone": account["phone"], "password": account["password"]}, local=local)
    assert status == 200, raw
    return str(json.loads(raw)["token"])


async def connect(url: str, token: str, transport: str, origin: str | None = None,
                  wait: float = 10) -> Client:
    """A recording client on one transport, sending the Origin a browser on `origin` would."""
    client = Client()
    await client.sio.connect(url, auth={"token": token}, transports=[transport],
                             headers={"Origin": origin} if origin else {}, wait_timeout=wait)
    return client


def socket_lines(nginx: Nginx, transport: str) -> list[str]:
    return [line for line in nginx.access_log()
            if "/socket.io/" in line and f"transport={transport}\"" in line]


def upstream_of(line: str) -> str:
    """The process(es) nginx tried, in order: "127.0.0.1:8001, 127.0.0.1:8002" after a
    refused connection; "-" for nginx's own answers."""
    return line.split(" upstream=", 1)[1].rsplit(" status=", 1)[0]


async def send(client: Client, room: str, text: str) -> dict[str, Any]:
    return dict(await client.ok("message:send", {"room_id": room, "text": text,
                                                 "client_id": uuid.uuid4().hex}))


async def sync_all(client: Client, room: str, after: int, since: int | None
                   ) -> tuple[list[dict[str, Any]], int]:
    """The protocol's resync: `room:sync` from the last seq held, page after page."""
    messages: list[dict[str, Any]] = []
    server_time = 0
    for _ in range(100):
        payload: dict[str, Any] = {"cursors": {room: after}}
        if since is not None:
            payload["since"] = since
        data = await client.ok("room:sync", payload)
        server_time = data["server_time"]
        page = data["rooms"][room]
        messages += page["messages"]
        if not page["has_more"]:
            return messages, server_time
        after = page["messages"][-1]["seq"]
    raise AssertionError("room:sync never ran out of pages")


async def wait_until(condition: Any, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.05)


@pytest.fixture
async def clients() -> AsyncIterator[list[Client]]:
    opened: list[Client] = []
    yield opened
    for client in opened:
        if client.sio.connected:
            await client.close()


def test_nginx_accepts_the_site_file(stack: Stack) -> None:
    checked = stack.nginx.check()
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


async def test_static_files_limits_and_headers(stack: Stack) -> None:
    url = stack.nginx.url
    status, headers, raw = await request("GET", url + "/static/js/main.js")
    assert status == 200 and raw == (STATIC / "js" / "main.js").read_bytes()
    # Module scripts run only with a JavaScript type; linli's own headers come along.
    assert headers["Content-Type"] == "application/javascript"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-cache"
    await wait_until(lambda: any("/static/js/main.js" in line
                                 for line in stack.nginx.access_log()), "nginx logged it")
    served = [line for line in stack.nginx.access_log() if "/static/js/main.js" in line]
    assert upstream_of(served[-1]) == "-"  # nginx's own answer: no process was asked

    status, headers, raw = await request("GET", url + "/")
    assert status == 200 and "Content-Security-Policy" in headers  # the page: from linli
    status, _, raw = await request("GET", url + "/readyz")
    assert status == 200 and json.loads(raw)["checks"] == {"store": "ok", "redis": "ok",
                                                          "fanout": "ok"}
    status, _, _ = await request("GET", url + "/metrics")
    assert status == 404

    # The body limit is linli's, and so is the answer to a body over it.
    limit = 65536
    login = "/api/v1/auth/login"
    status, _, raw = await request("POST", url + login, data=b" " * limit,
                                   headers={"Content-Type": "application/json"})
    assert status == 400 and json.loads(raw)["error"]["code"] == "invalid"  # linli read it
    status, headers, raw = await request("POST", url + login, data=b" " * (limit + 1),
                                         headers={"Content-Type": "application/json"})
    direct = await request("POST", stack.processes[1].url + login, data=b" " * (limit + 1),
                           headers={"Content-Type": "application/json"})
    assert status == direct[0] == 413
    assert json.loads(raw) == json.loads(direct[2])
    assert headers["Content-Type"] == "application/json; charset=utf-8"


def json_log_lines(process: ServerProcess) -> list[dict[str, Any]]:
    return [json.loads(line) for line in process.log_path.read_text().splitlines()
            if line.startswith("{")]


async def test_one_request_id_in_nginx_linli_and_the_answer(stack: Stack) -> None:
    """nginx makes the id (or keeps a plain one given); linli answers with it and writes it
    into its JSON log lines (LINLI_LOG_FORMAT=json in the sample env file)."""
    account = stack.seeded.account("赵敏")
    url = stack.nginx.url + "/api/v1/auth/login"
    for given, kept in ((None, False), ("trace-42.a:b", True), ("not plain!", False)):
        status, headers, _ = await request("POST", url, body={
            "phone": account["phone"], "password": account["password"]},
            headers={"X-Request-ID": given} if given else {})
        assert status == 200
        request_id = headers["X-Request-ID"]
        assert (request_id == given) is kept
        await wait_until(lambda i=request_id: any(
            f" id={i}" in line for line in stack.nginx.access_log()), "nginx logged it")
        await wait_until(lambda i=request_id: any(
            entry.get("request_id") == i and "logged in" in entry["message"]
            for process in stack.processes for entry in json_log_lines(process)),
            "linli logged the log-in under the same id")


async def test_limits_count_the_client_behind_nginx_not_a_forged_address(
        stack: Stack) -> None:
    """nginx passes the client's address in X-Forwarded-For; linli (LINLI_TRUSTED_PROXIES
    from the sample env file) counts failed log-ins per client address, not per proxy, and
    not per whatever address a client writes into the header itself."""
    account = stack.seeded.account("孙强")
    url = stack.nginx.url + "/api/v1/auth/login"
    for attempt in range(5):
        status, _, _ = await request("POST", url, local="127.0.0.2", body={
            "phone": account["phone"], "password": "wrong-guess"},
            headers={"X-Forwarded-For": f"10.9.9.{attempt}"})
        assert status == 401
    status, _, raw = await request("POST", url, local="127.0.0.2", body={
        "phone": account["phone"], "password": account["password"]},
        headers={"X-Forwarded-For": "10.9.9.99"})
    assert status == 429 and json.loads(raw)["error"]["code"] == "rate_limited"
    await log_in(stack, "孙强", local="127.0.0.3")  # another client is not locked out


async def test_no_process_answering_is_linlis_unavailable(stack: Stack, tmp_path: Path
                                                         ) -> None:
    account = stack.seeded.account("赵敏")
    login = {"phone": account["phone"], "password": account["password"]}
    dead = nginx_in_front(tmp_path / "dead", [free_port()])
    try:
        status, headers, raw = await request("POST", dead.url + "/api/v1/auth/login", body=login)
    finally:
        dead.stop()
    assert status == 503 and headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(raw) == {"error": {"code": "unavailable",
                                         "message": TEMPORARILY_UNAVAILABLE}}


class VerifyingClient(Client):
    """A recording client whose HTTP and WebSocket requests trust `session`'s certificates."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        super().__init__()
        self.sio = socketio.AsyncClient(reconnection=False, http_session=session)
        self.sio.on("*", self._record)


async def test_tls_as_the_site_file_describes_it(stack: Stack, tmp_path: Path,
                                                 clients: list[Client]) -> None:
    """The site file's TLS note, followed: HTTPS and WSS, and Engine.IO accepts the browser's
    https Origin because nginx says the scheme (X-Forwarded-Proto) and the host with its port."""
    cert, key = self_signed(tmp_path)
    tls = nginx_in_front(tmp_path / "tls", [p.port for p in stack.processes], tls=(cert, key))
    trusted = ssl.create_default_context(cafile=str(cert))
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trusted))
    try:
        account = stack.seeded.account("赵敏")
        async with session.post(tls.url + "/api/v1/auth/login", json={
                "phone": account["phone"], "password": account["password"]}) as resp:
            assert resp.status == 200
            token = (await resp.json())["token"]
        for transport in ("websocket", "polling"):
            client = VerifyingClient(session)
            clients.append(client)
            await client.sio.connect(tls.url, auth={"token": token}, transports=[transport],
                                     headers={"Origin": tls.url}, wait_timeout=10)
            assert client.sio.transport() == transport
            await client.ok("room:sync", {"cursors": {}})
    finally:
        tls.stop(signal.SIGTERM)  # ends the polling session at once; closing it takes 30 s
        for client in clients:
            await wait_until(lambda c=client: not c.sio.connected, "the client was cut off")
        await session.close()


async def test_round_robin_breaks_long_polling(stack: Stack, tmp_path: Path,
                                               clients: list[Client]) -> None:
    """What the site's `hash` line is for: without it, a polling session's requests reach
    the process that did not make it, and the client cannot even finish connecting."""
    token = await log_in(stack, "刘芳")
    plain = nginx_in_front(tmp_path / "round-robin", [p.port for p in stack.processes],
                           sticky=False)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            clients.append(await connect(plain.url, token, "polling", origin=plain.url, wait=3))
        await wait_until(lambda: any(" 400 " in line for line in socket_lines(plain, "polling")),
                         "a polling request was refused")
    finally:
        plain.stop()


async def test_chat_through_nginx_survives_a_killed_process(
        stack: Stack, clients: list[Client]) -> None:
    url = stack.nginx.url
    room = "grid:" + stack.seeded.account("张伟")["grid_id"]
    polling = await connect(url, await log_in(stack, "刘芳"), "polling", origin=url)
    clients.append(polling)
    await wait_until(lambda: bool(socket_lines(stack.nginx, "polling")), "nginx logged")
    handshakes = socket_lines(stack.nginx, "polling")
    served_port = int(upstream_of(handshakes[0]).rsplit(":", 1)[1])
    served = stack.by_port(served_port)
    other = next(p for p in stack.processes if p is not served)

    tab = await connect(url, await log_in(stack, "张伟"), "websocket", origin=url)
    clients.append(tab)
    held, since = await sync_all(tab, room, 0, None)
    direct = await connect(other.url, await log_in(stack, "李娜"), "websocket")
    clients.append(direct)

    # Both ways across processes, the polling client over many requests to one process.
    for round_ in range(3):
        mine = await send(polling, room, f"轮询发出 {round_}")
        await direct.wait_for("message:new", lambda m, i=mine["id"]: m["id"] == i)
        theirs = await send(direct, room, f"直连发出 {round_}")
        await polling.wait_for("message:new", lambda m, i=theirs["id"]: m["id"] == i)
        await tab.wait_for("message:new", lambda m, i=theirs["id"]: m["id"] == i)
    # (Still connected: python-engineio's client takes 30 s to close a polling session.)
    await wait_until(lambda: len(socket_lines(stack.nginx, "polling")) >= 8,
                     "the polling requests were logged")
    polled = socket_lines(stack.nginx, "polling")
    assert {upstream_of(line) for line in polled} == {f"127.0.0.1:{served_port}"}, polled
    assert all('" 200 ' in line for line in polled), polled

    last_seq = max(m["seq"] for m in held + tab.events["message:new"])
    assert last_seq == theirs["seq"]
    served.stop(signal.SIGKILL)
    try:
        await wait_until(lambda: not tab.sio.connected, "the tab saw its process die")
        missed = [await send(direct, room, f"断线期间 {n}") for n in range(5)]

        # The same tab reconnects through nginx (to the survivor) and resyncs.
        token = await log_in(stack, "张伟")
        await tab.sio.connect(url, auth={"token": token}, transports=["websocket"],
                              headers={"Origin": url}, wait_timeout=10)
        synced, _ = await sync_all(tab, room, last_seq, since)
        assert [m["id"] for m in synced] == [m["id"] for m in missed]
        assert [m["seq"] for m in synced] == list(range(last_seq + 1, last_seq + 6))
        seen = {m["seq"] for m in held + tab.events["message:new"] + synced}
        assert seen == set(range(min(seen), last_seq + 6))  # not one missing

        after = await send(tab, room, "重连后继续聊")
        await direct.wait_for("message:new", lambda m: m["id"] == after["id"])
        await tab.close()
        await wait_until(lambda: len(socket_lines(stack.nginx, "websocket")) >= 2,
                         "nginx logged both tab connections")
        first, second = socket_lines(stack.nginx, "websocket")[-2:]
        assert upstream_of(first) == f"127.0.0.1:{served_port}"
        assert upstream_of(second).endswith(f"127.0.0.1:{other.port}")
    finally:
        served.start(timeout=90)  # the module's other tests keep their two processes
