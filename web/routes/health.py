"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from aiohttp import web

from chat.errors import Unavailable
from web.http import reply, services
from web.keys import REDIS

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return reply({"status": "alive"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    checks: dict[str, str] = {}
    try:
        await services(request).store.ping()
        checks["store"] = "ok"
    except Unavailable as exc:
        checks["store"] = exc.message
    redis = request.app.get(REDIS)
    if redis is not None:
        try:
            await redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:  # any client error means "not ready"
            checks["redis"] = str(exc) or type(exc).__name__
    ready = all(v == "ok" for v in checks.values())
    return reply({"status": "ready" if ready else "unavailable", "checks": checks},
                 status=200 if ready else 503)
