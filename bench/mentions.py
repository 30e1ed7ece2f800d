"""Mention benchmark: server CPU per chat message containing "@" in a room of N members, for
two versions of linli in one run (by default the last commit before the label index, and HEAD).

    python -m bench.mentions --members 1000 --messages 400

Each version is exported with `git archive` (the working tree is not touched) and run as its
own `linli serve` process from that export, on a copy of one seeded data dir: the demo, plus N
verified residents of the demo's first grid written straight into the store (one shared
password hash, so no argon2 per resident), plus log-in sessions for the senders. S senders
(residents of the room, real Socket.IO clients) keep F messages each in flight until M
messages are acknowledged — first M plain messages, then M messages "@李娜 …" — so the server
is the bottleneck: its busy % (CPU seconds ÷ wall seconds, pinned to one core) and how much
of the time its threads were runnable are printed next to the client process's.

Then, in this process on the same seeded store, resolution alone: the full member scan the old
code made per message (`room_members` + naming every member) against the index (one
membership-version read + a look-up), alternating rounds, best of three. Loopback only."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import socketio

from bench.procs import Server, free_port

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-pass-123"
SENDER_WORKER = "李娜"  # the demo grid worker: every "@" message mentions her


@dataclass(frozen=True)
class Seeded:
    room_id: str
    tokens: list[str]  # the senders' session tokens


@dataclass(frozen=True)
class Phase:
    messages: int
    wall: float
    server_cpu: float
    loop_runnable: float  # the server's event-loop thread: on a CPU or waiting for one
    threads_runnable: float  # the same, summed over all the server's threads
    client_cpu: float

    def figures(self) -> dict[str, float]:
        return {"server CPU ms/message": 1000 * self.server_cpu / self.messages,
                "messages/s": self.messages / self.wall,
                "server busy %": 100 * self.server_cpu / self.wall,
                "server loop runnable %": 100 * self.loop_runnable / self.wall,
                "server threads runnable %": 100 * self.threads_runnable / self.wall,
                "client busy %": 100 * self.client_cpu / self.wall}


def _runnable(schedstat: Path) -> float:
    try:
        cpu_ns, wait_ns, _ = schedstat.read_text().split()
    except OSError:  # a thread that ended meanwhile
        return 0.0
    return (int(cpu_ns) + int(wait_ns)) / 1e9


def runnable_seconds(server: Server) -> tuple[float, float]:
    """CPU time plus run-queue wait of the server's main (event-loop) thread, and of all its
    threads (the loop hands SQLite work to a thread of its own). Near the wall time means the
    server never waited for work — it was saturated, even where other processes on a shared
    machine kept it from a whole core."""
    proc = Path(f"/proc/{server.ps.pid}")
    return _runnable(proc / "schedstat"), sum(_runnable(t / "schedstat")
                                              for t in (proc / "task").iterdir())


def baseline_rev() -> str:
    """The commit before the label index arrived (chat/mentions.py was added)."""
    added = subprocess.run(["git", "log", "--format=%H", "--diff-filter=A", "--",
                            "chat/mentions.py"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    return f"{added[-1]}~1" if added else "HEAD"


def export(rev: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


async def _seed(data_dir: Path, members: int, senders: int) -> Seeded:
    from chat.ids import new_id
    from chat.models import Address, Session, User
    from config.settings import load_settings
    from web.cli import offline_services
    from web.demo import seed_demo

    os.environ["LINLI_DEMO_PASSWORD"] = PASSWORD
    settings = load_settings(data_dir=data_dir)
    async with offline_services(settings) as services:
        accounts = await seed_demo(services, data_dir)
        assert accounts is not None, "the data dir was not empty"
        worker = next(a for a in accounts if a["name"] == SENDER_WORKER)
        grid_id = str(worker["grid_id"])
        staff = await services.store.get_user_by_phone(worker["phone"])
        assert staff is not None
        community_id = staff.community_id
        password_hash = await services.secrets.hash_password(PASSWORD)
        now = services.clock.now()
        residents = []
        for i in range(members):
            user = User(id=new_id("u"), phone=f"136{i:08d}", name=f"居民{i}",
                        role="resident", status="verified", password_hash=password_hash,
                        created_at=now, community_id=community_id, grid_ids=(grid_id,),
                        address=Address(building=str(1 + i // 100), unit="1",
                                        room=str(100 + i % 100)))
            await services.store.add_user(user)
            residents.append(user)
        tokens = []
        for user in residents[:senders]:
            token = services.secrets.new_token()
            await services.store.add_session(Session(
                id=new_id("s"), user_id=user.id,
                token_digest=services.secrets.digest("session", token), created_at=now,
                expires_at=now.replace(year=now.year + 1)))
            tokens.append(token)
    return Seeded(room_id=f"grid:{grid_id}", tokens=tokens)


async def _resolution(data_dir: Path, room_id: str, rounds: int) -> dict[str, float]:
    """CPU µs per resolution of "@李娜": the old full scan, and the index."""
    from functools import partial

    from chat.actions.rooms import room_members
    from chat.mentions import labels_of, resolve
    from config.settings import load_settings
    from web.cli import offline_services

    async with offline_services(load_settings(data_dir=data_dir)) as services:
        room = await services.store.get_room(room_id)
        assert room is not None
        names = {SENDER_WORKER}

        async def scan() -> tuple[str, ...]:
            return resolve(labels_of(await room_members(services, room)), names)

        async def index() -> tuple[str, ...]:
            version = await services.store.membership_version(room.community_id)
            labels = await services.mentions.labels(room.id, version,
                                                    partial(room_members, services, room))
            return resolve(labels, names)

        assert await scan() == await index() != ()
        best = {"full scan": float("inf"), "index": float("inf")}
        for _ in range(3):
            for name, fn in (("full scan", scan), ("index", index)):
                began = time.process_time()
                for _ in range(rounds):
                    await fn()
                best[name] = min(best[name], (time.process_time() - began) / rounds * 1e6)
    return best


def _start(src: Path, data_dir: Path, cpus: list[int] | None) -> Server:
    port = free_port()
    # -P: the export, through PYTHONPATH, comes before this directory and the editable install
    argv = [sys.executable, "-P", "-m", "web.cli", "serve", "--port", str(port),
            "--data-dir", str(data_dir)]
    env = {"PYTHONPATH": str(src), "LINLI_LOG_LEVEL": "WARNING",
           "LINLI_SEND_BURST": "1000000", "LINLI_SEND_RATE_PER_SECOND": "1000000",
           "LINLI_SQLITE_SYNCHRONOUS": "NORMAL"}
    server = Server(argv, port, env, data_dir / "linli.log", "/healthz").wait_ready()
    if cpus:
        server.ps.cpu_affinity(cpus)
    return server


async def _phase(url: str, seeded: Seeded, server: Server, label: str, messages: int,
                 in_flight: int) -> Phase:
    clients = []
    for token in seeded.tokens:
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(url, auth={"token": token}, transports=["websocket"],
                             wait_timeout=30)
        clients.append(client)
    await asyncio.sleep(1.0)
    left = messages
    run = os.urandom(4).hex()
    failures: list[Any] = []

    async def loop(client: socketio.AsyncClient) -> None:
        nonlocal left
        while left > 0:
            left -= 1
            n = left
            text = f"@{SENDER_WORKER} 第{n}条" if label == "@" else f"第{n}条 没有提到谁"
            ack = await client.call("message:send", {"room_id": seeded.room_id, "text": text,
                                                     "client_id": f"{run}-{n}"}, timeout=120)
            if not ack.get("ok"):
                failures.append(ack)

    cpu0, (loop0, threads0) = server.cpu_seconds(), runnable_seconds(server)
    client0, began = time.process_time(), time.monotonic()
    await asyncio.gather(*(loop(c) for c in clients for _ in range(in_flight)))
    wall = time.monotonic() - began
    loop1, threads1 = runnable_seconds(server)
    phase = Phase(messages, wall, server.cpu_seconds() - cpu0, loop1 - loop0,
                  threads1 - threads0, time.process_time() - client0)
    await asyncio.gather(*(c.disconnect() for c in clients))
    if failures:
        raise RuntimeError(f"{len(failures)} sends failed, e.g. {failures[0]}")
    return phase


def measure(src: Path, data_dir: Path, seeded: Seeded, args: argparse.Namespace
            ) -> dict[str, Phase]:
    cpus = sorted(os.sched_getaffinity(0))
    pin = args.pin and len(cpus) >= 2
    server = _start(src, data_dir, cpus[:1] if pin else None)
    try:
        if pin:
            os.sched_setaffinity(0, cpus[1:])
        return {label: asyncio.run(_phase(server.url, seeded, server, label, args.messages,
                                          args.in_flight))
                for label in ("plain", "@")}
    finally:
        server.stop()
        os.sched_setaffinity(0, cpus)


def table(results: dict[str, dict[str, Phase]]) -> str:
    names = list(results)
    lines = [f"{'':34}" + "".join(f"{n:>16}" for n in names) + f"{'before/after':>16}"]
    for label in ("plain", "@"):
        for key in results[names[0]][label].figures():
            cells = [results[n][label].figures()[key] for n in names]
            ratio = cells[0] / cells[1] if cells[1] else float("nan")
            lines.append(f"{label + ' ' + key:34}" + "".join(f"{c:>16,.2f}" for c in cells)
                         + f"{ratio:>16,.2f}")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.mentions", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--members", type=int, default=1000, help="N residents in the room (1000)")
    p.add_argument("--messages", type=int, default=400, help="M messages per phase (400)")
    p.add_argument("--senders", type=int, default=4,
                   help="S sending clients (4: each is also delivered every message)")
    p.add_argument("--in-flight", type=int, default=16,
                   help="F messages in flight per sender (16)")
    p.add_argument("--rounds", type=int, default=20,
                   help="resolutions per round when timing resolution alone (20)")
    p.add_argument("--before", default=None,
                   help="git revision of the old code (default: the commit before "
                   "chat/mentions.py was added)")
    p.add_argument("--after", default="HEAD", help="git revision of the new code (HEAD)")
    p.add_argument("--no-pin", dest="pin", action="store_false",
                   help="do not pin the server to CPU 0 and this process to the others")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    revs = {"before": args.before or baseline_rev(), "after": args.after}
    with tempfile.TemporaryDirectory(prefix="bench-mentions-") as tmp:
        work = Path(tmp)
        print(f"seeding {args.members} members …", file=sys.stderr)
        seeded = asyncio.run(_seed(work / "seed", args.members, args.senders))
        resolution = asyncio.run(_resolution(work / "seed", seeded.room_id, args.rounds))
        results: dict[str, dict[str, Phase]] = {}
        for name, rev in revs.items():
            print(f"running {name} ({rev}) …", file=sys.stderr)
            src = export(rev, work / f"src-{name}")
            data_dir = work / f"data-{name}"
            shutil.copytree(work / "seed", data_dir)
            results[name] = measure(src, data_dir, seeded, args)
    print(f"\n{args.members} members in one room; {args.senders} senders × {args.in_flight} "
          f"in flight; {args.messages} messages per phase; before = {revs['before']}, "
          f"after = {revs['after']}\n")
    print(table(results))
    scan, index = resolution["full scan"], resolution["index"]
    print(f"\nresolving one \"@\" alone, CPU µs/message (this process, best of 3 × "
          f"{args.rounds}): full scan {scan:,.1f}, index {index:,.1f}, "
          f"ratio {scan / index:,.1f}")
    if args.json:
        args.json.write_text(json.dumps(
            {"servers": {n: {label: p.figures() for label, p in r.items()}
                         for n, r in results.items()}, "resolution µs": resolution},
            indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
