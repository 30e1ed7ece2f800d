"""Learning from the workers' decisions (kept by moderation.examples): the operator level
retrains from them, the candidate replaces the model in use only when it is not worse, every
switch is audited, and the previous model can be restored."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from redis.asyncio import Redis

from chat import audit
from chat.audit import AuditAction
from chat.errors import Conflict, Forbidden, NotFound
from chat.ids import new_id
from chat.models import User
from chat.permissions import is_active, is_operator_level
from chat.services import Services
from moderation import retraining
from moderation.detection import DetectionService
from moderation.evaluate import Labelled
from moderation.learning_models import DetectionModelRecord
from moderation.replies import DetectionStatus, Retraining
from moderation.store.base import moderation_store

log = logging.getLogger(__name__)
_running = asyncio.Lock()


Actor = User | str  # a person over REST, or "operator" at the command line


def _admin(actor: Actor) -> None:
    """Who may read the model's status: community admins and the operator level."""
    if isinstance(actor, User) and not is_operator_level(actor) and (
            actor.role != "admin" or not is_active(actor)):
        raise Forbidden("仅限社区管理员 / community admins only")


def _operator(actor: Actor) -> None:
    """Who may change the model every community runs: the operator level."""
    if isinstance(actor, User) and not is_operator_level(actor):
        raise Forbidden("仅限区级管理员 / district administrators only")


def _ids(actor: Actor) -> tuple[str, str | None]:
    """(who, their community) for records and the audit log."""
    return (actor.id, actor.community_id) if isinstance(actor, User) else (actor, None)


async def status(services: Services, detection: DetectionService, actor: Actor
                 ) -> DetectionStatus:
    _admin(actor)
    store = moderation_store(services)
    return DetectionStatus(detection.classifier.model.file, detection.model_id,
                           detection.lexicon_sha256, await store.count_detection_examples(),
                           tuple(await store.list_detection_models()))


def _in_process(request: retraining.Request) -> retraining.Outcome:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(retraining.run, request).result()


async def retrain(services: Services, detection: DetectionService, actor: Actor,
                  redis: Redis | None) -> Retraining:
    """Train a candidate with the store's examples; switch to it when it is not worse."""
    _operator(actor)
    if _running.locked():
        raise Conflict("a retraining is already running / 正在重新训练，请稍候")
    async with _running:
        examples = await moderation_store(services).list_detection_examples()
        version = await moderation_store(services).next_detection_model_version()
        request = retraining.Request(
            [(e.id, Labelled(text=e.text, is_report=e.is_report, category=e.category,
                             urgency=e.urgency)) for e in examples],
            detection.classifier.model.file.to_bytes(), f"v{version}",
            services.settings.lexicon_path)
        outcome = await asyncio.to_thread(_in_process, request)
        record = await _keep(services, actor, version, len(examples), outcome)
    if outcome.not_worse:
        await _switch(services, detection, actor, redis, record.id, AuditAction.DETECTION_SWITCH)
    else:
        await audit.record(services, actor, AuditAction.DETECTION_REJECT, "detection", record.id,
                           _ids(actor)[1], figures=outcome.figures)
    log.info("retrained detection model %s on %d examples: %s", record.id, len(examples),
             "switched" if outcome.not_worse else "kept the current model")
    return Retraining(outcome.not_worse, await _get(services, record.id), outcome.figures)


async def _keep(services: Services, actor: Actor, version: int, examples: int,
                outcome: retraining.Outcome) -> DetectionModelRecord:
    record = DetectionModelRecord(
        id=new_id("dm", 12), version=version, sha256=outcome.sha256, size=len(outcome.candidate),
        created_at=services.clock.now(), created_by=_ids(actor)[0], examples=examples,
        figures=outcome.figures, status="candidate" if outcome.not_worse else "rejected",
        note="" if outcome.not_worse else "worse than the model in use / 不优于当前模型")
    await moderation_store(services).add_detection_model(record, outcome.candidate)
    return record


async def _get(services: Services, model_id: str) -> DetectionModelRecord:
    record = await moderation_store(services).get_detection_model(model_id)
    if record is None:
        raise NotFound("no such detection model / 检测模型不存在")
    return record


async def _switch(services: Services, detection: DetectionService, actor: Actor,
                  redis: Redis | None, model_id: str | None, action: AuditAction) -> None:
    previous = detection.model_id
    await moderation_store(services).activate_detection_model(model_id, services.clock.now())
    loaded = await detection.reload_everywhere(redis)
    await audit.record(services, actor, action, "detection", model_id or "packaged",
                       _ids(actor)[1], previous=previous or "packaged", model=loaded.model_version)


async def restore(services: Services, detection: DetectionService, actor: Actor,
                  redis: Redis | None, model_id: str | None) -> DetectionStatus:
    """Go back to an earlier stored model, or to the packaged one (model_id None)."""
    _operator(actor)
    if model_id is not None:
        record = await _get(services, model_id)
        if record.status == "rejected":
            raise Conflict("a rejected model cannot be restored / 未通过评估的模型不能启用")
    await _switch(services, detection, actor, redis, model_id, AuditAction.DETECTION_RESTORE)
    return await status(services, detection, actor)
