"""Notice records: the notice itself and one acknowledgement per person."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from chat.models import Record

NoticeStatus = Literal["scheduled", "pinned", "unpinned", "expired", "cancelled"]
STATUS_LABELS: dict[NoticeStatus, str] = {
    "scheduled": "待发布", "pinned": "置顶中", "unpinned": "已取消置顶", "expired": "已过期",
    "cancelled": "已撤回"}
PUBLIC: frozenset[NoticeStatus] = frozenset({"pinned", "unpinned", "expired"})
"""Statuses of notices that went out; the others only their author and the room's staff see."""


class Notice(Record):
    id: str
    room_id: str
    community_id: str
    author_id: str
    """A user id, or `bot:<name>` for a bot's notice."""
    author_name: str
    title: str
    body: str
    requires_ack: bool = False
    status: NoticeStatus
    publish_at: datetime
    """When it goes (or went) out: the moment it was posted, unless scheduled for later."""
    published_at: datetime | None = None
    expires_at: datetime | None = None
    remind_after_hours: float | None = None
    reminded_at: datetime | None = None
    """When the automatic reminder went out (it goes once)."""
    closed_by: str | None = None
    closed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1
    """Each save must carry the stored version + 1 (compare-and-swap between processes)."""
    acked_members: int = 0
    acked_households: int = 0
    """Acknowledgements so far, counted by the store with each new one (`add_ack`); a save
    leaves them as stored. People who left the room stay counted; GET /acks recounts."""

    @property
    def remind_at(self) -> datetime | None:
        if not self.requires_ack or self.remind_after_hours is None \
                or self.published_at is None or self.reminded_at is not None:
            return None
        return self.published_at + timedelta(hours=self.remind_after_hours)

    @property
    def due_at(self) -> datetime | None:
        """The next moment the sweep has something to do: publish, expire or remind."""
        if self.status == "scheduled":
            return self.publish_at
        if self.status != "pinned":
            return None
        moments = [m for m in (self.expires_at, self.remind_at) if m is not None]
        return min(moments, default=None)


class NoticeAck(Record):
    notice_id: str
    user_id: str
    household: str | None
    at: datetime
