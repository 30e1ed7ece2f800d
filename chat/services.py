"""What an action needs, in one object built by the app factory (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from chat.auth import Secrets
from chat.blocked import BlockedWords
from chat.clock import Clock
from chat.events import Events
from chat.mentions import MentionIndex
from chat.realtime.fanout import Fanout
from chat.realtime.pacing import AckPacer
from chat.realtime.ratelimit import RateLimiter
from chat.realtime.registry import SocketRegistry
from chat.store.base import ChatStore
from config.settings import Settings


class Preload(Protocol):
    """Something slow to build, started in a thread when the app starts (the bots' directory
    search vocabulary, bots.directory.tokens.SegmenterLoader): the part that uses it narrows it
    to its own type."""

    def start(self) -> None: ...


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: ChatStore
    secrets: Secrets
    clock: Clock
    fanout: Fanout
    limiter: RateLimiter
    registry: SocketRegistry
    events: Events = field(default_factory=Events)
    blocked: BlockedWords = field(default_factory=BlockedWords)
    directory_terms: Preload | None = None
    ack_pacer: AckPacer = field(default_factory=AckPacer)
    mentions: MentionIndex = field(default_factory=MentionIndex)
