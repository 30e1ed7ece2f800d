"""GET /metrics: off by default, behind its token when on, and its figures move as two real
Socket.IO clients chat on a real in-process server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.fakes import FakeClock
from tests.support.inproc import InProcessServer
from tests.support.server import connect

TOKEN = "metrics-" + uuid.uuid4().hex
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[InProcessServer]:
    running = await InProcessServer(tmp_path / "data", FakeClock(), metrics_token=TOKEN).start()
    yield running
    await running.stop()


async def get(url: str, token: str | None) -> tuple[int, str, str]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with aiohttp.ClientSession() as session, \
            session.get(url + "/metrics", headers=headers) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.text()


async def scrape(server: InProcessServer) -> Samples:
    status, kind, text = await get(server.url, TOKEN)
    assert status == 200 and kind.startswith("text/plain"), (status, kind)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_are_off_unless_a_token_is_set(tmp_path: Path) -> None:
    running = await InProcessServer(tmp_path / "data", FakeClock()).start()
    try:
        for token in (None, "anything", ""):
            status, _, text = await get(running.url, token)
            assert status == 404 and "linli_" not in text
    finally:
        await running.stop()


async def test_metrics_refuse_a_missing_or_wrong_token(server: InProcessServer) -> None:
    for token in (None, "", TOKEN + "x", TOKEN[:-1]):
        status, _, text = await get(server.url, token)
        assert status == 401, token
        assert "linli_" not in text and "unauthorized" in text


async def test_counters_move_as_two_clients_chat(server: InProcessServer) -> None:
    before = await scrape(server)
    zhang, _ = await connect(server, "张伟")
    liu, _ = await connect(server, "刘芳")
    room = "grid:" + server.account("张伟")["grid_id"]
    try:
        during = await scrape(server)
        assert value(during, "linli_sockets_connected") == 2
        assert value(during, "linli_sockets_by_room_kind", kind="grid") == 2
        for i in range(3):
            sent = await zhang.ok("message:send", {"room_id": room, "text": f"第{i}条：今晚停电吗",
                                                   "client_id": uuid.uuid4().hex})
            await liu.wait_for("message:new", lambda m, mid=sent["id"]: m["id"] == mid)
        after = await scrape(server)
    finally:
        await zhang.close()
        await liu.close()

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("linli_messages_stored_total", kind="text") == 3
    assert moved("linli_messages_delivered_total") == 6  # to the sender's socket and Liu's
    assert moved("linli_socket_ack_seconds_count", event="message:send") == 3
    assert moved("linli_socket_events_total", event="message:send", outcome="ok") == 3
    assert moved("linli_store_operation_seconds_count", operation="append_message") == 3
    assert value(after, "linli_event_loop_lag_seconds_count") > 0
    assert value(after, "linli_store_up") == 1
    assert value(after, "linli_tickets_open", level="grid") >= 0
    assert ("linli_tickets_overdue", (("level", "district"),)) in after
    assert value(after, "process_resident_memory_bytes") > 0
    assert moved("linli_http_requests_total", method="POST", status="2xx") >= 2  # log-ins
