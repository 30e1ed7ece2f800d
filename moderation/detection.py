"""Detection in the running server: the current classifier (lexicon + trained model), its reload
in every process, and the message hook that turns a detected report into a draft ticket.
Scoring runs in a worker thread after the message was delivered, so chat never waits for it.
The model is the store's active one (trained from workers' decisions) or the packaged one."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chat import audit
from chat.audit import AuditAction
from chat.errors import Forbidden, Invalid
from chat.events import MessageCreated
from chat.metrics import DETECTION_SECONDS, DRAFTS_MADE, timed
from chat.models import RESIDENT_ROLES, User
from chat.permissions import is_operator_level
from chat.realtime.redis_names import RedisNames
from chat.services import Services
from moderation import filing
from moderation.classifier import Classifier, Model
from moderation.detector import Detection, Detector
from moderation.lexicon import DEFAULT_PATH, LexiconError, load_lexicon
from moderation.model import PACKAGED
from moderation.model.weights import ModelFile, ModelFileError
from moderation.models import DetectionInfo
from moderation.replies import LoadedDetection
from moderation.store.learning import LearningStore

log = logging.getLogger(__name__)


def packaged_model() -> ModelFile:
    return ModelFile.from_bytes(PACKAGED.read_bytes())


class DetectionService:
    def __init__(self, lexicon_path: Path | None, store: LearningStore | None = None,
                 names: RedisNames | None = None) -> None:
        """`names`: the deployment's, whose channel announces reloads (None: no namespace)."""
        self._path = lexicon_path
        self._channel = (names or RedisNames()).lexicon_reload_channel
        self._store = store
        self._classifier: Classifier | None = None
        self.model_id: str | None = None  # the store's model in use; None: the packaged one
        self.lexicon_sha256 = ""
        self._origin = f"{os.getpid()}-{id(self)}"
        logging.getLogger("jieba").setLevel(logging.WARNING)

    @property
    def classifier(self) -> Classifier:
        if self._classifier is None:
            raise RuntimeError("the detector is not loaded; call load() at start-up")
        return self._classifier

    @property
    def detector(self) -> Detector:
        return self.classifier.detector

    async def load(self) -> LoadedDetection:
        """Build the lexicon's detector (loading jieba's dictionary) and the model off the
        event loop, then swap them in. A broken lexicon raises LexiconError and the old
        classifier stays; a stored model that fails its checksum falls back to the packaged
        one, loudly."""
        model_id, blob = await self._stored_model()
        classifier, stored = await asyncio.to_thread(self._build, blob)
        lexicon_bytes = await asyncio.to_thread((self._path or DEFAULT_PATH).read_bytes)
        self._classifier, self.model_id = classifier, model_id if stored else None
        self.lexicon_sha256 = hashlib.sha256(lexicon_bytes).hexdigest()
        log.info("detection loaded: lexicon from %s, model %s (%s)",
                 self._path or "packaged default", classifier.model.version,
                 f"stored {model_id}" if model_id else "packaged")
        return LoadedDetection(self._path is not None, self.lexicon_sha256,
                               classifier.model.version)

    async def _stored_model(self) -> tuple[str | None, bytes | None]:
        if self._store is None:
            return None, None
        record = await self._store.active_detection_model()
        if record is None:
            return None, None
        return record.id, await self._store.get_detection_model_blob(record.id)

    def _build(self, blob: bytes | None) -> tuple[Classifier, bool]:
        """The classifier, and whether it runs the stored model."""
        detector = Detector(load_lexicon(self._path))
        if blob is not None:
            try:
                return Classifier(detector, Model(ModelFile.from_bytes(blob))), True
            except ModelFileError as exc:
                log.error("the active stored model is unusable (%s); using the packaged one",
                          exc)
        return Classifier(detector, Model(packaged_model())), False

    async def reload_everywhere(self, redis: Redis | None) -> LoadedDetection:
        """Reload here (errors reach the caller), then tell the other processes."""
        loaded = await self.load()
        if redis is not None:
            await redis.publish(self._channel, self._origin)
        return loaded

    async def follow_reloads(self, redis: Redis) -> None:
        """Run for the life of the app: reload when another process announces a reload."""
        while True:
            try:
                await self._listen(redis)
            except RedisError as exc:
                log.warning("lexicon reload channel lost (%s); resubscribing", exc)
                await asyncio.sleep(1.0)

    async def _listen(self, redis: Redis) -> None:
        async with redis.pubsub() as pubsub:
            await pubsub.subscribe(self._channel)
            async for event in pubsub.listen():
                if event.get("type") != "message" or event.get("data") == self._origin:
                    continue
                try:
                    await self.load()
                except LexiconError as exc:
                    log.error("reload announced but the lexicon failed here: %s", exc)

    async def detect(self, text: str) -> Detection:
        with timed(DETECTION_SECONDS):
            return await asyncio.to_thread(self.classifier.detect, text)

    def hook(self, services: Services) -> Callable[[MessageCreated], Awaitable[None]]:
        async def on_message(event: MessageCreated) -> None:
            message, room, sender = event.message, event.room, event.sender
            # Staff file reports themselves; bots and system lines are not residents' words.
            if message.kind != "text" or sender.role not in RESIDENT_ROLES:
                return
            found = await self.detect(message.text)
            if not found.is_report:
                return
            info = DetectionInfo(score=found.score, category=found.category,
                                 urgency=found.urgency, matches=found.matches,
                                 model=self.classifier.model.version)
            # Once the draft is being written it is finished and announced even if this
            # handler's time runs out: a half-made draft nobody hears of helps nobody.
            draft = await asyncio.shield(filing.create_draft(services, message, room, sender,
                                                             info))
            if draft is not None:
                DRAFTS_MADE.inc()

        return on_message


async def reload_lexicon(services: Services, detection: DetectionService, redis: Redis | None,
                         actor: User) -> LoadedDetection:
    """The operator level reloads the lexicon file in every process (it serves every
    community); a broken file changes nothing. Answers and the audit never name the file."""
    if not is_operator_level(actor):
        raise Forbidden("仅限区级管理员 / district administrators only")
    try:
        loaded = await detection.reload_everywhere(redis)
    except LexiconError as exc:
        log.warning("lexicon reload refused: %s", exc)
        raise Invalid(f"词库有误，未重新加载 / lexicon not reloaded, the old one stays: "
                      f"{exc.problem}") from exc
    await audit.record(services, actor, AuditAction.LEXICON_RELOAD, "lexicon",
                       loaded.lexicon_sha256, actor.community_id,
                       source=loaded.lexicon_source)
    return loaded
