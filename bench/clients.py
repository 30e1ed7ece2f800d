"""A client process: K real `socketio.AsyncClient`s over WebSocket that time every delivery.

Protocol with the parent over a Pipe: → ("connected", k); then per phase
← ("go", phase, messages, timeout) → ("result", latencies, count, last_receive, cpu_seconds);
finally ← ("close",)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from array import array
from multiprocessing.connection import Connection
from typing import Any

import socketio

CONNECT_IN_FLIGHT = 25


class Recorder:
    """Latency = receive time − the send time the sender wrote into the text (both
    `time.monotonic()`, which is one system-wide clock on Linux)."""

    def __init__(self) -> None:
        self.prefix = "-"
        self.expected = 0
        self.latencies = array("d")
        self.last = 0.0
        self.done = asyncio.Event()

    def reset(self, phase: str, expected: int) -> None:
        """Count only texts starting "<phase> " (stragglers of an earlier phase are not)."""
        self.prefix, self.expected, self.latencies, self.last = f"{phase} ", expected, \
            array("d"), 0.0
        self.done.clear()

    def on_message(self, data: Any) -> None:
        now = time.monotonic()
        text = data.get("text", "") if isinstance(data, dict) else ""
        if not text.startswith(self.prefix):
            return
        self.latencies.append(now - float(text.rsplit(" ", 1)[1]))
        self.last = now
        if len(self.latencies) >= self.expected:
            self.done.set()


async def _open(url: str, token: str, rec: Recorder, gate: asyncio.Semaphore
                ) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    client.on("message:new", rec.on_message)
    async with gate:
        await client.connect(url, auth={"token": token}, transports=["websocket"],
                             wait_timeout=60)
    return client


async def _recv(conn: Connection) -> Any:
    return await asyncio.to_thread(conn.recv)


async def _phase(conn: Connection, rec: Recorder, clients: int, phase: str, messages: int,
                 timeout: float) -> None:
    rec.reset(phase, clients * messages)
    cpu = time.process_time()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(rec.done.wait(), timeout)
    conn.send(("result", rec.latencies.tobytes(), len(rec.latencies), rec.last,
               time.process_time() - cpu))


async def _main(conn: Connection, url: str, tokens: list[str]) -> None:
    rec = Recorder()
    gate = asyncio.Semaphore(CONNECT_IN_FLIGHT)
    clients = await asyncio.gather(*(_open(url, t, rec, gate) for t in tokens))
    conn.send(("connected", len(clients)))
    while (msg := await _recv(conn))[0] == "go":
        await _phase(conn, rec, len(clients), *msg[1:])
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


def run_worker(conn: Connection, url: str, tokens: list[str], cpus: list[int] | None) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    asyncio.run(_main(conn, url, tokens))
    conn.close()
