"""The app factory: the one place where settings become stores, managers and routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import socketio
from aiohttp import web
from redis.asyncio import Redis

from bots.builtin import builtin_bots
from bots.directory.tokens import SegmenterLoader
from bots.notices import actions as notices_actions
from bots.notices import jobs as notices_jobs
from bots.notices.payloads import AckNotice
from bots.notices.wire import ack_view
from bots.polls import actions as polls_actions
from bots.polls import jobs as polls_jobs
from bots.polls.payloads import Vote
from bots.polls.wire import own_view
from bots.registry import BotRegistry, third_party_bots
from bots.webhooks import dispatch as webhook_dispatch
from chat.auth import Secrets
from chat.clock import Clock, SystemClock
from chat.events import Events, MessageDeleted
from chat.follow.hub import Follow
from chat.loop_lag import LoopLagMonitor
from chat.models import User
from chat.namespace import ChatNamespace
from chat.realtime.fanout import Fanout, NoClientsFanout, SocketIOFanout
from chat.realtime.manager import DirectEmitManager, DirectEmitRedisManager
from chat.realtime.presence import PresenceBatcher
from chat.realtime.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from chat.realtime.redis_names import RedisNames
from chat.realtime.registry import MemoryRegistry, RedisRegistry, SocketRegistry
from chat.realtime.repair import GapRepair
from chat.realtime.subscription import SubscriptionWatch
from chat.scheduler import Scheduler
from chat.services import Services
from chat.tasks import cancel
from config.settings import Settings
from moderation import tickets as tickets_actions
from moderation.detection import DetectionService
from web import packet_json, retention
from web.event_packets import EventPacket
from web.http import Handler, errors_middleware, transport_headers
from web.keys import (
    BOTS,
    DETECTION,
    FANOUT_SUBSCRIPTION,
    LOOP_LAG,
    REDIS,
    SERVICES,
    SIO,
    STARTED_AT,
)
from web.process_state import describe
from web.request_ids import request_ids
from web.routes import (
    admin,
    api_docs,
    auth,
    bots,
    directory,
    health,
    metrics,
    moderation,
    notices,
    open311,
    polls,
    rooms,
    shell,
    stats,
    status,
    tickets,
)
from web.store_timing import time_operations
from web.stores import Store, make_store

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
REDIS_COMMAND_SECONDS = 2.0
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def command_redis(settings: Settings) -> Redis | None:
    """Redis for commands on a request's path: they give up on a silent Redis (a partition)
    instead of hanging the request. Subscriptions, idle by design, use a client without a read
    timeout."""
    if not settings.redis_url:
        return None
    client: Redis = Redis.from_url(settings.redis_url, decode_responses=True,
                                   socket_timeout=REDIS_COMMAND_SECONDS,
                                   socket_connect_timeout=REDIS_COMMAND_SECONDS)
    return client


def redis_names(settings: Settings) -> RedisNames:
    """Every Redis key and channel of this deployment, under its namespace."""
    return RedisNames(settings.redis_namespace)


def build_services(settings: Settings, sio: socketio.AsyncServer | None, commands: Redis | None,
                   clock: Clock | None = None,
                   directory_terms: SegmenterLoader | None = None,
                   store: Store | None = None) -> Services:
    """The one way settings become `Services`, for the server and for CLI commands alike: the
    configured store, and with Redis the shared registry, rate limits and fan-out (a CLI
    command's effects reach the clients of every process). `sio` None: nobody to tell (a CLI
    command without Redis). `store`: the one the caller holds as the composed Store (otherwise
    the configured one)."""
    names = redis_names(settings)
    registry: SocketRegistry = RedisRegistry(commands, names) if commands else MemoryRegistry()
    limiter: RateLimiter = RedisRateLimiter(commands, names) if commands else MemoryRateLimiter()
    fanout: Fanout = SocketIOFanout(sio, registry) if sio is not None else NoClientsFanout()
    return Services(settings=settings, store=store if store is not None else make_store(settings),
                    secrets=Secrets(settings.secret()), clock=clock or SystemClock(),
                    fanout=fanout, limiter=limiter, registry=registry,
                    events=Events(settings.hook_timeout_seconds),
                    directory_terms=directory_terms)


def emitter_sio(settings: Settings) -> socketio.AsyncServer | None:
    """For a process without sockets of its own (the CLI): with Redis, a Socket.IO server whose
    write-only manager publishes to the serving processes; without, None."""
    if not settings.redis_url:
        return None
    return socketio.AsyncServer(
        async_mode="aiohttp", json=packet_json,
        client_manager=socketio.AsyncRedisManager(
            settings.redis_url, channel=redis_names(settings).socketio_channel, write_only=True))


def make_sio(settings: Settings, clock: Clock) -> socketio.AsyncServer:
    """`clock`: the one messages are stamped with; the repair after a deaf spell compares
    their times with the time of the loss."""
    # Broadcasts without a task per recipient (docs/architecture.md#realtime); same semantics
    # as the library's.
    manager: socketio.AsyncManager = DirectEmitRedisManager(
        settings.redis_url, SubscriptionWatch(clock), names=redis_names(settings)) \
        if settings.redis_url else DirectEmitManager()
    return socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        json=packet_json,
        serializer=EventPacket,
        cors_allowed_origins=settings.cors_origins or None,
        # Oversized events up to 4× the limit still get a `too_large` ack; beyond that
        # engine.io drops the connection rather than buffer unbounded input.
        max_http_buffer_size=settings.max_payload_bytes * 4,
        ping_interval=25,
        ping_timeout=20,
    )


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={
        "Content-Security-Policy": CSP, "Content-Type": "text/html; charset=utf-8"})


async def _ack_notice(services: Services, user: User, form: AckNotice, sid: str
                      ) -> dict[str, Any]:
    """`notice:ack`, answered as POST /api/v1/notices/{id}/ack is."""
    return ack_view(await notices_actions.acknowledge(services, user, form))


async def _vote(services: Services, user: User, form: Vote, sid: str) -> dict[str, Any]:
    """`poll:vote`, answered as POST /api/v1/polls/{id}/votes answers with its poll."""
    return own_view(await polls_actions.vote(services, user, form))


def _follow_events(services: Services, detection: DetectionService, follow: Follow
                   ) -> tuple[Scheduler, BotRegistry]:
    """Work that follows what happens, never on its path: periodic jobs, bots, detection.
    What follows a message resumes after a restart (chat.follow)."""
    settings = services.settings
    scheduler = Scheduler()
    scheduler.add("tickets", settings.sweep_seconds, partial(tickets_actions.sweep, services))
    scheduler.add("polls", settings.sweep_seconds, partial(polls_jobs.run_due, services))
    scheduler.add("notices", settings.sweep_seconds, partial(notices_jobs.run_due, services))
    scheduler.add("retention", settings.retention_sweep_seconds, partial(retention.sweep, services))
    bot_registry = BotRegistry(builtin_bots(), third_party_bots(), settings.bots)
    bot_registry.attach(services, scheduler, follow)
    if settings.detection_enabled:
        follow.add("detection", detection.hook(services), settings.hook_timeout_seconds)
    services.events.subscribe(MessageDeleted, "ticket redaction",
                              partial(tickets_actions.redact_deleted_source, services))
    return scheduler, bot_registry


def create_app(settings: Settings, clock: Clock | None = None) -> web.Application:
    app = web.Application(client_max_size=settings.max_payload_bytes,
                          middlewares=[request_ids, security_headers, transport_headers,
                                       errors_middleware])
    redis = Redis.from_url(settings.redis_url, decode_responses=True) \
        if settings.redis_url else None
    clock = clock or SystemClock()
    sio = make_sio(settings, clock)
    sio.attach(app)
    commands = command_redis(settings)
    store = make_store(settings)
    time_operations(store)
    services = build_services(settings, sio, commands, clock, SegmenterLoader(), store)
    registry, fanout = services.registry, services.fanout
    lag = app[LOOP_LAG] = LoopLagMonitor()
    started = app[STARTED_AT] = clock.now().timestamp()
    if isinstance(registry, RedisRegistry):  # other processes' status pages read this
        registry.describe = partial(describe, sio, lag, clock, started)
    manager = sio.manager
    if isinstance(manager, DirectEmitRedisManager):
        if isinstance(registry, RedisRegistry):  # Redis may have come back empty
            manager.watch.on_restored(lambda _lost_at: registry.restore())
        manager.watch.on_restored(GapRepair(services.store, manager.ledger,
                                            manager.local_rooms, manager.deliver_locally))
        app[FANOUT_SUBSCRIPTION] = manager.watch
    presence = PresenceBatcher(fanout, settings.presence_flush_seconds)
    namespace = ChatNamespace(sio, services, presence, extra_events={
        "poll:vote": (Vote, _vote),
        "notice:ack": (AckNotice, _ack_notice),
    })
    detection = DetectionService(settings.lexicon_path, store, redis_names(settings))
    # Leases are shared with other processes and renewed by real time: never a test's clock.
    follow = Follow(services, redis, SystemClock(), redis_names(settings))
    scheduler, bot_registry = _follow_events(services, detection, follow)
    scheduler.add("expired sessions", settings.sweep_seconds, namespace.end_expired)
    app.cleanup_ctx.append(webhook_dispatch.attach(services, follow))
    app[SERVICES] = services
    app[SIO] = sio
    app[DETECTION] = detection
    app[BOTS] = bot_registry
    if redis is not None:
        app[REDIS] = redis
    for module in (auth, rooms, admin, health, tickets, moderation, open311, polls, notices,
                   directory, bots, stats, metrics, status, api_docs):
        app.add_routes(module.routes)
    app.add_routes(shell.routes)  # /manifest.webmanifest and /sw.js, at the root
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        lag.start()
        await services.store.open()
        if services.directory_terms is not None:
            services.directory_terms.start()  # its jieba dictionary, in a thread
        await detection.load()  # jieba's dictionary, before the first message
        await registry.start()
        if isinstance(manager, DirectEmitRedisManager):
            # Listen from the start, not from the first socket: /readyz reports the
            # subscription, and broadcasts must be heard before anyone connects.
            sio.manager_initialized = True
            manager.initialize()
        await presence.start()
        scheduler.start()
        await follow.start()  # after detection.load(): catching up may score messages
        follower = asyncio.create_task(detection.follow_reloads(redis)) if redis else None
        log.info("linli ready: store=%s fan-out=%s", type(services.store).__name__,
                 "redis" if redis else "in-process")
        yield
        await scheduler.stop()
        await follow.stop()
        await cancel(follower)
        await services.events.drain()
        await presence.stop()
        await registry.stop()
        if isinstance(manager, DirectEmitRedisManager):
            await manager.close()
        await services.store.close()
        if redis is not None:
            await redis.aclose()
        if commands is not None:
            await commands.aclose()
        await lag.stop()

    app.cleanup_ctx.append(lifecycle)
    return app
