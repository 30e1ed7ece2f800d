"""Liveness and readiness probes for load balancers and orchestrators.

Readiness covers the store, Redis, and — with Redis — this process's fan-out subscription:
a process that cannot hear the others' broadcasts is not ready, even while Redis answers.
Probe answers name what is wrong, never how (no addresses or exception text)."""

from __future__ import annotations

from aiohttp import web

from web.http import reply, services
from web.keys import FANOUT_SUBSCRIPTION, REDIS
from web.probes import redis_answers, store_answers

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return reply({"status": "alive"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    checks: dict[str, str] = {"store": await store_answers(services(request))}
    redis = request.app.get(REDIS)
    if redis is not None:
        checks["redis"] = await redis_answers(redis)
    watch = request.app.get(FANOUT_SUBSCRIPTION)
    if watch is not None:
        checks["fanout"] = "ok" if watch.live else "not subscribed"
    ready = all(v == "ok" for v in checks.values())
    return reply({"status": "ready" if ready else "unavailable", "checks": checks},
                 status=200 if ready else 503)
