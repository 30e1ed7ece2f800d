"""The store interface of detection learning (composed into web.stores.Store)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from chat.errors import Invalid, TooLarge
from moderation.learning_models import (
    MODEL_STATUSES,
    DetectionExample,
    DetectionModelRecord,
    ModelStatus,
)

MAX_MODEL_BLOB = 15 * 1024 * 1024  # bytes; a MongoDB document holds at most 16 MiB


def settable_status(status: str) -> ModelStatus:
    """The status update_detection_model_status may set; Invalid otherwise."""
    for known in MODEL_STATUSES:
        if status == known and known != "active":
            return known
    raise Invalid(f"cannot set a detection model's status to {status!r}")


def check_blob(blob: bytes) -> None:
    if len(blob) > MAX_MODEL_BLOB:
        raise TooLarge(f"a detection model holds at most {MAX_MODEL_BLOB} bytes")


class LearningStore(ABC):
    # ---- examples -------------------------------------------------------------------------
    @abstractmethod
    async def upsert_detection_example(self, example: DetectionExample) -> None:
        """Insert, or replace the example with the same id keeping its created_at."""

    @abstractmethod
    async def list_detection_examples(self, *, community_id: str | None = None,
                                      limit: int | None = None) -> list[DetectionExample]:
        """Ordered by (created_at, id) ascending."""

    @abstractmethod
    async def count_detection_examples(self) -> int: ...

    # ---- models ---------------------------------------------------------------------------
    @abstractmethod
    async def add_detection_model(self, record: DetectionModelRecord, blob: bytes) -> None:
        """Conflict if the id or the version exists; TooLarge above MAX_MODEL_BLOB."""

    @abstractmethod
    async def get_detection_model(self, model_id: str) -> DetectionModelRecord | None: ...

    @abstractmethod
    async def get_detection_model_blob(self, model_id: str) -> bytes | None: ...

    @abstractmethod
    async def list_detection_models(self, limit: int = 50) -> list[DetectionModelRecord]:
        """Newest version first."""

    @abstractmethod
    async def next_detection_model_version(self) -> int:
        """1 + the highest stored version (1 when none)."""

    @abstractmethod
    async def activate_detection_model(self, model_id: str | None, at: datetime
                                       ) -> DetectionModelRecord | None:
        """Retire the active model (if any) and make this one active (NotFound if absent);
        None leaves no stored model active (the packaged one is used) and returns None."""

    @abstractmethod
    async def update_detection_model_status(self, model_id: str, status: str,
                                            note: str = "") -> None:
        """Set a status other than "active" (use activate_detection_model), and the note
        unless empty; NotFound if absent, Invalid for an unknown status or "active"."""

    @abstractmethod
    async def active_detection_model(self) -> DetectionModelRecord | None: ...
