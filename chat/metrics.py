"""The metric objects every layer records into (Prometheus naming), kept in linli's own
registry.

Counters and histograms count what this process did: one linli process, one set of figures.
Prometheus scrapes every process on its own (each is a target; its `instance` label tells them
apart), so no multi-process file store is needed — linli processes are separate servers, not
forks sharing a port. Figures that describe an app's state right now (sockets, the fan-out
subscription, tickets) are read at scrape time by the /metrics route (web/routes/metrics.py),
so several apps in one test process never mix them. Recording never fails and never waits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
)

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)  # memory, CPU, open files: process_* (Linux /proc)
for _shared in (GC_COLLECTOR, PLATFORM_COLLECTOR):
    REGISTRY.register(_shared)

FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
SLOW = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

MESSAGES_STORED = Counter(
    "linli_messages_stored_total", "Messages stored (retries of a stored message not counted), "
    "by kind: text (people) or bot", ["kind"], registry=REGISTRY)
MESSAGES_DELIVERED = Counter(
    "linli_messages_delivered_total", "message:new events handed to this process's sockets "
    "(one per receiving socket)", registry=REGISTRY)
ACK_SECONDS = Histogram(
    "linli_socket_ack_seconds", "Time from a Socket.IO event's arrival to its ack, by event",
    ["event"], buckets=FAST, registry=REGISTRY)
SOCKET_EVENTS = Counter(
    "linli_socket_events_total", "Socket.IO events answered, by event and outcome (ok or the "
    "error code)", ["event", "outcome"], registry=REGISTRY)
LOOP_LAG_SECONDS = Histogram(
    "linli_event_loop_lag_seconds", "How late the event loop ran a callback scheduled to run "
    "at once (sampled twice a second)", buckets=FAST, registry=REGISTRY)
STORE_SECONDS = Histogram(
    "linli_store_operation_seconds", "Store operation latency, by operation (the store "
    "method)", ["operation"], buckets=FAST, registry=REGISTRY)
STORE_ERRORS = Counter(
    "linli_store_operation_errors_total", "Store operations that raised, by operation",
    ["operation"], registry=REGISTRY)
FANOUT_PUBLISH_FAILURES = Counter(
    "linli_fanout_publish_failures_total", "Broadcasts this process could not publish to Redis",
    registry=REGISTRY)
FANOUT_UNHEARD = Counter(
    "linli_fanout_unheard_total", "Broadcasts published to Redis that no process heard",
    registry=REGISTRY)
DETECTION_SECONDS = Histogram(
    "linli_detection_seconds", "Time to score one resident message for a report",
    buckets=FAST, registry=REGISTRY)
DRAFTS_MADE = Counter(
    "linli_detection_drafts_total", "Draft tickets made from detected reports", registry=REGISTRY)
WEBHOOK_DELIVERIES = Counter(
    "linli_webhook_deliveries_total", "Webhook deliveries settled, by outcome (delivered, or "
    "failed after the last attempt)", ["outcome"], registry=REGISTRY)
WEBHOOK_ATTEMPT_FAILURES = Counter(
    "linli_webhook_attempt_failures_total", "Webhook POST attempts that failed (each retry "
    "counts)", registry=REGISTRY)
HTTP_REQUESTS = Counter(
    "linli_http_requests_total", "HTTP requests answered, by method and status class",
    ["method", "status"], registry=REGISTRY)

for _outcome in ("delivered", "failed"):
    WEBHOOK_DELIVERIES.labels(_outcome)
for _kind in ("text", "bot", "system"):
    MESSAGES_STORED.labels(_kind)


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    """Observe the seconds the block took, raise or not."""
    started = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - started)
