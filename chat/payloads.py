"""Inbound payloads: strict, frozen, no extra keys (docs/architecture.md#conventions,
docs/protocol.md). One model per client event."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")]
Reason = Annotated[str, StringConstraints(max_length=200)]


class Payload(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


class SendMessage(Payload):
    room_id: Id
    text: str
    client_id: ClientId
    reply_to: Id | None = None


class EditMessage(Payload):
    message_id: Id
    text: str


class DeleteMessage(Payload):
    message_id: Id
    reason: Reason | None = None


class RoomHistory(Payload):
    room_id: Id
    before_seq: Annotated[int, Field(ge=1)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 50


class RoomSync(Payload):
    cursors: Annotated[dict[Id, Annotated[int, Field(ge=0)]], Field(max_length=500)]
    since: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="server_time (ms) of the previous sync: also return edits "
        "and deletions of older messages made after it",
    )


class RoomRead(Payload):
    room_id: Id
    seq: Annotated[int, Field(ge=0)]


class Typing(Payload):
    room_id: Id


Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9]\d{9}$")]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
AddressPart = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
IdCard = Annotated[str, StringConstraints(pattern=r"^\d{17}[\dXx]$")]


class Login(Payload):
    phone: Phone
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Register(Payload):
    join_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4,
                                                max_length=16)]
    name: PersonName
    phone: Phone
    password: Password
    building: AddressPart
    unit: AddressPart = ""
    room: AddressPart
    kind: Annotated[str, StringConstraints(pattern="^(resident|enterprise)$")] = "resident"
    id_card: IdCard | None = None


class ChangePassword(Payload):
    old_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Password


class CreateStaff(Payload):
    role: Annotated[str, StringConstraints(
        pattern="^(worker|admin|street_officer|district_officer)$")]
    name: PersonName
    phone: Phone
    password: Password
    unit_id: Id
    grid_ids: Annotated[list[Id], Field(max_length=50)] = Field(default_factory=list)


class Verify(Payload):
    approve: bool
    reason: Reason = ""


class CreateUnit(Payload):
    kind: Annotated[str, StringConstraints(pattern="^(district|street|community|grid)$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    parent_id: Id | None = None


class SetPartyMember(Payload):
    party_member: bool


class RemoveResident(Payload):
    reason: Reason = ""


class MuteMember(Payload):
    user_id: Id
    until: AwareDatetime
    reason: Reason = ""
