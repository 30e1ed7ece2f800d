"""Keyword detection in the running server: the current detector, its reload, and the message
hook that turns a detected report into a draft ticket. Scoring runs in a worker thread after
the message was delivered, so chat never waits for it."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from chat.errors import Forbidden, Invalid
from chat.events import MessageCreated
from chat.models import RESIDENT_ROLES, User
from chat.permissions import is_active
from chat.services import Services
from moderation import audit, filing
from moderation.detector import Detection, Detector
from moderation.lexicon import LexiconError, load_lexicon
from moderation.models import DetectionInfo

log = logging.getLogger(__name__)
RELOAD_CHANNEL = "linli:lexicon-reload"


class DetectionService:
    def __init__(self, lexicon_path: Path | None) -> None:
        self._path = lexicon_path
        self._detector: Detector | None = None
        self._origin = f"{os.getpid()}-{id(self)}"
        logging.getLogger("jieba").setLevel(logging.WARNING)

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            raise RuntimeError("the detector is not loaded; call load() at start-up")
        return self._detector

    async def load(self) -> dict[str, Any]:
        """Build a detector from the lexicon file (loading jieba's dictionary) off the event
        loop, then swap it in. A broken file raises LexiconError and the old one stays."""
        detector = await asyncio.to_thread(lambda: Detector(load_lexicon(self._path)))
        self._detector = detector
        source = str(self._path) if self._path else "packaged default"
        log.info("detection lexicon loaded from %s", source)
        return {"lexicon": source}

    async def reload_everywhere(self, redis: Redis | None) -> dict[str, Any]:
        """Reload here (errors reach the caller), then tell the other processes."""
        loaded = await self.load()
        if redis is not None:
            await redis.publish(RELOAD_CHANNEL, self._origin)
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
            await pubsub.subscribe(RELOAD_CHANNEL)
            async for event in pubsub.listen():
                if event.get("type") != "message" or event.get("data") == self._origin:
                    continue
                try:
                    await self.load()
                except LexiconError as exc:
                    log.error("lexicon reload announced but failed here: %s", exc)

    async def detect(self, text: str) -> Detection:
        return await asyncio.to_thread(self.detector.detect, text)

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
                                 urgency=found.urgency, matches=found.matches)
            # Once the draft is being written it is finished and announced even if this
            # handler's time runs out: a half-made draft nobody hears of helps nobody.
            await asyncio.shield(filing.create_draft(services, message, room, sender, info))

        return on_message


async def reload_lexicon(services: Services, detection: DetectionService, redis: Redis | None,
                         actor: User) -> dict[str, Any]:
    """An admin reloads the lexicon file in every process; a broken file changes nothing."""
    if actor.role != "admin" or not is_active(actor):
        raise Forbidden("community admins only / 仅限社区管理员")
    try:
        loaded = await detection.reload_everywhere(redis)
    except LexiconError as exc:
        raise Invalid(f"lexicon not reloaded, the old one stays: {exc} / 词库有误，未重新加载") \
            from exc
    await audit.record(services, actor, "lexicon.reload", "lexicon", loaded["lexicon"],
                       actor.community_id)
    return loaded
