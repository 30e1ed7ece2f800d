"""`linli backup`, `restore` and `export` against real servers, on both backends: a backup
taken while a real Socket.IO client keeps sending holds every message acknowledged before it
began, a server started on the restore serves them, a restore refuses a target holding
anything, and a community's export holds that community's rows only."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from chat.actions import accounts, hierarchy
from chat.payloads import CreateStaff
from chat.wire import unit_view
from config.settings import load_settings
from tests.support.server import ROOT, Client, ServerProcess, connect, http, login
from web.cli import offline_services
from web.migrations import SCHEMA_VERSION


@dataclass
class Backend:
    """Where one server's data lives: a data dir, and on MongoDB a database of its own."""

    name: str
    mongo_url: str | None = None
    made: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        if self.mongo_url is None:
            return {}
        database = "linli_backup_" + uuid.uuid4().hex[:8]
        self.made.append(database)
        return {"LINLI_MONGODB_URL": self.mongo_url, "LINLI_MONGODB_DATABASE": database}


@pytest.fixture(params=["sqlite", pytest.param("mongo", marks=pytest.mark.mongo)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend("sqlite")
        return
    chosen = Backend("mongo", request.getfixturevalue("mongo_url"))
    yield chosen
    from pymongo import MongoClient

    client: MongoClient[dict[str, Any]] = MongoClient(chosen.mongo_url)
    with client:
        for database in chosen.made:
            client.drop_database(database)


async def linli(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a thread, so the clients of this test keep running meanwhile."""
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "web.cli", *map(str, args)], cwd=ROOT,
        env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=False)


async def all_messages(server: ServerProcess, room: str, token: str) -> list[dict[str, Any]]:
    stored: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        query = "?limit=100" + (f"&before_seq={before}" if before else "")
        status, page = await http("GET", f"{server.url}/api/v1/rooms/{room}/messages{query}",
                                  token)
        assert status == 200, page
        stored = page["messages"] + stored
        if not page["has_more"]:
            return stored
        before = page["messages"][0]["seq"]


PACE = 0.05


@pytest.mark.timeout(300)  # four CLI runs and two server starts on a shared machine
async def test_a_backup_under_load_restores_every_acknowledged_message(
        backend: Backend, tmp_path: Path) -> None:
    env = backend.env()
    server = ServerProcess(tmp_path / "data", env=env).start()
    room = "grid:" + server.account("张伟")["grid_id"]
    senders = [(await connect(server, name))[0] for name in ("张伟", "刘芳")]
    acked: list[str] = []
    stop = asyncio.Event()

    async def pump(client: Client, index: int) -> None:
        n = 0
        while not stop.is_set():
            ack = await client.call("message:send", {
                "room_id": room, "text": f"{index}-{n}", "client_id": uuid.uuid4().hex})
            assert ack["ok"], ack
            acked.append(ack["data"]["id"])
            n += 1
            await asyncio.sleep(PACE)  # steady load, not a flood the restore must wade through

    pumps = [asyncio.create_task(pump(c, i)) for i, c in enumerate(senders)]
    try:
        while len(acked) < 40:
            await asyncio.sleep(0.01)
        before_backup = set(acked)
        made = await linli("backup", "--data-dir", server.data_dir, tmp_path / "backup", env=env)
        during = len(acked) - len(before_backup)
    finally:
        stop.set()
        await asyncio.gather(*pumps)
    for client in senders:
        await client.close()
    server.stop()
    assert made.returncode == 0, made.stderr
    assert during > 0, "the clients kept sending while the backup ran"
    summary = json.loads(made.stdout)
    assert summary["schema_version"] == SCHEMA_VERSION
    assert summary["tables"]["messages"] >= len(before_backup)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["backend"] == ("sqlite" if backend.mongo_url is None else "mongodb")

    restored_env = backend.env()
    restored_dir = tmp_path / "restored"
    done, into_served, backup_again = await asyncio.gather(
        linli("restore", "--data-dir", restored_dir, tmp_path / "backup", env=restored_env),
        linli("restore", "--data-dir", server.data_dir, tmp_path / "backup", env=env),
        linli("backup", "--data-dir", server.data_dir, tmp_path / "backup", env=env))
    assert done.returncode == 0, done.stderr
    for refused in (into_served, backup_again):  # neither target is empty
        assert refused.returncode == 1, refused.stdout
        assert "Traceback" not in refused.stderr and str(tmp_path) not in refused.stderr
    assert "拒绝覆盖" in into_served.stderr and "refusing to overwrite" in into_served.stderr
    assert "not an empty directory" in backup_again.stderr
    again = await linli("restore", "--data-dir", restored_dir, tmp_path / "backup",
                        env=restored_env)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr

    restored = ServerProcess(restored_dir, env=restored_env).start()
    try:
        token, _ = await login(restored, "张伟")  # the restored secret and accounts work
        stored = await all_messages(restored, room, token)
    finally:
        restored.stop()
    ids = {m["id"] for m in stored}
    assert before_backup <= ids, f"lost {len(before_backup - ids)} acknowledged messages"
    assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))


OTHER_ADMIN, OTHER_PASSWORD = "13900000077", "other-pass-123"


async def other_community(server: ServerProcess, env: dict[str, str]) -> dict[str, Any]:
    """A second community under the demo's street, with an admin, made offline as
    `linli unit add` and `linli staff add` make them (in this process: faster)."""
    settings = load_settings(data_dir=server.data_dir, **{
        name: env[f"LINLI_{name.upper()}"] for name in ("mongodb_url", "mongodb_database")
        if f"LINLI_{name.upper()}" in env})
    async with offline_services(settings) as services:
        street = (await hierarchy.list_units(services, "street", None))[0]
        unit = await hierarchy.create_unit(services, None, "community", "别的社区", street.id)
        await accounts.create_staff(services, None, CreateStaff(
            role="admin", name="别社管理员", phone=OTHER_ADMIN, password=OTHER_PASSWORD,
            unit_id=unit.id))
        return unit_view(unit)


async def test_an_export_holds_one_community_only(backend: Backend, tmp_path: Path) -> None:
    env = backend.env()
    server = ServerProcess(tmp_path / "data", env=env).start()
    data = ["--data-dir", str(server.data_dir)]
    try:
        home = server.account("张伟")
        token, user = await login(server, "张伟")
        ours = user["community_id"]
        other = await other_community(server, env)
        status, body = await http("POST", server.url + "/api/v1/auth/login",
                                  body={"phone": OTHER_ADMIN, "password": OTHER_PASSWORD})
        assert status == 200, body
        outsider = await Client().connect(server.url, body["token"])
        secret = await outsider.ok("message:send", {
            "room_id": f"community:{other['id']}", "text": "别社的消息",
            "client_id": uuid.uuid4().hex})
        await outsider.close()
        resident = await Client().connect(server.url, token)
        mine = await resident.ok("message:send", {
            "room_id": "grid:" + home["grid_id"], "text": "本社的消息",
            "client_id": uuid.uuid4().hex})
        await resident.close()

        done, missing = await asyncio.gather(
            linli("export", "--community", ours, *data, tmp_path / "export", env=env),
            linli("export", "--community", "c-nope", *data, tmp_path / "x", env=env))
        assert done.returncode == 0, done.stderr
        assert missing.returncode == 1 and "No such community" in missing.stderr
    finally:
        server.stop()

    rows = {path.stem: [json.loads(line) for line in path.read_text().splitlines()]
            for path in (tmp_path / "export").glob("*.jsonl")}
    assert json.loads(done.stdout) == {name: len(r) for name, r in rows.items()}
    text = "\n".join(p.read_text() for p in (tmp_path / "export").glob("*.jsonl"))
    assert mine["id"] in text and secret["id"] not in text and other["id"] not in text
    assert "password_hash" not in text
    room_ids = {r.get("id", r.get("_id")) for r in rows["rooms"]}
    assert room_ids and all(r["community_id"] == ours for r in rows["rooms"])
    assert {m["room_id"] for m in rows["messages"]} <= room_ids
    assert rows["users"] and all(u["community_id"] == ours for u in rows["users"])
    assert rows["audit"] and all(a["community_id"] == ours for a in rows["audit"])


@pytest.mark.parametrize("command", ["backup", "restore", "export"])
def test_every_backup_command_explains_itself(command: str) -> None:
    result = subprocess.run([sys.executable, "-m", "web.cli", command, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "EMPTY" in result.stdout or "new or empty" in result.stdout
