"""GET /api/v1/admin/status: what an operator checks first, read-only — the processes and their
sockets and event-loop lag, whether the store and Redis answer, the last backup's age, and the
detection model and lexicon in use. For community admins and street and district officers;
answers name what is wrong, never how (no addresses or exception text)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from chat.errors import Forbidden
from chat.realtime.registry import RedisRegistry
from web.http import reply, services, staff
from web.keys import DETECTION, FANOUT_SUBSCRIPTION, LOOP_LAG, REDIS, SIO
from web.process_state import describe, socket_counts

routes = web.RouteTableDef()
STATUS_ROLES = frozenset({"admin", "street_officer", "district_officer"})
PROBE_SECONDS = 2.0


async def _probe(check: Callable[[], Awaitable[Any]]) -> str:
    try:
        await asyncio.wait_for(check(), PROBE_SECONDS)
        return "ok"
    except Exception:  # any error of a dependency, or no answer in time: it does not answer
        return "unreachable"


async def _processes(request: web.Request) -> list[dict[str, Any]]:
    registry = services(request).registry
    here = describe(request.app[SIO], request.app[LOOP_LAG])
    if not isinstance(registry, RedisRegistry):
        return [{"id": "this", "this": True, **here}]
    try:
        found = await asyncio.wait_for(registry.processes(), PROBE_SECONDS)
    except Exception:  # Redis away: this process is all that can be told
        found = {}
    found[registry.process_id] = here
    return [{"id": pid, "this": pid == registry.process_id, **about}
            for pid, about in sorted(found.items())]


async def _last_backup(request: web.Request) -> float | None:
    """When the last backup was taken, if the store keeps a record of backups
    (`last_backup() -> datetime | None`); None: unknown."""
    reader = getattr(services(request).store, "last_backup", None)
    if reader is None:
        return None
    try:
        at = await asyncio.wait_for(reader(), PROBE_SECONDS)
    except Exception:
        return None
    return at.timestamp() if isinstance(at, datetime) else None


def _detection(request: web.Request) -> dict[str, Any]:
    detection = request.app[DETECTION]
    try:
        model = detection.classifier.model.version
    except RuntimeError:  # not loaded yet
        model = None
    return {"model": model, "model_source": "stored" if detection.model_id else "packaged",
            "lexicon_sha256": detection.lexicon_sha256[:12] or None,
            "lexicon_source": "custom" if services(request).settings.lexicon_path else
            "packaged"}


async def status_view(request: web.Request) -> dict[str, Any]:
    svc = services(request)
    connected, kinds = socket_counts(request.app[SIO])
    lag = request.app[LOOP_LAG]
    redis = request.app.get(REDIS)
    watch = request.app.get(FANOUT_SUBSCRIPTION)
    backup_at = await _last_backup(request)
    now = time.time()
    return {
        "now": now,
        "processes": await _processes(request),
        "sockets": {"connected": connected, "by_room_kind": kinds},
        "loop_lag_seconds": {"latest": round(lag.latest, 4), "worst": round(lag.worst, 4)},
        "store": {"kind": "mongodb" if svc.settings.mongodb_url else "sqlite",
                  "status": await _probe(svc.store.ping)},
        "redis": {"status": "not_configured" if redis is None else await _probe(redis.ping),
                  "fanout": None if watch is None else
                  ("subscribed" if watch.live else "not_subscribed")},
        "backup": {"last_at": backup_at,
                   "age_seconds": None if backup_at is None else round(now - backup_at)},
        "detection": _detection(request),
    }


@routes.get("/api/v1/admin/status")
async def status(request: web.Request) -> web.Response:
    user = await staff(request)
    if user.role not in STATUS_ROLES:
        raise Forbidden("仅限社区管理员和街道、区级管理员 / community admins and officers only")
    return reply(await status_view(request))
