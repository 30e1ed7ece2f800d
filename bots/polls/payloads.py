"""Inbound payloads for polls."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from chat.payloads import Id, Payload

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Choice = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class NewPoll(Payload):
    room_id: Id
    question: Question
    options: Annotated[list[Choice], Field(min_length=2, max_length=20)]
    multiple: bool = False
    max_choices: Annotated[int, Field(ge=1, le=20)] | None = None
    anonymous: bool = False
    per_household: bool = Field(default=False, description="one vote per household (户)")
    deadline: AwareDatetime
    results: Literal["live", "after_close"] = "live"
    allow_change: bool = True
    quorum_percent: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="turnout needed for the result to count")


class RoomPollBody(NewPoll):
    """The body of POST /api/v1/rooms/{room_id}/polls: the room comes from the path."""

    room_id: Id | None = None  # type: ignore[assignment]

    def for_room(self, room_id: str) -> NewPoll:
        return NewPoll.model_validate(self.model_dump() | {"room_id": room_id})


class Vote(Payload):
    poll_id: Id
    option_ids: Annotated[list[Id], Field(min_length=1, max_length=20)]


class CastVote(Payload):
    """The body of POST /api/v1/polls/{id}/votes (the poll id is in the path)."""

    option_ids: Annotated[list[Id], Field(min_length=1, max_length=20)]
