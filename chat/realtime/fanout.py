"""Fan-out: how actions reach connected clients, after their write has succeeded.

The Socket.IO server's client manager decides where an emit goes (this process only, or
every process through Redis); actions only see this small interface."""

from __future__ import annotations

import logging
from typing import Protocol

import socketio

from chat.realtime.registry import SocketRegistry
from chat.room_ids import session_room_id
from chat.wire_events import RevokeReason, ServerEvent, SessionRevoked

log = logging.getLogger(__name__)


class Fanout(Protocol):
    async def send(self, event: ServerEvent, room: str, skip_sid: str | None = None) -> None:
        """Send an event of the catalogue (`chat.wire_events`) to a Socket.IO room."""

    async def end_sessions(self, user_id: str, session_ids: list[str],
                           reason: RevokeReason) -> None:
        """Tell the sessions' sockets `session:revoked`, then disconnect them everywhere."""

    async def leave_room(self, user_id: str, room: str) -> None:
        """Take every socket of the user out of `room`, in every process."""

    async def enter_rooms(self, user_id: str, rooms: list[str]) -> None:
        """Put every socket of the user into `rooms` (after verification, say)."""


class SocketIOFanout:
    def __init__(self, sio: socketio.AsyncServer, registry: SocketRegistry) -> None:
        self._sio = sio
        self._registry = registry

    async def send(self, event: ServerEvent, room: str, skip_sid: str | None = None) -> None:
        await self._sio.emit(event.name, event.wire(), room=room, skip_sid=skip_sid)

    async def end_sessions(self, user_id: str, session_ids: list[str],
                           reason: RevokeReason) -> None:
        if not session_ids:
            return
        for session_id in session_ids:
            await self.send(SessionRevoked(reason=reason), session_room_id(session_id))
        for sid in await self._registry.sids(user_id, set(session_ids)):
            await self._sio.disconnect(sid)
        log.info("ended %d session(s) of user %s: %s", len(session_ids), user_id, reason)

    async def leave_room(self, user_id: str, room: str) -> None:
        for sid in await self._registry.sids(user_id):
            await self._sio.leave_room(sid, room)

    async def enter_rooms(self, user_id: str, rooms: list[str]) -> None:
        for sid in await self._registry.sids(user_id):
            for room in rooms:
                await self._sio.enter_room(sid, room)


class NoClientsFanout:
    """For a process that serves no sockets and has no Redis (the CLI on the embedded
    default): no client can be connected to it, so there is nobody to tell."""

    async def send(self, event: ServerEvent, room: str, skip_sid: str | None = None) -> None:
        log.debug("no clients in this process; %s to %s not sent", event.name, room)

    async def end_sessions(self, user_id: str, session_ids: list[str],
                           reason: RevokeReason) -> None:
        log.debug("no clients in this process; sessions of %s revoked in the store", user_id)

    async def leave_room(self, user_id: str, room: str) -> None:
        return None

    async def enter_rooms(self, user_id: str, rooms: list[str]) -> None:
        return None
