"""The documented replies of the operators' routes: the detection model and lexicon
(moderation.learning, moderation.detection), ticket statistics (moderation.stats) and the
status page (web/routes/status.py). Times in the status page are Unix seconds, as it sends them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chat.wire_events import IsoTime, Shape
from moderation.learning_models import DetectionModelRecord


class LexiconReloaded(Shape):
    """The lexicon (never its file's name) and the model now in use in every process."""

    lexicon: Literal["custom", "packaged"]
    lexicon_sha256: str
    model: str


class Thresholds(Shape):
    report: float
    urgent: float


class ModelInUse(Shape):
    version: str
    stored_id: str | None
    source: Literal["store", "packaged"]
    sha256: str
    thresholds: Thresholds
    info: dict[str, Any]


class LexiconInUse(Shape):
    sha256: str


class DetectionStatus(Shape):
    """The model and lexicon in use, the labelled examples and every stored model."""

    model: ModelInUse
    lexicon: LexiconInUse
    examples: int
    models: list[DetectionModelRecord]


class Retrained(Shape):
    """The candidate, kept (and switched to) when it is not worse than the model in use."""

    switched: bool
    model: DetectionModelRecord
    figures: dict[str, Any]


class Duration(Shape):
    count: int
    avg_seconds: float | None


class GridCount(Shape):
    grid_id: str | None
    name: str | None
    count: int


class Satisfaction(Shape):
    rated: int
    satisfied: int
    rate: float | None


class TicketStatistics(Shape):
    """工单统计 of the tickets created in the window that the staff member sees."""

    total: int
    by_category: dict[str, int]
    by_status: dict[str, int]
    by_grid: list[GridCount]
    first_response: Duration
    close: Duration
    satisfaction: Satisfaction
    overdue: int
    drafts_open: int
    drafts_dismissed: int
    from_: IsoTime | None = Field(alias="from")
    until: IsoTime | None


class Process(Shape):
    """A process of the deployment; another's figures are those of its last heartbeat."""

    id: str
    this: bool
    host: str = ""
    pid: int = 0
    started_at: IsoTime | None = None
    sockets: int = 0
    loop_lag_seconds: float = 0.0
    loop_lag_worst_seconds: float = 0.0
    seen_at: IsoTime | None = None


class Sockets(Shape):
    connected: int
    by_room_kind: dict[str, int]


class LoopLag(Shape):
    latest: float
    worst: float


class StoreHealth(Shape):
    kind: Literal["sqlite", "mongodb"]
    status: Literal["ok", "unreachable"]


class RedisHealth(Shape):
    status: Literal["ok", "unreachable", "not_configured"]
    fanout: Literal["subscribed", "not_subscribed"] | None


class NoBackup(Shape):
    last_at: None
    age_seconds: None


class LastBackup(Shape):
    last_at: IsoTime
    age_seconds: int
    backend: str
    rows: int
    schema_version: int


class DetectionSummary(Shape):
    model_config = ConfigDict(protected_namespaces=())

    model: str | None
    model_source: Literal["stored", "packaged"]
    lexicon_sha256: str | None
    lexicon_source: Literal["custom", "packaged"]


class StatusPage(Shape):
    """What an operator checks first: processes, sockets, loop lag, store, Redis, backup."""

    now: IsoTime
    processes: list[Process]
    sockets: Sockets
    loop_lag_seconds: LoopLag
    store: StoreHealth
    redis: RedisHealth
    backup: LastBackup | NoBackup
    detection: DetectionSummary
