"""Acknowledged means durable: SIGKILL the SQLite server mid-stream and count what survived."""

from __future__ import annotations

import asyncio
import signal
import uuid

from tests.support.server import ServerProcess, connect, http, login


async def test_acknowledged_messages_survive_sigkill(fresh_server: ServerProcess) -> None:
    server = fresh_server.start()
    room = "grid:" + server.account("张伟")["grid_id"]
    senders = [await connect(server, name) for name in ("张伟", "刘芳", "赵敏")]
    acked: set[str] = set()

    async def pump(index: int) -> None:
        client = senders[index][0]
        for i in range(1000):
            try:
                ack = await client.call("message:send", {
                    "room_id": room, "text": f"{index}-{i}", "client_id": uuid.uuid4().hex},
                    timeout=2)
            except Exception:
                return  # the server died under us: this one was never acknowledged
            if ack["ok"]:
                acked.add(ack["data"]["id"])

    tasks = [asyncio.create_task(pump(i)) for i in range(len(senders))]
    while len(acked) < 150:
        await asyncio.sleep(0.01)
    fresh_server.stop(signal.SIGKILL)
    await asyncio.gather(*tasks)
    for client, _ in senders:
        await client.sio.disconnect()

    fresh_server.start()
    token, _ = await login(fresh_server, "张伟")
    stored: list[dict[str, object]] = []
    before: int | None = None
    while True:
        query = "?limit=100" + (f"&before_seq={before}" if before else "")
        status, page = await http("GET", f"{fresh_server.url}/api/v1/rooms/{room}/messages"
                                  + query, token)
        assert status == 200
        stored = page["messages"] + stored
        if not page["has_more"]:
            break
        before = page["messages"][0]["seq"]
    ids = [m["id"] for m in stored]
    assert acked <= set(ids), f"lost {len(acked - set(ids))} acknowledged messages"
    assert len(ids) == len(set(ids))
    assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))
