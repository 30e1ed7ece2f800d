"""GET /metrics: Prometheus text format, this process's figures only (scrape every process).

Off unless `LINLI_METRICS_TOKEN` is set (404, as if there were no such route); then only for
`Authorization: Bearer <token>` (401 otherwise). What this process did (counters, histograms,
process memory) comes from chat.metrics.REGISTRY; what the app holds right now (sockets, the
fan-out subscription, the store's open and overdue tickets) is read at scrape time into a
registry of the scrape's own, so two apps in one process never mix their state."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable, Iterator

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from chat.errors import DomainError, NotFound, Unauthorized
from chat.metrics import REGISTRY
from moderation.stats_query import open_and_overdue_by_level
from web.http import services
from web.keys import FANOUT_SUBSCRIPTION, SIO
from web.process_state import socket_counts

routes = web.RouteTableDef()
SCRAPE_STORE_SECONDS = 2.0
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # what every Prometheus reads


class Snapshot(Collector):
    """Gauges read before the scrape (the store is asynchronous; collectors are not)."""

    def __init__(self, families: Iterable[GaugeMetricFamily]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._families


def _sockets(request: web.Request) -> list[GaugeMetricFamily]:
    connected, kinds = socket_counts(request.app[SIO])
    total = GaugeMetricFamily("linli_sockets_connected", "Socket.IO sockets connected to "
                              "this process", value=connected)
    by_kind = GaugeMetricFamily("linli_sockets_by_room_kind", "Sockets of this process in "
                                "rooms of each kind (a socket is in several)", labels=["kind"])
    for kind, count in sorted(kinds.items()):
        by_kind.add_metric([kind], count)
    return [total, by_kind]


def _fanout(request: web.Request) -> list[GaugeMetricFamily]:
    watch = request.app.get(FANOUT_SUBSCRIPTION)
    if watch is None:
        return []
    return [GaugeMetricFamily("linli_fanout_subscribed", "1 while this process hears the "
                              "other processes' broadcasts through Redis",
                              value=1 if watch.live else 0)]


async def _tickets(request: web.Request) -> list[GaugeMetricFamily]:
    up = GaugeMetricFamily("linli_store_up", "1 when the store answered this scrape's "
                           "ticket counts in time")
    try:
        counts = await asyncio.wait_for(open_and_overdue_by_level(services(request)),
                                        SCRAPE_STORE_SECONDS)
    except (DomainError, TimeoutError):
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    open_ = GaugeMetricFamily("linli_tickets_open", "Open tickets (submitted, accepted, in "
                              "progress, reopened) by level", labels=["level"])
    overdue = GaugeMetricFamily("linli_tickets_overdue", "Open tickets past their deadline, "
                                "by level", labels=["level"])
    for level, (opened, late) in counts.items():
        open_.add_metric([level], opened)
        overdue.add_metric([level], late)
    return [up, open_, overdue]


def _authorised(request: web.Request) -> None:
    token = services(request).settings.metrics_token
    if token is None:
        raise NotFound("no such route / 接口不存在")
    header = request.headers.get("Authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else ""
    if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise Unauthorized("metrics token required / 需要监控令牌")


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    _authorised(request)
    state = CollectorRegistry(auto_describe=False)
    state.register(Snapshot([*_sockets(request), *_fanout(request),
                             *await _tickets(request)]))
    body = generate_latest(REGISTRY) + generate_latest(state)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
