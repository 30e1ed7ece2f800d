"""The catalogue of server-to-client Socket.IO events: one model per event name.

Every emit goes through here (`Fanout.send(event, room)`): an event model knows its name
(`ServerEvent.name`) and turns itself into the payload on the wire (`ServerEvent.wire`). The
serialisers (`chat/wire.py`, `moderation/wire.py`, `bots/*/wire.py`) still build the views;
`ServerEvent.of(view)` checks a view against its event's shape, so a view that drifts from the
catalogue fails where it is emitted, and the tests, the AsyncAPI document
(`web/api_docs/asyncapi.py`) and the web client's listeners are all checked against this one
list (docs/protocol.md).

The models describe the JSON on the wire, so times are ISO 8601 strings (`chat.clock.iso`),
never `datetime`. They live in `chat`, the lowest layer that events are emitted from, so that
moderation and bots describe their events here too; the values of moderation's and bots' own
enumerations (ticket status, poll status) are plain strings here for the same reason."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chat.models import MessageKind, Role, UserStatus

RevokeReason = Literal["logout", "password_changed", "rejected", "removed", "expired"]
IsoTime = Annotated[str, StringConstraints(
    pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")]


class Shape(BaseModel):
    """A JSON object on the wire: strict types, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# ---- views shared by several events (and by REST responses) --------------------------------

class Sender(Shape):
    id: str
    name: str
    role: Role | Literal["bot"]


class MessageView(Shape):
    id: str
    room_id: str
    seq: int
    client_id: str
    sender: Sender
    kind: MessageKind
    text: str = Field(description="empty once deleted")
    reply_to: str | None
    mentions: list[str]
    mention_all: bool
    created_at: IsoTime
    edited_at: IsoTime | None
    deleted: bool
    deleted_by: str | None
    delete_reason: str | None
    ticket_id: str | None = Field(default=None,
                                  description="only on a line that shares a ticket (报事)")


class Address(Shape):
    building: str
    unit: str
    room: str


class UserView(Shape):
    """A user; the keys from `phone` on only in the full view (themself, or staff who may see
    their details)."""

    id: str
    name: str
    display_name: str
    role: Role
    party_member: bool
    community_id: str | None
    grid_ids: list[str]
    phone: str | None = None
    status: UserStatus | None = None
    address: Address | None = None
    unit_id: str | None = None
    household: str | None = None
    created_at: IsoTime | None = None


class Person(Shape):
    """Someone named in a ticket; `role` is None for a deleted account, "system" for linli."""

    id: str
    name: str
    role: str | None


class TicketStep(Shape):
    from_: str | None = Field(alias="from")
    to: str
    action: str
    by: Person | None
    at: IsoTime
    note: str
    level: str | None


class TicketView(Shape):
    """A ticket; the keys from `street_id` on only for staff (`reporter_contact` only over
    REST, to staff who may see the reporter's details)."""

    id: str
    number: int
    source: str
    source_label: str
    status: str
    status_label: str
    description: str
    category: str | None
    urgency: str
    level: str
    level_label: str
    location: str | None
    community_id: str
    grid_id: str | None
    room_id: str | None
    message_ids: list[str]
    reporter: Person | None
    assignee: Person | None
    created_at: IsoTime
    updated_at: IsoTime
    submitted_at: IsoTime | None
    due_at: IsoTime | None
    overdue: bool
    first_response_at: IsoTime | None
    resolved_at: IsoTime | None
    closed_at: IsoTime | None
    resolution: str | None
    reason: str | None
    rating: str | None
    rating_comment: str | None
    merged_into: str | None
    also_affected: int
    history: list[TicketStep]
    version: int
    street_id: str | None = None
    district_id: str | None = None
    created_by: Person | None = None
    detection: dict[str, Any] | None = None
    duplicate_of: str | None = None
    duplicate_number: int | None = None
    reporter_contact: dict[str, Any] | None = None


class NamedRef(Shape):
    id: str
    name: str


class PollOptionView(Shape):
    """`votes` only while results are visible, `voters` (display names) only in a named poll."""

    id: str
    text: str
    votes: int | None = None
    voters: list[str] | None = None


class PollView(Shape):
    """The room's view of a poll; over REST a member's own view adds `voted` and `my_choice`."""

    id: str
    room_id: str
    community_id: str
    question: str
    options: list[PollOptionView]
    multiple: bool
    max_choices: int
    anonymous: bool
    per_household: bool
    results: str
    allow_change: bool
    quorum_percent: int | None
    deadline: IsoTime
    created_at: IsoTime
    author: NamedRef
    status: str
    closed_at: IsoTime | None
    closed_by: NamedRef | None
    results_visible: bool
    voters: int
    eligible: int
    turnout: float
    quorum_met: bool | None
    winners: list[str]
    valid: bool | None
    voted: bool | None = None
    my_choice: list[str] | None = None


class NoticeView(Shape):
    id: str
    room_id: str
    community_id: str
    title: str
    body: str
    author: NamedRef
    requires_ack: bool
    status: str
    status_label: str
    publish_at: IsoTime
    published_at: IsoTime | None
    expires_at: IsoTime | None
    remind_after_hours: float | None
    reminded_at: IsoTime | None
    closed_at: IsoTime | None
    created_at: IsoTime
    updated_at: IsoTime


class AckCounts(Shape):
    """Acknowledgements of a notice: the counts kept on it, or (after a reminder, and over
    REST) a recount of the room's households with their totals."""

    acknowledged_households: int
    acknowledged_members: int
    households: int | None = None
    members: int | None = None


class FlagView(Shape):
    id: str
    message_id: str
    room_id: str
    by: str
    reason: str
    created_at: IsoTime
    handled_by: str | None
    handled_at: IsoTime | None
    outcome: Literal["deleted", "kept"] | None


# ---- the events ------------------------------------------------------------------------------

class ServerEvent(Shape):
    """A server-to-client event. Subclasses set `name` and `audience` (who receives it, for
    the docs)."""

    name: ClassVar[str]
    audience: ClassVar[str]

    @classmethod
    def of(cls, view: dict[str, Any]) -> Self:
        """The event carrying a view built by a serialiser (checked against the shape)."""
        return cls.model_validate(view)

    def wire(self) -> dict[str, Any]:
        """The payload as sent: keys the event was not given stay out, as the views have it."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class MessageNew(MessageView, ServerEvent):
    name = "message:new"
    audience = "the room, after the message is stored"
    repaired: bool | None = Field(
        default=None, description="true when a process hands it late after a Redis outage")


class MessageUpdated(MessageView, ServerEvent):
    name = "message:updated"
    audience = "the room, after an edit (and after a Redis outage, for edits missed)"


class MessageDeleted(ServerEvent):
    name = "message:deleted"
    audience = "the room, after a deletion"
    room_id: str
    message_id: str
    seq: int
    deleted_by: str | None
    reason: str | None


class Typing(ServerEvent):
    name = "typing"
    audience = "the room except the typing socket"
    room_id: str
    user_id: str
    name_: str = Field(alias="name")


class Presence(ServerEvent):
    name = "presence"
    audience = "the room, coalesced per presence_flush_seconds"
    room_id: str
    online: list[str]
    offline: list[str]


class AccountUpdated(ServerEvent):
    name = "account:updated"
    audience = "user:<id> of a newcomer when a worker verifies them"
    user: UserView


class SessionRevoked(ServerEvent):
    name = "session:revoked"
    audience = "session:<id> of each ended session; its sockets are then disconnected"
    reason: RevokeReason


class Moderation(ServerEvent):
    name = "moderation"
    audience = "user:<id> of the person muted, unmuted, removed or restored"
    action: Literal["muted", "unmuted", "removed", "restored"]
    room_id: str
    until: IsoTime | None = None
    reason: str | None = None


class FlagNew(FlagView, ServerEvent):
    name = "flag:new"
    audience = "the room's moderators, when a member flags (举报) a message"
    message: MessageView


class DraftNew(TicketView, ServerEvent):
    name = "draft:new"
    audience = "the staff rooms of the ticket's level, when detection files a draft"


class TicketUpdated(TicketView, ServerEvent):
    name = "ticket:updated"
    audience = "staff rooms on every change (staff view); user:<reporter> on every public change"


class NoticeNew(NoticeView, ServerEvent):
    name = "notice:new"
    audience = "the room, when a notice is published (now or at publish_at)"


class NoticeUpdated(ServerEvent):
    name = "notice:updated"
    audience = ("the room when unpinned or expired; the author and the room's staff for "
                "reminders and acknowledgement counts")
    change: str
    notice: NoticeView
    acks: AckCounts | None = None


class NoticeRemind(ServerEvent):
    name = "notice:remind"
    audience = "user:<id> of each member of a household that has not acknowledged"
    notice: NoticeView
    auto: bool


class NoticeHouseholdAck(ServerEvent):
    name = "notice:household_ack"
    audience = "user:<id> of the other members of a household when one of them acknowledges"
    notice_id: str
    room_id: str


class PollNew(PollView, ServerEvent):
    name = "poll:new"
    audience = "the room, when a poll opens"


class PollUpdated(PollView, ServerEvent):
    name = "poll:updated"
    audience = "the room, after each vote and on closing"


class BotBroadcast(ServerEvent):
    name = "bot:broadcast"
    audience = "the room; from a process outside linli through Redis (bots/emitter.py)"
    room_id: str
    bot: NamedRef
    text: str
    at: IsoTime


CATALOGUE: dict[str, type[ServerEvent]] = {e.name: e for e in (
    MessageNew, MessageUpdated, MessageDeleted, Typing, Presence, AccountUpdated,
    SessionRevoked, Moderation, FlagNew, DraftNew, TicketUpdated, NoticeNew, NoticeUpdated,
    NoticeRemind, NoticeHouseholdAck, PollNew, PollUpdated, BotBroadcast)}
