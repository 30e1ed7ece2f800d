"""Inputs the fuzzers found that once broke the server, each replayed on its own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fuzz.world import World


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
