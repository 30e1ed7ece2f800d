"""Which bots exist and where they are enabled, and the wiring that calls them.

Built-in bots are on in every community. Third-party bots are found in the `linli.bots`
entry-point group (the entry point names a `Bot` subclass) and are on only where the `bots`
setting enables them: `{"<community id>": ["<bot name>", ...], "*": [...]}`. Messages reach the
bots through one resumable consumer ("bots", see chat.follow): after a crash a message may come
again, and a bot's reply to it is then the one already posted. Each bot runs with its own time
limit, so one that raises or hangs is logged and timed out alone."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from importlib.metadata import entry_points

from redis.exceptions import RedisError

from bots.base import Bot
from bots.context import EventContext, MessageContext, ScheduleContext
from chat.errors import Unavailable
from chat.events import MessageCreated
from chat.follow.hub import Follow
from chat.scheduler import Scheduler
from chat.services import Services

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "linli.bots"
ALL = "*"
COMMAND = re.compile(r"^/(\S+)\s*(.*)$", re.DOTALL)


def third_party_bots() -> list[Bot]:
    found: list[Bot] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry.load()
            bot = cls()
        except Exception:
            log.exception("could not load bot %s from %s", entry.name, entry.value)
            continue
        if not isinstance(bot, Bot):
            log.error("entry point %s is not a linli Bot; skipped", entry.name)
            continue
        found.append(bot)
        log.info("found bot %s (%s) from %s", bot.name, bot.display_name, entry.value)
    return found


async def _scheduled(bot: Bot, context: ScheduleContext, limit: float) -> None:
    """One run of a bot's scheduled work, within the same time limit as its other hooks.
    (With several processes each runs it: a bot that must act once per tick keeps its own
    lock, e.g. in Redis.)"""
    try:
        await asyncio.wait_for(bot.on_schedule(context), limit)
    except TimeoutError:
        log.error("bot %s: scheduled work timed out after %.1f s", bot.name, limit)


async def _limited(bot: Bot, handle: Callable[[MessageCreated], Awaitable[None]],
                   event: MessageCreated, limit: float) -> None:
    try:
        await asyncio.wait_for(handle(event), limit)
    except (Unavailable, RedisError):
        raise  # the message comes again once the store or Redis is back
    except TimeoutError:
        log.error("bot %s timed out after %.1f s on message %s", bot.name, limit,
                  event.message.id)
    except Exception:
        log.exception("bot %s failed on message %s", bot.name, event.message.id)


class BotRegistry:
    def __init__(self, builtin: Sequence[Bot], third_party: Sequence[Bot],
                 enabled: Mapping[str, Sequence[str]]) -> None:
        names = [b.name for b in (*builtin, *third_party)]
        if len(set(names)) != len(names):
            raise ValueError(f"two bots share a name: {sorted(names)}")
        self._builtin = {b.name for b in builtin}
        self.bots: tuple[Bot, ...] = (*builtin, *third_party)
        self._enabled = {community: frozenset(bots) for community, bots in enabled.items()}

    def communities(self, bot: Bot) -> frozenset[str] | None:
        """Where the bot is on: None means every community."""
        if bot.name in self._builtin or bot.name in self._enabled.get(ALL, frozenset()):
            return None
        return frozenset(c for c, bots in self._enabled.items() if bot.name in bots)

    def is_enabled(self, bot: Bot, community_id: str) -> bool:
        where = self.communities(bot)
        return where is None or community_id in where

    def commands(self, community_id: str) -> dict[str, str]:
        """Slash command → help, for the bots enabled in a community."""
        return {f"/{command}": help_text for bot in self.bots if self.is_enabled(bot, community_id)
                for command, help_text in bot.commands.items()}

    def attach(self, services: Services, scheduler: Scheduler, follow: Follow) -> None:
        handlers = [(bot, self._on_message(services, bot)) for bot in self.bots]
        limit = services.settings.hook_timeout_seconds

        async def on_message(event: MessageCreated) -> None:
            await asyncio.gather(*(_limited(bot, handle, event, limit)
                                   for bot, handle in handlers))

        follow.add("bots", on_message, None)
        for bot in self.bots:
            for kind in bot.events:
                services.events.subscribe(kind, f"bot {bot.name}", self._on_event(services, bot))
            if bot.every is not None:
                context = ScheduleContext(services, bot, self.communities(bot))
                scheduler.add(f"bot {bot.name}", bot.every,
                              partial(_scheduled, bot, context,
                                      services.settings.hook_timeout_seconds))

    def _on_message(self, services: Services, bot: Bot
                    ) -> Callable[[MessageCreated], Awaitable[None]]:
        async def handle(event: MessageCreated) -> None:
            if event.message.kind != "text" or not self.is_enabled(bot, event.room.community_id):
                return
            ctx = MessageContext(services, bot, event.message, event.room, event.sender)
            text = event.message.text
            command = COMMAND.match(text)
            if command and command.group(1) in bot.commands:
                await bot.on_command(ctx, command.group(1), command.group(2).strip())
            elif f"@{bot.display_name}" in text:
                await bot.on_mention(ctx, text.replace(f"@{bot.display_name}", "").strip())
            await bot.on_message(ctx)

        return handle

    def _on_event(self, services: Services, bot: Bot) -> Callable[[object], Awaitable[None]]:
        async def handle(event: object) -> None:
            community_id = getattr(event, "community_id", None)
            if not isinstance(community_id, str) or not self.is_enabled(bot, community_id):
                return
            await bot.on_event(EventContext(services, bot, community_id), event)

        return handle
