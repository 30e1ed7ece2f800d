"""Measure one target: start it, connect N clients in P processes, send M messages."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing as mp
import os
import secrets
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import socketio

from bench.clients import run_worker
from bench.linli_setup import Room, prepare
from bench.procs import Server, free_port

PASSWORD = "bench-pass-123"
SETTLE_SECONDS = 3.0


@dataclass(frozen=True)
class Options:
    clients: int
    messages: int  # throughput phase: each sent as soon as the previous ack is back
    rate: float  # latency phase: messages per second (0 = no latency phase)
    latency_messages: int
    processes: int
    timeout: float
    reuse_data: Path | None
    pin: bool


@dataclass(frozen=True)
class Phase:
    name: str
    messages: int
    rate: float  # 0 = ack-paced


@dataclass(frozen=True)
class PhaseResult:
    deliveries: int
    wall: float  # first send → last delivery
    latencies: list[float]  # sorted, seconds
    server_cpu: float
    client_cpu: float

    @property
    def per_second(self) -> float:
        return self.deliveries / self.wall if self.wall > 0 else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        return self.latencies[min(len(self.latencies) - 1, int(q * len(self.latencies)))]


@dataclass(frozen=True)
class Result:
    target: str
    rss_per_connection: float
    setup_seconds: float
    phases: dict[str, PhaseResult]


Workers = list[tuple[mp.process.BaseProcess, Connection]]


def phases(opts: Options) -> list[Phase]:
    out = [Phase("throughput", opts.messages, 0.0)]
    if opts.rate > 0 and opts.latency_messages > 0:
        out.append(Phase("latency", opts.latency_messages, opts.rate))
    return out


def _start(target: str, data_dir: Path) -> Server:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    if target == "bare":
        argv = [sys.executable, "-m", "bench.bare_server", "--port", str(port)]
        return Server(argv, port, {}, data_dir / "bare.log", "/healthz").wait_ready()
    argv = [str(bin_dir / "linli"), "serve", "--demo", "--port", str(port),
            "--data-dir", str(data_dir)]
    env = {"LINLI_DEMO_PASSWORD": PASSWORD, "LINLI_LOG_LEVEL": "WARNING",
           "LINLI_SEND_BURST": "1000000", "LINLI_SEND_RATE_PER_SECOND": "1000000"}
    return Server(argv, port, env, data_dir / "linli.log", "/healthz").wait_ready()


def _room(target: str, server: Server, data_dir: Path, n: int) -> Room:
    if target == "bare":
        return Room(room_id="bench", sender_token="", tokens=[""] * n)
    return asyncio.run(prepare(server.url, data_dir, n, PASSWORD))


def _cpus(pin: bool) -> tuple[list[int] | None, list[int] | None]:
    """Server on the first CPU, clients and sender on the rest (when there are two+)."""
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or len(cpus) < 2:
        return None, None
    return cpus[:1], cpus[1:]


def _spawn(url: str, room: Room, opts: Options, cpus: list[int] | None
           ) -> list[tuple[mp.process.BaseProcess, Connection]]:
    ctx = mp.get_context("spawn")
    workers = []
    for i in range(opts.processes):
        parent, child = ctx.Pipe()
        chunk = room.tokens[i::opts.processes]
        proc = ctx.Process(target=run_worker, args=(child, url, chunk, cpus),
                           daemon=True)
        proc.start()
        workers.append((proc, parent))
    return workers


def _expect(conn: Connection, kind: str, timeout: float) -> tuple[Any, ...]:
    if not conn.poll(timeout):
        raise RuntimeError(f"client process sent no {kind!r} within {timeout:.0f} s")
    msg: tuple[Any, ...] = conn.recv()
    if msg[0] != kind:
        raise RuntimeError(f"expected {kind!r} from a client process, got {msg[0]!r}")
    return msg


async def _send_all(url: str, room: Room, phase: Phase, workers: Workers,
                    timeout: float) -> float:
    """Connect the sender, start the phase in every client process, send; returns the
    monotonic time of the first send."""
    sender = socketio.AsyncClient(reconnection=False)
    auth = {"token": room.sender_token} if room.sender_token else None
    await sender.connect(url, auth=auth, transports=["websocket"], wait_timeout=30)
    for _, conn in workers:
        conn.send(("go", phase.name, phase.messages, timeout))
    await asyncio.sleep(0.5)  # let every client process reset its recorder
    run = secrets.token_hex(4)
    acks: list[asyncio.Task[Any]] = []
    first = time.monotonic()
    for i in range(phase.messages):
        if phase.rate > 0:
            await asyncio.sleep(max(0.0, first + i / phase.rate - time.monotonic()))
        payload = {"room_id": room.room_id, "client_id": f"bench-{run}-{i}",
                   "text": f"{phase.name} {i} {time.monotonic():.6f}"}
        acks.append(asyncio.create_task(sender.call("message:send", payload, timeout=timeout)))
        if phase.rate <= 0:
            await acks[-1]
    for ack in await asyncio.gather(*acks):
        if not ack.get("ok"):
            raise RuntimeError(f"send failed: {ack}")
    await sender.disconnect()
    return first


def _run_phase(server: Server, url: str, room: Room, phase: Phase, workers: Workers,
               timeout: float) -> PhaseResult:
    gc.collect()
    cpu0 = server.cpu_seconds()
    first = asyncio.run(_send_all(url, room, phase, workers, timeout))
    results = [_expect(c, "result", timeout + 30) for _, c in workers]
    server_cpu = server.cpu_seconds() - cpu0
    lat = array("d")
    for r in results:
        lat.frombytes(r[1])
    return PhaseResult(deliveries=sum(r[2] for r in results),
                       wall=max(r[3] for r in results) - first, latencies=sorted(lat),
                       server_cpu=server_cpu, client_cpu=sum(r[4] for r in results))


def measure(target: str, opts: Options) -> Result:
    with tempfile.TemporaryDirectory(prefix=f"bench-{target}-") as tmp:
        data_dir = opts.reuse_data / target if opts.reuse_data else Path(tmp)
        data_dir.mkdir(parents=True, exist_ok=True)
        return _measure_in(target, opts, data_dir)


def _measure_in(target: str, opts: Options, data_dir: Path) -> Result:
    server_cpus, client_cpus = _cpus(opts.pin)
    server = _start(target, data_dir)
    workers: Workers = []
    try:
        if server_cpus:
            server.ps.cpu_affinity(server_cpus)
            os.sched_setaffinity(0, client_cpus or [])
        began = time.monotonic()
        room = _room(target, server, data_dir, opts.clients)
        setup = time.monotonic() - began
        time.sleep(SETTLE_SECONDS)
        rss0 = server.rss()
        workers = _spawn(server.url, room, opts, client_cpus)
        connect_wait = 60 + opts.clients * 0.05
        connected = sum(_expect(c, "connected", connect_wait)[1] for _, c in workers)
        print(f"  {target}: {connected} clients connected", file=sys.stderr)
        time.sleep(SETTLE_SECONDS)
        rss = (server.rss() - rss0) / max(connected, 1)
        done = {p.name: _run_phase(server, server.url, room, p, workers, opts.timeout)
                for p in phases(opts)}
    finally:
        _close(workers)
        server.stop()
    return Result(target=target, rss_per_connection=rss, setup_seconds=setup, phases=done)


def _close(workers: Workers) -> None:
    for _, conn in workers:
        with contextlib.suppress(OSError):
            conn.send(("close",))
    for proc, _ in workers:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
