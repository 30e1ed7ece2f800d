"""What an action needs, in one object built by the app factory (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bots.directory.tokens import SegmenterLoader
from bots.notices.pacing import AckPacer
from chat.auth import Secrets
from chat.blocked import BlockedWords
from chat.clock import Clock
from chat.events import Events
from chat.mentions import MentionIndex
from chat.realtime.fanout import Fanout
from chat.realtime.ratelimit import RateLimiter
from chat.realtime.registry import SocketRegistry
from chat.store.base import Store
from config.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    secrets: Secrets
    clock: Clock
    fanout: Fanout
    limiter: RateLimiter
    registry: SocketRegistry
    events: Events = field(default_factory=Events)
    blocked: BlockedWords = field(default_factory=BlockedWords)
    directory_terms: SegmenterLoader | None = None
    ack_pacer: AckPacer = field(default_factory=AckPacer)
    mentions: MentionIndex = field(default_factory=MentionIndex)
