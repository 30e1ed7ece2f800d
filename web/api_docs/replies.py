"""The documented response bodies of the REST API: the serialisers' views as the event
catalogue (chat.wire_events) describes them, in the envelopes the routes reply with.

`REPLIES` names the bodies of every JSON route by (method, path) → {status: model}; `{}` for a
route that only ever answers with an error. Error replies of every route are `ErrorReply`
(docs/protocol.md, "Ack envelope and errors"). The admins' bot, webhook and directory replies
are in bot_replies, the operators' in operator_replies, Open311's and the documents' in
public_replies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chat.wire_events import (
    AckCounts,
    FlagView,
    IsoTime,
    MessageView,
    NamedRef,
    NoticeView,
    PollView,
    Shape,
    TicketView,
    UserView,
)
from web.api_docs import bot_replies as bots
from web.api_docs import operator_replies as ops
from web.api_docs import public_replies as public


class ErrorBody(Shape):
    model_config = ConfigDict(strict=True, extra="allow", frozen=True)  # plus the code's extras
    code: Literal["unauthorized", "forbidden", "not_found", "invalid", "too_large",
                  "rate_limited", "muted", "blocked_content", "conflict", "unavailable"]
    message: str = Field(description="中文 / English")


class ErrorReply(Shape):
    error: ErrorBody


class Done(Shape):
    ok: Literal[True]


class LoginReply(Shape):
    token: str
    user: UserView


class UserReply(Shape):
    user: UserView


class RoomEntry(Shape):
    id: str
    kind: Literal["grid", "community", "workers"]
    name: str
    community_id: str
    grid_id: str | None
    last_seq: int
    read_seq: int
    unread: int
    unread_mentions: int
    can_moderate: bool
    last_message: MessageView | None


class RoomsReply(Shape):
    rooms: list[RoomEntry]


class History(Shape):
    room_id: str
    messages: list[MessageView]
    has_more: bool


class Member(UserView):
    online: bool


class MembersReply(Shape):
    members: list[Member]


class MessageReply(Shape):
    message: MessageView


class TicketReply(Shape):
    ticket: TicketView


class SupportReply(Shape):
    """我也遇到 counted: how many residents besides the reporter meet the problem."""
    ticket_id: str
    also_affected: int
    supported: Literal[True]


class TicketPage(Shape):
    tickets: list[TicketView]
    total: int
    offset: int
    limit: int


class OwnNotice(NoticeView):
    """A notice with the viewer's own acknowledgement (and, alone, whether they manage it)."""

    acknowledged: bool | None = None
    acknowledged_at: IsoTime | None = None
    household_acknowledged: bool | None = None
    can_manage: bool | None = None


class NoticeReply(Shape):
    notice: OwnNotice


class NoticesReply(Shape):
    notices: list[OwnNotice]


class NoticeAck(Shape):
    notice_id: str
    acknowledged: bool
    acknowledged_at: IsoTime | None
    household_acknowledged: bool


class PollReply(Shape):
    poll: PollView


class PollsReply(Shape):
    polls: list[PollView]


class FlagWithMessage(FlagView):
    message: MessageView | None


class FlagReply(Shape):
    flag: FlagView


class FlagsReply(Shape):
    flags: list[FlagWithMessage]


class MuteReply(Shape):
    room_id: str
    user_id: str
    until: IsoTime
    reason: str


class RemovalReply(Shape):
    room_id: str
    user_id: str
    removed: bool


class UnitView(Shape):
    id: str
    kind: Literal["district", "street", "community", "grid"]
    name: str
    parent_id: str | None
    created_at: IsoTime


class UnitReply(Shape):
    unit: UnitView


class UnitsReply(Shape):
    units: list[UnitView]


class ResidentsReply(Shape):
    residents: list[UserView]


class JoinCodeView(Shape):
    code: str
    grid_id: str
    created_by: str
    created_at: IsoTime
    revoked_at: IsoTime | None


class JoinCodeReply(Shape):
    join_code: JoinCodeView


class JoinCodesReply(Shape):
    join_codes: list[JoinCodeView]


class HouseholdMember(Shape):
    id: str
    name: str
    acknowledged: bool
    acknowledged_at: IsoTime | None


class HouseholdAcks(Shape):
    """A household's acknowledgement; its key and flat only for who may see their details."""

    household: str | None
    label: str
    acknowledged: bool
    members: list[HouseholdMember]


class AckStatus(Shape):
    notice: NoticeView
    summary: AckCounts
    households: list[HouseholdAcks]


class Reminded(Shape):
    reminded_members: int
    reminded_households: int
    acks: AckCounts


class Assignee(Shape):
    id: str
    name: str
    role: str
    community_id: str | None
    grid_ids: list[str]
    unit_id: str | None


class AssigneesReply(Shape):
    assignees: list[Assignee]


class BlockedWords(Shape):
    community_id: str
    words: list[str]
    global_words: list[str]


class AuditEntryView(Shape):
    id: str
    community_id: str | None
    actor_id: str
    actor_name: str | None
    action: str
    target_type: str
    target_id: str
    reason: str
    details: dict[str, Any]
    at: IsoTime


class AuditCursor(Shape):
    before: IsoTime
    before_id: str


class AuditPage(Shape):
    entries: list[AuditEntryView]
    next: AuditCursor | None


class DecisionOption(Shape):
    id: str
    text: str
    votes: int


class Decision(Shape):
    """议事记录: a closed poll's frozen result."""

    poll_id: str
    room_id: str
    community_id: str
    question: str
    options: list[DecisionOption]
    multiple: bool
    anonymous: bool
    per_household: bool
    voters: int
    eligible: int
    turnout: float
    quorum_percent: int | None
    quorum_met: bool | None
    valid: bool
    winners: list[str]
    author: NamedRef
    created_at: IsoTime
    deadline: IsoTime
    closed_by: NamedRef | None
    closed_at: IsoTime


class DecisionsReply(Shape):
    decisions: list[Decision]


class Alive(Shape):
    status: Literal["alive"]


class Readiness(Shape):
    status: Literal["ready", "unavailable"]
    checks: dict[str, Any]


TRANSITIONS = ("confirm", "dismiss", "accept", "classify", "reject", "merge", "assign",
               "resolve", "rate", "escalate")

REPLIES: dict[tuple[str, str], dict[int, type[BaseModel]]] = {
    ("POST", "/api/v1/auth/login"): {200: LoginReply},
    ("POST", "/api/v1/auth/register"): {201: UserReply},
    ("POST", "/api/v1/auth/logout"): {200: Done},
    ("POST", "/api/v1/auth/password"): {200: Done},
    ("GET", "/api/v1/me"): {200: UserReply},
    ("GET", "/api/v1/me/rooms"): {200: RoomsReply},
    ("GET", "/api/v1/users/{user_id}"): {200: UserReply},
    ("GET", "/api/v1/units"): {200: UnitsReply},
    ("POST", "/api/v1/admin/units"): {201: UnitReply},
    ("POST", "/api/v1/admin/staff"): {201: UserReply},
    ("POST", "/api/v1/admin/grids/{grid_id}/join-codes"): {201: JoinCodeReply},
    ("GET", "/api/v1/admin/grids/{grid_id}/join-codes"): {200: JoinCodesReply},
    ("DELETE", "/api/v1/admin/join-codes/{code}"): {200: JoinCodeReply},
    ("GET", "/api/v1/admin/residents"): {200: ResidentsReply},
    ("POST", "/api/v1/admin/residents/{user_id}/verify"): {200: UserReply},
    ("POST", "/api/v1/admin/residents/{user_id}/remove"): {200: UserReply},
    ("PUT", "/api/v1/admin/residents/{user_id}/party-member"): {200: UserReply},
    ("GET", "/api/v1/rooms/{room_id}/messages"): {200: History},
    ("GET", "/api/v1/rooms/{room_id}/members"): {200: MembersReply},
    ("POST", "/api/v1/tickets"): {201: TicketReply},
    ("GET", "/api/v1/tickets"): {200: TicketPage},
    ("GET", "/api/v1/tickets/mine"): {200: TicketPage},
    ("GET", "/api/v1/tickets/{ticket_id}"): {200: TicketReply},
    **{("POST", f"/api/v1/tickets/{{ticket_id}}/{action}"): {200: TicketReply}
       for action in TRANSITIONS},
    ("POST", "/api/v1/tickets/{ticket_id}/share"): {201: MessageReply},
    ("POST", "/api/v1/tickets/{ticket_id}/support"): {200: SupportReply},
    ("POST", "/api/v1/rooms/{room_id}/mutes"): {200: MuteReply},
    ("POST", "/api/v1/rooms/{room_id}/removals"): {200: RemovalReply},
    ("DELETE", "/api/v1/rooms/{room_id}/removals/{user_id}"): {200: RemovalReply},
    ("POST", "/api/v1/messages/{message_id}/flag"): {201: FlagReply},
    ("GET", "/api/v1/moderation/flags"): {200: FlagsReply},
    ("POST", "/api/v1/moderation/flags/{flag_id}/handle"): {200: FlagReply},
    ("POST", "/api/v1/rooms/{room_id}/notices"): {201: NoticeReply},
    ("GET", "/api/v1/rooms/{room_id}/notices"): {200: NoticesReply},
    ("GET", "/api/v1/notices/{notice_id}"): {200: NoticeReply},
    ("POST", "/api/v1/notices/{notice_id}/ack"): {200: NoticeAck},
    ("POST", "/api/v1/notices/{notice_id}/unpin"): {200: NoticeReply},
    ("GET", "/api/v1/notices/{notice_id}/acks"): {200: AckStatus},
    ("POST", "/api/v1/notices/{notice_id}/remind"): {200: Reminded},
    ("GET", "/api/v1/tickets/{ticket_id}/assignees"): {200: AssigneesReply},
    ("GET", "/api/v1/admin/communities/{community_id}/blocked-words"): {200: BlockedWords},
    ("PUT", "/api/v1/admin/communities/{community_id}/blocked-words"): {200: BlockedWords},
    ("GET", "/api/v1/admin/audit"): {200: AuditPage},
    ("GET", "/api/v1/communities/{community_id}/decisions"): {200: DecisionsReply},
    ("POST", "/api/v1/rooms/{room_id}/polls"): {201: PollReply},
    ("GET", "/api/v1/rooms/{room_id}/polls"): {200: PollsReply},
    ("GET", "/api/v1/polls/{poll_id}"): {200: PollReply},
    ("POST", "/api/v1/polls/{poll_id}/votes"): {200: PollReply},
    ("POST", "/api/v1/polls/{poll_id}/close"): {200: PollReply},
    ("POST", "/api/v1/bot/messages"): {201: MessageReply},
    ("POST", "/api/v1/bot/notices"): {201: NoticeReply},
    ("POST", "/api/v1/bot/polls"): {201: PollReply},
    ("GET", "/api/v1/bot/polls/{poll_id}"): {200: PollReply},
    ("GET", "/healthz"): {200: Alive},
    ("GET", "/readyz"): {200: Readiness, 503: Readiness},
    ("POST", "/api/v1/admin/communities/{community_id}/bots"): {201: bots.BotCreated},
    ("GET", "/api/v1/admin/communities/{community_id}/bots"): {200: bots.BotsReply},
    ("PUT", "/api/v1/admin/bots/{bot_id}/rooms"): {200: bots.BotReply},
    ("POST", "/api/v1/admin/bots/{bot_id}/revoke"): {200: bots.Revoked},
    ("POST", "/api/v1/admin/bots/{bot_id}/tokens"): {201: bots.TokenRotated},
    ("POST", "/api/v1/admin/communities/{community_id}/webhooks"): {201: bots.WebhookCreated},
    ("GET", "/api/v1/admin/communities/{community_id}/webhooks"): {200: bots.WebhooksReply},
    ("DELETE", "/api/v1/admin/communities/{community_id}/webhooks/{webhook_id}"): {
        200: bots.WebhookReply},
    ("GET", "/api/v1/admin/webhooks/{webhook_id}/deliveries"): {200: bots.DeliveriesReply},
    ("GET", "/api/v1/communities/{community_id}/directory"): {200: bots.DirectoryReply},
    ("POST", "/api/v1/communities/{community_id}/directory"): {201: bots.EntryReply},
    ("PUT", "/api/v1/directory/{entry_id}"): {200: bots.EntryReply},
    ("DELETE", "/api/v1/directory/{entry_id}"): {200: bots.EntryDeleted},
    ("POST", "/api/v1/communities/{community_id}/directory/import"): {
        200: bots.DirectoryImported},
    ("POST", "/api/v1/admin/lexicon/reload"): {200: ops.LexiconReloaded},
    ("GET", "/api/v1/admin/detection"): {200: ops.DetectionStatus},
    ("POST", "/api/v1/admin/detection/retrain"): {200: ops.Retrained},
    ("POST", "/api/v1/admin/detection/restore"): {200: ops.DetectionStatus},
    ("GET", "/api/v1/stats/tickets"): {200: ops.TicketStatistics},
    ("GET", "/api/v1/admin/status"): {200: ops.StatusPage},
    ("GET", "/open311/v2/services.json"): {200: public.Open311Services},
    ("GET", "/open311/v2/requests.json"): {200: public.Open311Requests},
    ("GET", "/open311/v2/requests/{request_id}.json"): {200: public.Open311Requests},
    ("GET", "/open311/v2/{anything}"): {},  # 404 for anything else: Open311 is JSON only
    ("GET", "/api/v1/openapi.json"): {200: public.OpenAPIDocument},
    ("GET", "/api/v1/asyncapi.json"): {200: public.AsyncAPIDocument},
}
