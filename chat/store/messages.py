"""The store interface of messages (composed into chat.store.base.ChatStore): appending with
gapless seqs, reading, edits and deletions, read markers, unread mentions and mutes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from chat.models import Message, Mute, NewMessage


class MessageStore(ABC):
    # ---- messages -------------------------------------------------------------------------
    @abstractmethod
    async def append_message(self, new: NewMessage) -> tuple[Message, bool]:
        """Store with the room's next gapless `seq`. If (room, sender, client_id) exists,
        return the stored message and False instead of writing a duplicate."""

    @abstractmethod
    async def get_message(self, message_id: str) -> Message | None: ...

    @abstractmethod
    async def history(self, room_id: str, before_seq: int | None, limit: int) -> list[Message]:
        """Up to `limit` messages with seq < before_seq (newest page if None), ascending."""

    @abstractmethod
    async def messages_after(self, room_id: str, after_seq: int, limit: int) -> list[Message]:
        """Up to `limit` messages with seq > after_seq, ascending."""

    @abstractmethod
    async def changed_since(
        self, room_id: str, up_to_seq: int, since: datetime, limit: int
    ) -> list[Message]:
        """Messages with seq <= up_to_seq edited or deleted after `since`, ascending."""

    @abstractmethod
    async def update_message(self, message_id: str, changes: Mapping[str, Any]) -> Message: ...

    @abstractmethod
    async def last_seqs(self, room_ids: Sequence[str]) -> dict[str, int]:
        """Highest seq per room (0 for rooms without messages)."""

    # ---- read markers and mutes -------------------------------------------------------------
    @abstractmethod
    async def mark_read(self, user_id: str, room_id: str, seq: int) -> int:
        """Move the marker forward only; return the marker now stored."""

    @abstractmethod
    async def read_markers(self, user_id: str) -> dict[str, int]: ...

    @abstractmethod
    async def unread_mentions(self, user_id: str, after: Mapping[str, int]) -> dict[str, int]:
        """Per room of `after` (room id → read marker): messages past the marker that name
        `user_id` in `mentions` or have `mention_all`, not sent by them and not deleted."""

    @abstractmethod
    async def set_mute(self, mute: Mute) -> None: ...

    @abstractmethod
    async def get_mute(self, room_id: str, user_id: str) -> Mute | None: ...

