"""The Store contract for detection learning (examples and trained models), on every
backend. Data sets stay small (mongoeco is slow)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chat.errors import Conflict, Invalid, NotFound, TooLarge
from moderation.learning_models import DetectionExample, DetectionModelRecord
from moderation.store.learning import MAX_MODEL_BLOB
from web.stores import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def example(example_id: str, minutes: int = 0, **fields: Any) -> DetectionExample:
    at = T0 + timedelta(minutes=minutes)
    values: dict[str, Any] = {
        "id": example_id, "text": "楼道里有电动车充电 [电话]", "is_report": True,
        "category": "fire_safety", "urgency": "normal", "source": "confirmed",
        "ticket_id": "t1", "message_id": "m1", "community_id": "c1", "actor_id": "w1",
        "created_at": at, "updated_at": at}
    return DetectionExample(**(values | fields))


def model(model_id: str, version: int, **fields: Any) -> DetectionModelRecord:
    values: dict[str, Any] = {
        "id": model_id, "version": version, "sha256": f"{version:064x}", "size": 3,
        "created_at": T0 + timedelta(hours=version), "created_by": "admin1", "examples": 40,
        "figures": {"f1": 0.81, "per_category": {"fire_safety": {"recall": 0.9}}},
        "status": "candidate"}
    return DetectionModelRecord(**(values | fields))


def ids(records: list[DetectionExample] | list[DetectionModelRecord]) -> list[str]:
    return [r.id for r in records]


async def test_upsert_replaces_an_example_keeping_created_at(store: Store) -> None:
    assert await store.count_detection_examples() == 0
    first = example("x1")
    await store.upsert_detection_example(first)
    assert await store.list_detection_examples() == [first]
    later = T0 + timedelta(days=2)
    corrected = example("x1", is_report=False, category=None, urgency="low",
                        source="corrected", ticket_id=None, created_at=later, updated_at=later)
    await store.upsert_detection_example(corrected)
    assert await store.list_detection_examples() == [
        corrected.model_copy(update={"created_at": T0})]
    assert await store.count_detection_examples() == 1


async def test_examples_are_listed_oldest_first_by_community(store: Store) -> None:
    await store.upsert_detection_example(example("x3", 5))
    await store.upsert_detection_example(example("x2", 5, community_id="c2", source="filed"))
    await store.upsert_detection_example(example("x1", 9))
    await store.upsert_detection_example(example("x0", 1, source="dismissed"))
    assert ids(await store.list_detection_examples()) == ["x0", "x2", "x3", "x1"]
    assert ids(await store.list_detection_examples(limit=2)) == ["x0", "x2"]
    assert await store.list_detection_examples(limit=0) == []
    assert ids(await store.list_detection_examples(community_id="c1")) == ["x0", "x3", "x1"]
    assert ids(await store.list_detection_examples(community_id="c1", limit=1)) == ["x0"]
    assert await store.list_detection_examples(community_id="c9") == []
    assert await store.count_detection_examples() == 4


async def test_models_and_their_blobs(store: Store) -> None:
    assert await store.next_detection_model_version() == 1
    assert await store.list_detection_models() == []
    blobs = {v: random.Random(v).randbytes(300_000 + v) for v in (1, 2, 3)}
    for v, blob in blobs.items():
        await store.add_detection_model(model(f"m{v}", v, size=len(blob)), blob)
    assert await store.next_detection_model_version() == 4
    assert await store.get_detection_model("m2") == model("m2", 2, size=300_002)
    assert await store.get_detection_model("nope") is None
    for v, blob in blobs.items():
        assert await store.get_detection_model_blob(f"m{v}") == blob
    assert await store.get_detection_model_blob("nope") is None
    listed = await store.list_detection_models()
    assert listed == [model(f"m{v}", v, size=300_000 + v) for v in (3, 2, 1)]
    assert all("blob" not in r.model_dump() for r in listed)
    assert ids(await store.list_detection_models(limit=2)) == ["m3", "m2"]


async def test_model_id_and_version_are_unique(store: Store) -> None:
    await store.add_detection_model(model("m1", 1), b"one")
    with pytest.raises(Conflict):
        await store.add_detection_model(model("m2", 1), b"two")
    with pytest.raises(Conflict):
        await store.add_detection_model(model("m1", 2), b"two")
    with pytest.raises(TooLarge):
        await store.add_detection_model(model("m3", 3), bytes(MAX_MODEL_BLOB + 1))
    assert ids(await store.list_detection_models()) == ["m1"]
    assert await store.get_detection_model_blob("m1") == b"one"


async def test_activation_retires_the_active_model(store: Store) -> None:
    for v in (1, 2, 3):
        await store.add_detection_model(model(f"m{v}", v), b"\x00\xff" * v)
    assert await store.active_detection_model() is None
    t1, t2 = T0 + timedelta(days=1), T0 + timedelta(days=2)
    first = await store.activate_detection_model("m1", t1)
    assert first == model("m1", 1, status="active", activated_at=t1)
    assert await store.active_detection_model() == first
    second = await store.activate_detection_model("m2", t2)
    assert second == model("m2", 2, status="active", activated_at=t2)
    assert await store.active_detection_model() == second
    assert await store.get_detection_model("m1") == model("m1", 1, status="retired",
                                                          activated_at=t1)
    again = await store.activate_detection_model("m2", t2 + timedelta(hours=1))
    assert again is not None and again.activated_at == t2 + timedelta(hours=1)
    statuses = {r.id: r.status for r in await store.list_detection_models()}
    assert statuses == {"m3": "candidate", "m2": "active", "m1": "retired"}
    with pytest.raises(NotFound):
        await store.activate_detection_model("nope", t2)
    assert await store.active_detection_model() == again
    assert await store.activate_detection_model(None, t2) is None
    assert await store.active_detection_model() is None
    assert {r.id: r.status for r in await store.list_detection_models()} == {
        "m3": "candidate", "m2": "retired", "m1": "retired"}
    assert await store.activate_detection_model(None, t2) is None
    assert await store.get_detection_model_blob("m2") == b"\x00\xff" * 2


async def test_update_status_and_note(store: Store) -> None:
    await store.add_detection_model(model("m1", 1, note="夜间训练"), b"blob")
    await store.update_detection_model_status("m1", "rejected", "recall fell on 消防安全")
    assert await store.get_detection_model("m1") == model(
        "m1", 1, status="rejected", note="recall fell on 消防安全")
    await store.update_detection_model_status("m1", "candidate")
    assert await store.get_detection_model("m1") == model(
        "m1", 1, status="candidate", note="recall fell on 消防安全")
    with pytest.raises(NotFound):
        await store.update_detection_model_status("nope", "rejected")
    for status in ("active", "deleted"):
        with pytest.raises(Invalid):
            await store.update_detection_model_status("m1", status)
    assert await store.get_detection_model_blob("m1") == b"blob"
