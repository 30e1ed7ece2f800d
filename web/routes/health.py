"""Liveness and readiness probes for load balancers and orchestrators.

Readiness covers the store, Redis, and — with Redis — this process's fan-out subscription:
a process that cannot hear the others' broadcasts is not ready, even while Redis answers.
Probe answers name what is wrong, never how (no addresses or exception text)."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from chat.errors import Unavailable
from web.http import reply, services
from web.keys import FANOUT_SUBSCRIPTION, REDIS

log = logging.getLogger(__name__)
PROBE_SECONDS = 2.0  # a dependency slower than this to answer counts as unreachable
routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return reply({"status": "alive"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    checks: dict[str, str] = {}
    try:
        await asyncio.wait_for(services(request).store.ping(), PROBE_SECONDS)
        checks["store"] = "ok"
    except (Unavailable, TimeoutError):
        checks["store"] = "unreachable"
    redis = request.app.get(REDIS)
    if redis is not None:
        try:
            await asyncio.wait_for(redis.ping(), PROBE_SECONDS)
            checks["redis"] = "ok"
        except Exception as exc:  # any client error means "not ready"
            log.warning("readiness: Redis did not answer (%s: %s)", type(exc).__name__, exc)
            checks["redis"] = "unreachable"
    watch = request.app.get(FANOUT_SUBSCRIPTION)
    if watch is not None:
        checks["fanout"] = "ok" if watch.live else "not subscribed"
    ready = all(v == "ok" for v in checks.values())
    return reply({"status": "ready" if ready else "unavailable", "checks": checks},
                 status=200 if ready else 503)
