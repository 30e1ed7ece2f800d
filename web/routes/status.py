"""GET /api/v1/admin/status: what an operator checks first, read-only — the processes and their
sockets and event-loop lag, whether the store and Redis answer, the last backup's age, and the
detection model and lexicon in use. For community admins and street and district officers;
answers name what is wrong, never how (no addresses or exception text)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from chat.clock import iso
from chat.errors import Forbidden
from chat.realtime.registry import RedisRegistry
from chat.store.schema import LastBackup
from web.http import reply, services, staff
from web.keys import DETECTION, FANOUT_SUBSCRIPTION, LOOP_LAG, REDIS, SIO, STARTED_AT
from web.probes import last_backup, other_processes, redis_answers, store_answers
from web.process_state import describe, socket_counts

routes = web.RouteTableDef()
STATUS_ROLES = frozenset({"admin", "street_officer", "district_officer"})


def _at(seconds: float | None) -> str | None:
    """A heartbeat's seconds since the epoch as the API writes times (None: not told)."""
    return iso(datetime.fromtimestamp(seconds, UTC)) if seconds else None


def _process(pid: str, this: bool, about: dict[str, Any]) -> dict[str, Any]:
    return {"id": pid, "this": this, **about, "started_at": _at(about.get("started_at")),
            "seen_at": _at(about.get("seen_at"))}


async def _processes(request: web.Request) -> list[dict[str, Any]]:
    svc = services(request)
    registry = svc.registry
    here = describe(request.app[SIO], request.app[LOOP_LAG], svc.clock, request.app[STARTED_AT])
    if not isinstance(registry, RedisRegistry):
        return [_process("this", True, here)]
    found = await other_processes(registry)
    found[registry.process_id] = here
    return [_process(pid, pid == registry.process_id, about)
            for pid, about in sorted(found.items())]


def _backup(last: LastBackup | None, now: datetime) -> dict[str, Any]:
    if last is None:
        return {"last_at": None, "age_seconds": None}
    return {"last_at": iso(last.at), "age_seconds": round((now - last.at).total_seconds()),
            "backend": last.backend, "rows": last.rows, "schema_version": last.schema_version}


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
    backup = await last_backup(svc)
    now = svc.clock.now()
    return {
        "now": iso(now),
        "processes": await _processes(request),
        "sockets": {"connected": connected, "by_room_kind": kinds},
        "loop_lag_seconds": {"latest": round(lag.latest, 4), "worst": round(lag.worst, 4)},
        "store": {"kind": "mongodb" if svc.settings.mongodb_url else "sqlite",
                  "status": await store_answers(svc)},
        "redis": {"status": "not_configured" if redis is None else await redis_answers(redis),
                  "fanout": None if watch is None else
                  ("subscribed" if watch.live else "not_subscribed")},
        "backup": _backup(backup, now),
        "detection": _detection(request),
    }


@routes.get("/api/v1/admin/status")
async def status(request: web.Request) -> web.Response:
    user = await staff(request)
    if user.role not in STATUS_ROLES:
        raise Forbidden("仅限社区管理员和街道、区级管理员 / community admins and officers only")
    return reply(await status_view(request))
