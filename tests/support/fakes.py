"""Test doubles at boundaries we own: a clock the test moves, a fan-out that records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chat.wire_events import ServerEvent


class FakeClock:
    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 5, 1, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class RecordingFanout:
    """Our own Fanout interface, recording instead of talking to python-socketio."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    async def send(self, event: ServerEvent, room: str, skip_sid: str | None = None) -> None:
        self.sent.append((event.name, event.wire(), room))

    async def end_sessions(self, user_id: str, session_ids: list[str], reason: str) -> None:
        self.sent.append(("session:revoked", session_ids, user_id))

    async def leave_room(self, user_id: str, room: str) -> None:
        return None

    async def enter_rooms(self, user_id: str, rooms: list[str]) -> None:
        return None
