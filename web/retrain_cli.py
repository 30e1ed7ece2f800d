"""`linli detect train --from-store`: the admin's retraining, run by the operator."""

from __future__ import annotations

import json
from pathlib import Path

from redis.asyncio import Redis

from config.settings import load_settings
from moderation import learning
from moderation.detection import DetectionService
from moderation.store.base import moderation_store
from web.app import redis_names


async def from_store(config: Path | None) -> int:
    from web.cli import offline_services

    settings = load_settings(config)
    redis = Redis.from_url(settings.redis_url, decode_responses=True) \
        if settings.redis_url else None
    try:
        async with offline_services(settings) as services:
            store = moderation_store(services)
            detection = DetectionService(settings.lexicon_path, store, redis_names(settings))
            await detection.load()
            examples = await store.count_detection_examples()
            print(f"retraining with {examples} examples from the store "
                  "(this takes a minute)…", flush=True)
            result = await learning.retrain(services, detection, "operator", redis)
    finally:
        if redis is not None:
            await redis.aclose()
    print(json.dumps(dict(result.figures), ensure_ascii=False, indent=2))
    model = result.model
    print(f"model {model.id} (v{model.version}): "
          + ("switched to it in every process" if result.switched
             else "not better than the model in use; kept the current one"))
    return 0
