"""What the work under way is about, for every log line it causes: the request or Socket.IO
event id, the user, the room and the event name. Set at the edges (an HTTP middleware, the
Socket.IO namespace); tasks started by that work inherit a copy (contextvars), so follow-on
work logs the same request id."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("linli_request_id", default=None)
user_id: ContextVar[str | None] = ContextVar("linli_user_id", default=None)
room: ContextVar[str | None] = ContextVar("linli_room", default=None)
event: ContextVar[str | None] = ContextVar("linli_event", default=None)

SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(given: str | None) -> str:
    """An incoming X-Request-ID when it is short and plain, else a new one."""
    if given is not None and SANE_ID.fullmatch(given):
        return given
    return new_request_id()


@contextmanager
def bound(*, request: str | None = None, user: str | None = None, room_id: str | None = None,
          event_name: str | None = None) -> Iterator[None]:
    """Set the given fields for the block, restoring the previous values after it."""
    tokens = [(var, var.set(value)) for var, value in
              ((request_id, request), (user_id, user), (room, room_id), (event, event_name))
              if value is not None]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def snapshot() -> dict[str, str | None]:
    return {"request_id": request_id.get(), "user_id": user_id.get(), "room": room.get(),
            "event": event.get()}
