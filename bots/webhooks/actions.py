"""Webhooks, managed by community admins: create (the secret is returned once), list,
delete (deactivates; the delivery log stays), read the delivery log."""

from __future__ import annotations

import secrets

from bots.accounts.access import community_rooms, require_admin
from bots.store import bots_store
from bots.webhooks.events import WebhooksChanged
from bots.webhooks.models import Delivery, Webhook
from bots.webhooks.payloads import CreateWebhook
from bots.webhooks.targets import canonical_url
from chat import audit
from chat.audit import AuditAction
from chat.errors import Invalid, NotFound
from chat.ids import new_id
from chat.models import User
from chat.services import Services


async def create_webhook(services: Services, actor: User, community_id: str,
                         form: CreateWebhook) -> Webhook:
    require_admin(actor, community_id)
    url = canonical_url(form.url)
    events = tuple(dict.fromkeys(form.events))
    if "message.created" in events and not form.room_ids:
        raise Invalid("message.created needs the rooms to send / 订阅消息须指定群聊")
    rooms = await community_rooms(services, community_id, form.room_ids)
    webhook = Webhook(id=new_id("wh"), community_id=community_id, url=url,
                      secret="whsec_" + secrets.token_urlsafe(32), events=events,
                      room_ids=rooms, created_by=actor.id, created_at=services.clock.now())
    await bots_store(services).add_webhook(webhook)
    services.events.publish(WebhooksChanged(community_id))
    await audit.record(services, actor, AuditAction.WEBHOOK_CREATE, "webhook", webhook.id,
                       community_id, url=webhook.url, events=list(events), rooms=list(rooms))
    return webhook


async def list_webhooks(services: Services, actor: User, community_id: str) -> list[Webhook]:
    require_admin(actor, community_id)
    return await bots_store(services).list_webhooks(community_id)


async def _own_webhook(services: Services, actor: User, webhook_id: str,
                       community_id: str | None = None) -> Webhook:
    webhook = await bots_store(services).get_webhook(webhook_id)
    if webhook is None or community_id not in (None, webhook.community_id):
        raise NotFound("no such webhook / 回调不存在")
    require_admin(actor, webhook.community_id)
    return webhook


async def delete_webhook(services: Services, actor: User, community_id: str,
                         webhook_id: str) -> Webhook:
    webhook = await _own_webhook(services, actor, webhook_id, community_id)
    if not webhook.active:
        return webhook
    gone = await bots_store(services).update_webhook(
        webhook.id, {"active": False, "deleted_at": services.clock.now()})
    services.events.publish(WebhooksChanged(webhook.community_id))
    await audit.record(services, actor, AuditAction.WEBHOOK_DELETE, "webhook", webhook.id,
                       webhook.community_id, url=webhook.url)
    return gone


async def list_deliveries(services: Services, actor: User, webhook_id: str,
                          limit: int) -> list[Delivery]:
    webhook = await _own_webhook(services, actor, webhook_id)
    return await bots_store(services).list_deliveries(webhook.id, limit)
