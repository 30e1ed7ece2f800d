"""A webhook endpoint on loopback for tests: checks each POST's signature with the webhook's
secret and records it, signed or not."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bots.webhooks.signing import verify
from chat.clock import Clock

Behaviour = Callable[["Receiver", int], Awaitable[int]]


class Receiver:
    """Each request is recorded as `{"valid", "key", "headers", "body"}`. Signatures are
    checked at `clock`'s time (the in-process server's clock; the wall clock when None).
    `behaviour(receiver, n)` answers the n-th request (1-based) with a status code; a request
    that is not signed right is answered 401 whatever it says."""

    def __init__(self, clock: Clock | None = None, behaviour: Behaviour | None = None) -> None:
        self.clock = clock
        self.behaviour = behaviour
        self.secret = ""
        self.received: list[dict[str, Any]] = []
        self.changed = asyncio.Event()
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self._server: TestServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.port is not None, "not started"
        return self._server.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _now(self) -> float:
        return self.clock.now().timestamp() if self.clock is not None else time.time()

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        valid = verify(self.secret, request.headers.get("X-Linli-Timestamp", ""), raw,
                       request.headers.get("X-Linli-Signature", ""), now=self._now())
        self.received.append({"valid": valid, "key": request.headers.get("X-Linli-Delivery"),
                              "headers": dict(request.headers), "body": json.loads(raw)})
        self.changed.set()
        status = await self.behaviour(self, len(self.received)) if self.behaviour else 200
        return web.Response(status=status if valid else 401)

    def signed(self) -> list[dict[str, Any]]:
        return [r for r in self.received if r["valid"]]

    async def wait_for(self, pred: Callable[[dict[str, Any]], bool],
                       timeout: float = 15) -> dict[str, Any]:
        """The first request whose body satisfies `pred`."""
        async def seek() -> dict[str, Any]:
            while True:
                for item in self.received:
                    if pred(item["body"]):
                        return item
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(seek(), timeout)

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()
        return self

    async def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            await self._server.close()
