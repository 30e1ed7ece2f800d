"""Start real linli servers as subprocesses on free loopback ports, and talk to them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-pass-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PortTaken(RuntimeError):
    """The server could not bind its port: another listener took it first."""


class Server(Protocol):
    """What tests need of a server: a process (ServerProcess) or in-process (InProcessServer)."""

    @property
    def url(self) -> str: ...

    def account(self, name: str) -> dict[str, Any]: ...


class ServerProcess:
    """One `linli serve --demo` process with its own data dir."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self._port_chosen_here = port is None
        self._started_once = False
        self.env = {**os.environ, "LINLI_DEMO_PASSWORD": DEMO_PASSWORD,
                    "LINLI_SEND_BURST": "1000", "LINLI_SEND_RATE_PER_SECOND": "1000",
                    "LINLI_LOG_LEVEL": "WARNING", "LINLI_PRESENCE_FLUSH_SECONDS": "0.2",
                    **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> ServerProcess:
        """Start and wait for /healthz. A port this object picked itself may be taken by
        another listener between picking and binding; then it picks another (first start
        only: a restart keeps its port, as clients reconnect to it)."""
        for _ in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                if self._started_once or not self._port_chosen_here:
                    raise
                self.port = free_port()
                self.log_path = self.data_dir / f"server-{self.port}.log"
        return self._start(timeout)

    def _start(self, timeout: float) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--demo", "--port", str(self.port),
             "--data-dir", str(self.data_dir)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                output = self.log_path.read_text()[-3000:]
                if "address already in use" in output:
                    raise PortTaken(output)
                raise RuntimeError(f"server exited: {output}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    self._started_once = True
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def accounts(self) -> list[dict[str, Any]]:
        return json.loads((self.data_dir / "demo-accounts.json").read_text())

    def account(self, name: str) -> dict[str, Any]:
        return next(a for a in self.accounts() if a["name"] == name)


async def http(method: str, url: str, token: str | None = None,
               body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.request(
            method, url, json=body, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def call(server: Server, method: str, path: str, token: str | None,
               body: Any = None) -> tuple[int, Any]:
    """A REST call to `server` by path."""
    return await http(method, server.url + path, token, body)


async def ok(server: Server, method: str, path: str, token: str | None, body: Any = None,
             status: int = 200) -> Any:
    """A REST call that must answer `status`; its body."""
    got, data = await call(server, method, path, token, body)
    assert got == status, data
    return data


async def login(server: Server, name: str) -> tuple[str, dict[str, Any]]:
    account = server.account(name)
    status, data = await http("POST", server.url + "/api/v1/auth/login",
                              body={"phone": account["phone"], "password": account["password"]})
    assert status == 200, data
    return data["token"], data["user"]


class Client:
    """A real `socketio.AsyncClient` that records every server event it receives."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: dict[str, list[Any]] = defaultdict(list)
        self._changed = asyncio.Event()
        self.sio.on("*", self._record)

    async def _record(self, event: str, data: Any = None) -> None:
        self.events[event].append(data)
        self._changed.set()

    async def connect(self, url: str, token: str | None) -> Client:
        await self.sio.connect(url, auth={"token": token} if token else None,
                               transports=["websocket"], wait_timeout=10)
        return self

    async def call(self, event: str, *payload: Any, timeout: float = 10) -> Any:
        return await self.sio.call(event, payload[0] if len(payload) == 1 else payload,
                                   timeout=timeout) if payload else \
            await self.sio.call(event, timeout=timeout)

    async def ok(self, event: str, payload: Any) -> Any:
        ack = await self.call(event, payload)
        assert ack["ok"], ack
        return ack["data"]

    async def wait_for(self, event: str, pred: Callable[[Any], bool] = lambda _: True,
                       timeout: float = 10) -> Any:
        async def seek() -> Any:
            while True:
                for item in self.events[event]:
                    if pred(item):
                        return item
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(seek(), timeout)

    async def close(self) -> None:
        await self.sio.disconnect()


async def connect(server: Server, name: str) -> tuple[Client, dict[str, Any]]:
    token, user = await login(server, name)
    client = await Client().connect(server.url, token)
    user["token"] = token
    return client, user
