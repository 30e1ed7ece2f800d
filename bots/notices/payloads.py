"""Inbound payloads for notices."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from chat.payloads import Id, Payload

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class NewNotice(Payload):
    room_id: Id
    title: Title
    body: Body
    requires_ack: bool = False
    publish_at: AwareDatetime | None = Field(default=None, description="schedule for later")
    expires_at: AwareDatetime | None = Field(default=None, description="unpinned after this")
    remind_after_hours: Annotated[float, Field(gt=0, le=720)] | None = Field(
        default=None, description="remind those who have not acknowledged after this long")


class AckNotice(Payload):
    notice_id: Id


class RoomNoticeBody(NewNotice):
    """The body of POST /api/v1/rooms/{room_id}/notices: the room comes from the path."""

    room_id: Id | None = None  # type: ignore[assignment]

    def for_room(self, room_id: str) -> NewNotice:
        return NewNotice.model_validate(self.model_dump() | {"room_id": room_id})
