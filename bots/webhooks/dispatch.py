"""Delivering events to webhooks without ever delaying chat.

The event bus calls the `on_*` handlers off the send path; they only look up the community's
webhooks, log a pending delivery and start a task. Each delivery task POSTs with a short
timeout and retries with jittered exponential back-off on its own, outside the bus's time
limit; a semaphore caps the POSTs in flight and a ceiling on waiting deliveries keeps a dead
endpoint from piling up tasks. Every attempt is written to the delivery log. Before each retry
the webhook is read again: once deleted, its deliveries stop and are marked failed. Retries
live in memory: a restart drops those still waiting (they stay `pending` in the log). A chat
message's deliveries are recorded once, under ids derived from webhook and message; a message
the consumer had not finished when the process died is handled again on restart, and sends
only what is still pending, with the same `X-Linli-Delivery` key.

A community's active webhooks are cached for `HOOKS_TTL_SECONDS`, so chat messages do not each
cost a query. Creating or deleting a webhook clears the entry in this process at once; other
processes see the change within the TTL."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import aiohttp

from bots.polls.events import PollClosed
from bots.store import bots_store
from bots.webhooks import bodies
from bots.webhooks.bodies import Outgoing
from bots.webhooks.events import WebhooksChanged
from bots.webhooks.models import Delivery, Webhook
from bots.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from bots.webhooks.targets import PrivateTarget, connector_options
from chat.errors import Conflict, DomainError
from chat.events import MessageCreated
from chat.follow.hub import Follow
from chat.ids import derived_id, time_ordered_id
from chat.metrics import WEBHOOK_ATTEMPT_FAILURES, WEBHOOK_DELIVERIES
from chat.models import Message
from chat.services import Services
from moderation.events import TicketChanged

log = logging.getLogger(__name__)

ATTEMPTS = 6
FIRST_RETRY_SECONDS = 1.0  # then 2, 4, 8, 16 (each × 0.5–1 jitter): about half a minute in all
MAX_RETRY_SECONDS = 60.0
POST_TIMEOUT_SECONDS = 10.0
CONCURRENT_POSTS = 20
MAX_WAITING = 1000
USER_AGENT = "linli-webhooks/1"
HOOKS_TTL_SECONDS = 5.0
DELETED = "webhook deleted, retries stopped / 回调已删除，停止重试"


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    ceiling = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2.0 ** (attempt - 1))
    return ceiling * random.uniform(0.5, 1.0)


class Dispatcher:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._session: aiohttp.ClientSession | None = None
        self._slots = asyncio.Semaphore(CONCURRENT_POSTS)
        self._tasks: set[asyncio.Task[bool]] = set()
        self._running: dict[str, asyncio.Task[bool]] = {}  # deliveries under way here, by id
        self._hooks: dict[str, tuple[datetime, tuple[Webhook, ...]]] = {}
        self._generation = 0  # bumped by every change: a lookup begun before it is not cached

    # ---- events -------------------------------------------------------------------------
    async def on_message(self, event: MessageCreated) -> asyncio.Future[Any] | None:
        """Run by the resumable "webhooks" consumer (chat.follow): a message handled again
        after a crash finds its deliveries recorded and sends only those still pending.
        Hands back the deliveries under way: the consumer's cursor passes the message once
        each is delivered or has failed for good."""
        tasks = await self._fan_out(bodies.message_created(self._services, event),
                                    event.message)
        return asyncio.create_task(_all_settled(tasks)) if tasks else None

    async def on_ticket(self, event: TicketChanged) -> None:
        outgoing = await bodies.ticket_changed(self._services, event)
        if outgoing is not None:
            await self._fan_out(outgoing)

    async def on_poll(self, event: PollClosed) -> None:
        await self._fan_out(bodies.poll_closed(self._services, event))

    async def on_webhooks_changed(self, event: WebhooksChanged) -> None:
        self._hooks.pop(event.community_id, None)
        self._generation += 1

    async def _active_hooks(self, community_id: str) -> tuple[Webhook, ...]:
        now = self._services.clock.now()
        cached = self._hooks.get(community_id)
        if cached is not None and now - cached[0] < timedelta(seconds=HOOKS_TTL_SECONDS):
            return cached[1]
        generation = self._generation
        store = bots_store(self._services)
        hooks = tuple(await store.list_webhooks(community_id, active_only=True))
        if generation == self._generation:
            self._hooks[community_id] = (now, hooks)
        return hooks

    async def _fan_out(self, out: Outgoing, message: Message | None = None
                       ) -> list[asyncio.Task[bool]]:
        store = bots_store(self._services)
        started: list[asyncio.Task[bool]] = []
        for hook in await self._active_hooks(out.community_id):
            if out.event not in hook.events or \
                    (out.room_id is not None and out.room_id not in hook.room_ids):
                continue
            if message is None:
                now = self._services.clock.now()
                delivery = Delivery(id=time_ordered_id("d", now),
                                    webhook_id=hook.id, event=out.event, event_id=out.event_id,
                                    created_at=now)
                await store.add_delivery(delivery)
            else:
                once = await self._once(hook, out, message)
                if not isinstance(once, Delivery):
                    started += [once] if once is not None else []
                    continue
                delivery = once
            if self._session is None or len(self._tasks) >= MAX_WAITING:
                await store.update_delivery(delivery.id, {
                    "status": "failed", "last_error": "too many deliveries waiting"})
                log.error("webhook %s: delivery %s dropped, too many waiting", hook.id,
                          delivery.id)
                continue
            task = asyncio.create_task(self._deliver(hook, delivery, out.body))
            self._tasks.add(task)
            self._running[delivery.id] = task
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(partial(_forget, self._running, delivery.id))
            started.append(task)
        return started

    async def _once(self, hook: Webhook, out: Outgoing, message: Message
                    ) -> Delivery | asyncio.Task[bool] | None:
        """The message's delivery to the hook, recorded once under an id derived from both
        (the `X-Linli-Delivery` idempotency key, the same on every retry and after a restart)
        and still to send; its task when already on its way from this process; None when it
        is delivered or failed."""
        digest = hashlib.sha256(f"{hook.id}\0{message.id}".encode()).hexdigest()
        sent_ns = int(message.created_at.timestamp() * 1000) * 1_000_000
        delivery = Delivery(id=f"d{sent_ns:016x}{derived_id('', digest)}", webhook_id=hook.id,
                            event=out.event, event_id=out.event_id,
                            created_at=self._services.clock.now())
        try:
            await bots_store(self._services).add_delivery(delivery)
            return delivery
        except Conflict:
            stored = await bots_store(self._services).get_delivery(delivery.id)
        if stored is None or stored.status != "pending":
            return None
        return self._running.get(stored.id, stored)

    # ---- delivery -----------------------------------------------------------------------
    async def _deliver(self, hook: Webhook, delivery: Delivery, body: bytes) -> bool:
        """True once the delivery is settled in the log (delivered, failed or stopped)."""
        try:
            # A delivery resumed after a restart goes on from the attempts it had made.
            for attempt in range(min(delivery.attempts + 1, ATTEMPTS), ATTEMPTS + 1):
                async with self._slots:
                    code, error = await self._post(hook, delivery, body)
                if await self._record(delivery, attempt, code, error):
                    return True
                await asyncio.sleep(retry_delay(attempt))
                current = await self._still_active(hook, delivery)
                if current is None:
                    return True
                hook = current
        except DomainError as exc:  # the store went away (shutdown) or failed
            log.warning("webhook %s: delivery %s not recorded: %s", hook.id, delivery.id, exc)
        return False

    async def _still_active(self, hook: Webhook, delivery: Delivery) -> Webhook | None:
        """The webhook as stored now; None, with the delivery marked failed, once deleted."""
        store = bots_store(self._services)
        current = await store.get_webhook(hook.id)
        if current is not None and current.active:
            return current
        await store.update_delivery(delivery.id, {"status": "failed", "last_error": DELETED})
        log.info("webhook %s: deleted, delivery %s stopped", hook.id, delivery.id)
        return None

    async def _record(self, delivery: Delivery, attempt: int, code: int | None,
                      error: str | None) -> bool:
        """Log the attempt; True when there is nothing more to try."""
        changes: dict[str, Any] = {"attempts": attempt, "last_status_code": code,
                                   "last_error": error}
        done = error is None
        if done:
            changes |= {"status": "delivered", "delivered_at": self._services.clock.now()}
            WEBHOOK_DELIVERIES.labels("delivered").inc()
        else:
            WEBHOOK_ATTEMPT_FAILURES.inc()
        if not done and attempt == ATTEMPTS:
            changes["status"] = "failed"
            WEBHOOK_DELIVERIES.labels("failed").inc()
            log.warning("webhook %s: delivery %s failed after %d attempts: %s",
                        delivery.webhook_id, delivery.id, attempt, error)
        await bots_store(self._services).update_delivery(delivery.id, changes)
        return done or attempt == ATTEMPTS

    async def _post(self, hook: Webhook, delivery: Delivery, body: bytes
                    ) -> tuple[int | None, str | None]:
        """(status code, error); error None means delivered."""
        if self._session is None:
            return None, "shutting down"
        timestamp = int(self._services.clock.now().timestamp())
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": USER_AGENT, EVENT_HEADER: delivery.event,
                   DELIVERY_HEADER: delivery.id, TIMESTAMP_HEADER: str(timestamp),
                   SIGNATURE_HEADER: signature(hook.secret, timestamp, body)}
        try:
            async with self._session.post(hook.url, data=body, headers=headers,
                                          allow_redirects=False) as resp:
                if 200 <= resp.status < 300:
                    return resp.status, None
                return resp.status, f"HTTP {resp.status}"
        except TimeoutError:
            return None, f"no answer within {POST_TIMEOUT_SECONDS:g} s"
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateTarget):
                return None, str(exc.os_error)
            return None, f"{type(exc).__name__}: {exc}"[:300]
        except aiohttp.ClientError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:300]

    # ---- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        private = self._services.settings.webhook_private_targets
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(**connector_options(private)),
            timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT_SECONDS))

    async def close(self) -> None:
        session, self._session = self._session, None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if session is not None:
            await session.close()


async def _all_settled(tasks: list[asyncio.Task[bool]]) -> bool:
    return all(await asyncio.gather(*tasks))


def _forget(running: dict[str, asyncio.Task[bool]], delivery_id: str, _: object) -> None:
    running.pop(delivery_id, None)


def attach(services: Services, follow: Follow
           ) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """Subscribe webhooks to the domain events (messages through the resumable consumer
    "webhooks"); returns the app's cleanup context, which opens the HTTP client and at
    shutdown cancels deliveries still waiting:
    `app.cleanup_ctx.append(webhooks.attach(services, follow))`."""
    dispatcher = Dispatcher(services)
    follow.add("webhooks", dispatcher.on_message, services.settings.hook_timeout_seconds)
    services.events.subscribe(TicketChanged, "webhooks", dispatcher.on_ticket)
    services.events.subscribe(PollClosed, "webhooks", dispatcher.on_poll)
    services.events.subscribe(WebhooksChanged, "webhooks", dispatcher.on_webhooks_changed)

    @asynccontextmanager
    async def lifecycle(_app: Any) -> AsyncIterator[None]:
        await dispatcher.start()
        try:
            yield
        finally:
            await dispatcher.close()

    return lifecycle
