"""Every Socket.IO event of the chat namespace, fuzzed through real python-socketio clients
(a resident, a grid worker, an admin): hostile payloads, shaped payloads with real ids, the
wrong number of arguments, unknown events. Every ack is a success or an error that is not
internal, nothing is logged as an error, the server stays up, and a refused event leaves
every table of the store as it was."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import socketio
from hypothesis import assume, given
from hypothesis import event as tally
from hypothesis import strategies as st

from tests.fuzz import strategies as fz
from tests.fuzz.routes import EVENTS
from tests.fuzz.world import World

KNOWN_CODES = {"unauthorized", "forbidden", "not_found", "invalid", "too_large", "rate_limited",
               "muted", "blocked_content", "conflict"}
SOCKET_ACTORS = ("resident", "worker", "admin")
UNKNOWN_EVENT = "(an unknown event)"
TIMEOUT = 120 if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci" else 3600
NAMES = [*sorted(EVENTS), UNKNOWN_EVENT]


def arguments(payload: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    """Mostly one payload (as the protocol wants), sometimes none or two."""
    return st.one_of(payload.map(lambda p: (p,)), payload.map(lambda p: (p,)),
                     st.just(()), st.tuples(payload, fz.json_values))


def test_every_event_is_fuzzed() -> None:
    assert {"message:send", "room:sync", "poll:vote", "notice:ack"} <= set(EVENTS)


def check_ack(ack: Any) -> bool:
    """Whether the ack refused the event; fails the test on an internal error."""
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if ack["ok"]:
        return False
    error = ack["error"]
    assert error["code"] in KNOWN_CODES, ack
    assert "internal" not in error["message"], ack
    return True


async def emit(client: socketio.AsyncClient, event: str, args: tuple[Any, ...]) -> Any:
    data = args[0] if len(args) == 1 else args
    if not args:
        return await client.call(event, timeout=5)
    return await client.call(event, data, timeout=5)


@pytest.mark.timeout(TIMEOUT)
@pytest.mark.parametrize("event", NAMES)
@given(data=st.data())
def test_event(world: World, event: str, data: st.DataObject) -> None:
    actor = data.draw(st.sampled_from(SOCKET_ACTORS), label="actor")
    if event == UNKNOWN_EVENT:
        name = data.draw(st.one_of(fz.texts.filter(lambda t: t not in EVENTS and t not in (
            "connect", "disconnect", "message")), st.sampled_from(["", "*", "__proto__"])),
            label="event")
        args = data.draw(arguments(fz.json_values), label="args")
    else:
        name = event
        args = data.draw(arguments(fz.payloads(EVENTS[event], world.pools)), label="args")
    # Beyond 4× max_payload_bytes engine.io drops the connection by design (web/app.py).
    assume(len(json.dumps([name, *args])) < world.server.settings.max_payload_bytes * 3)
    client = world.socket(actor)
    before = world.digest()
    ack = world.loop.run(emit(client.sio, name, args), timeout=30)
    tally(f"{actor}: " + ("ok" if isinstance(ack, dict) and ack.get("ok") else
                          str(ack.get("error", {}).get("code") if isinstance(ack, dict) else ack)))
    if check_ack(ack):
        assert world.digest() == before, f"refused yet changed the store: {ack}"
    else:
        world.settled_digest()
    assert world.errors.take() == []
    assert client.sio.connected
    assert world.alive() == 200
