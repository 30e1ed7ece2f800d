"""The Socket.IO edge: authenticate on connect, then parse → one action → ack envelope.

Ack envelope: {"ok": true, "data": ...} or {"ok": false, "error": {"code", "message", ...}}."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import socketio
from pydantic import BaseModel, ValidationError

from chat import log_context
from chat.actions import messages
from chat.actions.accounts import active_user, authenticate
from chat.actions.rooms import member_room_ids
from chat.errors import DomainError, Invalid, NotFound, TooLarge, Unauthorized, Unavailable
from chat.metrics import ACK_SECONDS, SOCKET_EVENTS
from chat.models import User
from chat.payloads import (
    DeleteMessage,
    EditMessage,
    RoomHistory,
    RoomRead,
    RoomSync,
    SendMessage,
    Typing,
)
from chat.realtime.presence import PresenceBatcher
from chat.room_ids import session_room_id, staff_event_rooms, user_room_id
from chat.services import Services
from chat.validation import invalid_from
from chat.wire import history_view, message_view, read_marker_view, sync_view

log = logging.getLogger(__name__)

Action = Callable[[Services, User, Any, str], Awaitable[Any]]
R = TypeVar("R")


def _events() -> dict[str, tuple[type[BaseModel], Action]]:
    return {
        "message:send": (SendMessage, lambda s, u, p, sid: _wire(
            message_view, messages.send_message(s, u, p))),
        "message:edit": (EditMessage, lambda s, u, p, sid: _wire(
            message_view, messages.edit_message(s, u, p))),
        "message:delete": (DeleteMessage, lambda s, u, p, sid: _wire(
            message_view, messages.delete_message(s, u, p))),
        "room:history": (RoomHistory, lambda s, u, p, sid: _wire(
            history_view, messages.room_history(s, u, p))),
        "room:sync": (RoomSync, lambda s, u, p, sid: _wire(
            sync_view, messages.room_sync(s, u, p))),
        "room:read": (RoomRead, lambda s, u, p, sid: _wire(
            read_marker_view, messages.mark_read(s, u, p.room_id, p.seq))),
        "typing": (Typing, lambda s, u, p, sid: messages.typing(s, u, p.room_id, sid)),
    }


async def _wire(view: Callable[[R], Any], answer: Awaitable[R]) -> Any:
    """The action's record in the form the ack carries."""
    return view(await answer)


def ok(data: Any) -> dict[str, Any]:
    return {"ok": True, "data": data}


def error(exc: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": exc.to_dict()}


class ChatNamespace:
    def __init__(self, sio: socketio.AsyncServer, services: Services, presence: PresenceBatcher,
                 extra_events: Mapping[str, tuple[type[BaseModel], Action]] | None = None
                 ) -> None:
        self._sio = sio
        self._services = services
        self._presence = presence
        self._events = _events() | dict(extra_events or {})
        self._ending: set[asyncio.Task[None]] = set()
        self._expiry: dict[str, tuple[str, str, datetime]] = {}  # sid → user, session, expiry
        sio.on("connect", self.connect)
        sio.on("disconnect", self.disconnect)
        sio.on("*", self._any_event)

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        with log_context.bound(request=log_context.new_request_id(), event_name="connect"):
            await self._connect(sid, auth)

    async def _connect(self, sid: str, auth: Any) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            user, session = await authenticate(self._services, token)
            rooms = await member_room_ids(self._services, user)
            first = await self._services.registry.add(sid, user.id, session.id)
        except (Unauthorized, Unavailable) as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.code, exc.to_dict()) from exc
        await self._sio.save_session(sid, {"user_id": user.id, "session_id": session.id})
        self._expiry[sid] = (user.id, session.id, session.expires_at)
        own = (user_room_id(user.id), session_room_id(session.id), *staff_event_rooms(user))
        for room in (*rooms, *own):
            await self._sio.enter_room(sid, room)
        if first:
            self._presence.changed(user.id, rooms, online=True)
        log.debug("socket %s connected as %s in %d rooms", sid, user.id, len(rooms))

    async def disconnect(self, sid: str, reason: Any = None) -> None:
        self._expiry.pop(sid, None)
        state = await self._sio.get_session(sid)
        user_id = state.get("user_id")
        if user_id is None:
            return
        rooms = [r for r in self._sio.rooms(sid) if r.split(":", 1)[0] in
                 ("grid", "community", "workers")]
        try:
            if await self._services.registry.remove(sid, user_id):
                self._presence.changed(user_id, rooms, online=False)
        except Unavailable:
            log.warning("could not record that %s went offline", user_id)

    async def _any_event(self, *args: Any) -> dict[str, Any]:
        """python-socketio calls the catch-all handler with (event, sid, *data), but for an
        event named "*" with (sid, *data): the handler is registered under that name."""
        if args and isinstance(args[0], str) and self._sio.manager.is_connected(args[0], "/"):
            return error(NotFound("未知事件 / unknown event '*'"))
        return await self.dispatch(*args)

    async def dispatch(self, event: str, sid: str, *args: Any) -> dict[str, Any]:
        """Every event gets a request id of its own for the log lines it causes, and is
        counted and timed under its name (unknown names under "unknown")."""
        name = event if event in self._events else "unknown"
        room_id = args[0].get("room_id") if len(args) == 1 and isinstance(args[0], dict) \
            else None
        started = time.perf_counter()
        with log_context.bound(request=log_context.new_request_id(), event_name=name,
                               room_id=room_id if isinstance(room_id, str) else None):
            answer = await self._answer(event, sid, args)
        ACK_SECONDS.labels(name).observe(time.perf_counter() - started)
        SOCKET_EVENTS.labels(name, "ok" if answer["ok"] else answer["error"]["code"]).inc()
        return answer

    async def _answer(self, event: str, sid: str, args: tuple[Any, ...]) -> dict[str, Any]:
        try:
            return ok(await self._handle(event, sid, args))
        except DomainError as exc:
            return error(exc)
        except Exception:
            log.exception("event %s from %s failed", event, sid)
            return error(Unavailable("internal error; try again / 服务器内部错误，请重试"))

    async def _handle(self, event: str, sid: str, args: tuple[Any, ...]) -> Any:
        await self._check_session(sid)
        entry = self._events.get(event)
        if entry is None:
            raise NotFound(f"unknown event {event[:64]!r} / 未知事件")
        if len(args) != 1:
            raise Invalid("an event carries exactly one payload object / 参数格式错误")
        self._check_size(args[0])
        model, action = entry
        try:
            payload = model.model_validate(args[0])
        except ValidationError as exc:
            raise invalid_from(exc) from exc
        user = await self._current_user(sid)
        return await action(self._services, user, payload, sid)

    def _check_size(self, data: Any) -> None:
        try:
            size = len(json.dumps(data, ensure_ascii=False).encode())
        except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800"): not storable text
            raise Invalid("文本含有无效字符 / text must be valid Unicode") from exc
        limit = self._services.settings.max_payload_bytes
        if size > limit:
            raise TooLarge(f"payload of {size} bytes exceeds {limit} / 数据过大")

    async def _check_session(self, sid: str) -> None:
        """A session that expired while its socket stayed open: refuse the event, then tell
        the session's sockets and disconnect them (after this event's ack has gone out)."""
        known = self._expiry.get(sid)
        if known is None or known[2] > self._services.clock.now():
            return
        ending = asyncio.create_task(self._end_expired(known[0], known[1]))
        self._ending.add(ending)
        ending.add_done_callback(self._ending.discard)
        raise Unauthorized("登录已过期，请重新登录 / session expired, please log in again")

    async def end_expired(self) -> None:
        """A periodic job: end the sessions that expired while their sockets here sat idle
        (still receiving the rooms' messages)."""
        now = self._services.clock.now()
        due = {(user_id, session_id) for user_id, session_id, at in self._expiry.values()
               if at <= now}
        for user_id, session_id in due:
            await self._end_expired(user_id, session_id)

    async def _end_expired(self, user_id: str, session_id: str) -> None:
        try:
            await self._services.fanout.end_sessions(user_id, [session_id], "expired")
        except Exception:
            log.exception("could not end expired session %s of %s", session_id, user_id)

    async def _current_user(self, sid: str) -> User:
        state = await self._sio.get_session(sid)
        log_context.user_id.set(state["user_id"])  # for this event's task only
        return await active_user(self._services, state["user_id"])
