"""After a deaf spell, hand this process's sockets what was broadcast while it was deaf.

For each chat room its sockets are in, the process knows which seqs it delivered (the
ledger); the rest since the gap comes from the store and goes to its local sockets only.
Edits and deletions made while it was deaf follow as `message:updated` / `message:deleted`.
Clients keep messages by seq, so a message they also got elsewhere appears once; a repaired
`message:new` carries `"repaired": true` (it came late, not live)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import get_args

from chat.models import Message, RoomKind
from chat.realtime.ledger import DeliveryLedger
from chat.store.base import ChatStore
from chat.wire import message_view
from chat.wire_events import MessageDeleted, MessageNew, MessageUpdated, ServerEvent

log = logging.getLogger(__name__)
PAGE = 200
# A loss is noticed a moment after it happens: messages this much older count as missed too.
DETECTION_SLACK = timedelta(seconds=5)
ANY_SEQ = 2**62
CHAT_ROOM_KINDS = frozenset(get_args(RoomKind))

Deliver = Callable[[ServerEvent, str], Awaitable[bool]]


def is_chat_room(room_id: str) -> bool:
    return room_id.split(":", 1)[0] in CHAT_ROOM_KINDS


class GapRepair:
    def __init__(self, store: ChatStore, ledger: DeliveryLedger,
                 local_rooms: Callable[[], list[str]], deliver: Deliver) -> None:
        self._store = store
        self._ledger = ledger
        self._local_rooms = local_rooms
        self._deliver = deliver

    async def __call__(self, lost_at: datetime) -> None:
        since = lost_at - DETECTION_SLACK
        rooms = [r for r in self._local_rooms() if is_chat_room(r)]
        new = changed = 0
        for room_id in rooms:
            new += await self._new_messages(room_id, since)
            changed += await self._changes(room_id, since)
        log.info("fan-out repair: %d missed message(s) and %d change(s) delivered in %d "
                 "room(s)", new, changed, len(rooms))

    async def _new_messages(self, room_id: str, since: datetime) -> int:
        if not self._ledger.knows(room_id):
            # Nothing broadcast here reached this process since it started: whatever was
            # written since the loss is missed.
            recent = await self._store.history(room_id, None, PAGE)
            return await self._deliver_new([m for m in recent if m.created_at >= since])
        delivered = 0
        after = self._ledger.settled_through(room_id)
        while True:
            page = await self._store.messages_after(room_id, after, PAGE)
            delivered += await self._deliver_new(page)
            if len(page) < PAGE:
                return delivered
            after = page[-1].seq

    async def _deliver_new(self, messages: list[Message]) -> int:
        sent = 0
        for m in messages:
            if await self._deliver(MessageNew.of({**message_view(m), "repaired": True}),
                                   m.room_id):
                sent += 1
        return sent

    async def _changes(self, room_id: str, since: datetime) -> int:
        changed = await self._store.changed_since(room_id, ANY_SEQ, since, PAGE)
        count = 0
        for m in changed:
            if m.deleted_at is not None:
                event = MessageDeleted(room_id=m.room_id, message_id=m.id, seq=m.seq,
                                       deleted_by=m.deleted_by, reason=m.delete_reason)
                count += await self._deliver(event, m.room_id)
            elif m.edited_at is not None:
                count += await self._deliver(MessageUpdated.of(message_view(m)), m.room_id)
        return count
