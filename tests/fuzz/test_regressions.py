"""Inputs the fuzzers found that once broke the server, each replayed on its own."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from tests.fuzz.world import World
from tests.support.server import http


def ack_of(world: World, event: str, payload: Any) -> dict[str, Any]:
    ack: dict[str, Any] = world.loop.run(world.socket("resident").call(event, payload))
    assert world.errors.take() == []
    return ack


@pytest.mark.parametrize(("event", "payload"), [
    ("notice:ack", {"notice_id": "\ud800"}),
    ("room:history", {"room_id": "x\udfffy"}),
    ("message:send", {"room_id": "grid:x", "text": "\ud83d", "client_id": "c1"}),
    ("poll:vote", {"poll_id": "p", "option_ids": ["a"], "\ud87d": 1}),
])
def test_a_lone_surrogate_is_an_invalid_payload(world: World, event: str,
                                                payload: dict[str, Any]) -> None:
    """It cannot be encoded as UTF-8: once an internal error (UnicodeEncodeError)."""
    ack = ack_of(world, event, payload)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack


@pytest.mark.parametrize(("event", "payload"), [
    ("room:history", {"room_id": "grid:x", "before_seq": 10**101}),
    ("room:read", {"room_id": "grid:x", "seq": -(10**150)}),
    ("message:delete", {"message_id": "m", "reason": {"id": [10**100]}}),
])
def test_an_integer_of_over_100_digits_is_an_invalid_payload(
        world: World, event: str, payload: dict[str, Any]) -> None:
    """engine.io once dropped the whole packet: no ack at all, and an ERROR logged."""
    ack = world.loop.run(world.socket("resident").call(event, payload, timeout=5))
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert world.errors.take() == []


async def raw_event(world: World, packet: str) -> str:
    """Send one Socket.IO packet as text over a raw websocket; the first answer to it."""
    url = world.server.url + "/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive()  # engine.io open
        await ws.send_str("40" + json.dumps({"token": world.tokens["resident"]}))
        await ws.receive()  # namespace connected
        await ws.send_str(packet)
        while True:
            answer = await asyncio.wait_for(ws.receive_str(), 5)
            if answer.startswith("437"):
                return answer


@pytest.mark.parametrize("depth", [2_000, 50_000])
def test_an_event_nested_too_deeply_is_an_invalid_payload(world: World, depth: int) -> None:
    """Deeper than the JSON parser's recursion limit: engine.io once dropped the packet (no
    ack, RecursionError logged). python-socketio cannot even encode it, hence the raw packet."""
    answer = world.loop.run(raw_event(
        world, '427["room:history",' + "[" * depth + "]" * depth + "]"))
    ack = json.loads(answer[3:])[0]
    assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    assert world.errors.take() == []


@pytest.mark.parametrize("args", [(), ([],), (None,), ("x", 1)])
def test_an_event_named_star_is_unknown(world: World, args: tuple[Any, ...]) -> None:
    """The catch-all handler is registered under "*", and python-socketio called it for an
    event of that name without the name: once a TypeError (no ack) or an internal error."""
    client = world.socket("resident").sio
    data = args[0] if len(args) == 1 else args
    ack = world.loop.run(client.call("*", data, timeout=5) if args else
                         client.call("*", timeout=5))
    assert ack["ok"] is False and ack["error"]["code"] == "not_found", ack
    assert world.errors.take() == []
    ack = world.loop.run(client.call("room:history", {"room_id": "grid:nowhere"}, timeout=5))
    assert ack["error"]["code"] == "not_found", ack  # an ordinary event still works


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/rooms/{long}/messages"),
    ("POST", "/api/v1/notices/{long}/ack"),
])
def test_an_id_over_64_characters_in_the_path_is_invalid(world: World, method: str,
                                                          path: str) -> None:
    """Built into a payload model by the route: once a ValidationError, answered 500."""
    url = world.server.url + path.format(long="x" * 201)
    status, body = world.loop.run(http(method, url, world.tokens["resident"]))
    assert (status, body["error"]["code"]) == (400, "invalid"), body
    assert world.errors.take() == []


@pytest.mark.parametrize("packet", ['427[]', '427[[1],{}]', '427[{"a":1}]', '427{"a":1}', "427",
                                    '427[null]'])
def test_an_event_without_a_string_name_is_unknown(world: World, packet: str) -> None:
    """python-socketio took data[0] as the name unchecked: IndexError or TypeError, no ack."""
    answer = world.loop.run(raw_event(world, packet))
    ack = json.loads(answer[3:])[0]
    assert ack["ok"] is False and ack["error"]["code"] == "not_found", ack
    assert world.errors.take() == []


def test_an_unknown_event_is_not_echoed_back_whole(world: World) -> None:
    """The refusal names the event, cut short: a 60,000-character name once came back whole."""
    ack = ack_of(world, "x" * 60_000, {})
    assert ack["error"]["code"] == "not_found", ack
    assert len(ack["error"]["message"]) < 200, len(ack["error"]["message"])
