"""The blocked-words check: the global list from settings plus each community's own list,
cached for a few seconds so a send does not read the store each time."""

from __future__ import annotations

import time

from chat.errors import BlockedContent
from chat.store.base import ChatStore

CACHE_SECONDS = 5.0


class BlockedWords:
    def __init__(self, ttl: float = CACHE_SECONDS) -> None:
        self._ttl = ttl
        self._cache: dict[str, tuple[float, tuple[str, ...]]] = {}

    async def words(self, store: ChatStore, community_id: str) -> tuple[str, ...]:
        hit = self._cache.get(community_id)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        config = await store.get_community_config(community_id)
        words = tuple(w.lower() for w in config.blocked_words) if config else ()
        self._cache[community_id] = (time.monotonic() + self._ttl, words)
        return words

    def forget(self, community_id: str) -> None:
        self._cache.pop(community_id, None)

    async def check(self, store: ChatStore, community_id: str, global_words: list[str],
                    text: str) -> None:
        lowered = text.lower()
        for word in (*global_words, *await self.words(store, community_id)):
            if word and word.lower() in lowered:
                raise BlockedContent("the message contains a blocked word / 消息含有违禁词")
