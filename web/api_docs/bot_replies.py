"""The documented replies of the community admins' bot, webhook and service directory (办事指南)
routes: bots.accounts.views, bots.webhooks.views and bots.directory.views as JSON sees them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bots.directory.models import Category
from bots.webhooks.models import DeliveryStatus, WebhookEvent
from chat.wire_events import IsoTime, Shape


class BotView(Shape):
    id: str
    name: str
    role: Literal["bot"]
    community_id: str | None
    rooms: list[str]
    created_at: IsoTime


class BotCreated(Shape):
    """The bot and its token, shown only here."""

    bot: BotView
    token: str


class BotReply(Shape):
    bot: BotView


class BotsReply(Shape):
    bots: list[BotView]


class Revoked(Shape):
    revoked: int = Field(description="tokens revoked")


class TokenRotated(Shape):
    """The new token, shown only here, and how many live tokens it replaced."""

    token: str
    revoked: int


class WebhookView(Shape):
    id: str
    community_id: str
    url: str
    events: list[WebhookEvent]
    room_ids: list[str]
    active: bool
    created_by: str
    created_at: IsoTime
    deleted_at: IsoTime | None


class NewWebhook(WebhookView):
    secret: str = Field(description="the signing secret, shown only when created")


class WebhookCreated(Shape):
    """The webhook with its signing secret, shown only here."""

    webhook: NewWebhook


class WebhookReply(Shape):
    webhook: WebhookView


class WebhooksReply(Shape):
    webhooks: list[WebhookView]


class DeliveryView(Shape):
    id: str
    webhook_id: str
    event: WebhookEvent
    event_id: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: IsoTime
    delivered_at: IsoTime | None


class DeliveriesReply(Shape):
    deliveries: list[DeliveryView]


class EntryView(Shape):
    id: str
    community_id: str
    category: Category
    name: str
    description: str
    address: str
    hours: str
    phone: str
    keywords: list[str]
    created_at: IsoTime
    updated_at: IsoTime
    updated_by: str


class EntryMatch(EntryView):
    score: float = Field(description="how well the entry answers the query `q`")


class DirectoryReply(Shape):
    """Every entry by category, or with `q` the best answers (each with its score)."""

    community_id: str
    categories: list[Category]
    entries: list[EntryView] | list[EntryMatch]


class EntryReply(Shape):
    entry: EntryView


class EntryDeleted(Shape):
    deleted: EntryView


class RejectedRow(Shape):
    line: int
    reason: str


class DirectoryImported(Shape):
    """Entries created and updated (by name), and the rejected rows with their line."""

    community_id: str
    created: int
    updated: int
    rejected: list[RejectedRow]
