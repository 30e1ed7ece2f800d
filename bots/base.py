"""The bot interface. A bot reacts to chat messages, answers slash commands and mentions,
follows domain events and runs scheduled work — always through a context of safe actions
(post as itself, post a notice, create a poll, read the triggering message). Bots never see
a store or another person's private data.

Subclass `Bot`, set `name`, `display_name` and whichever of `commands`, `events`, `every`
you use, and override the matching `on_*` methods; the defaults do nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from bots.context import EventContext, MessageContext, ScheduleContext


class Bot:
    name: ClassVar[str]
    """Stable id: the key in `bots` settings and the sender id `bot:<name>`."""
    display_name: ClassVar[str]
    """How it signs its messages and how people @mention it."""
    commands: ClassVar[Mapping[str, str]] = {}
    """Slash commands without the slash → one line of help, e.g. {"办事": "查办事指南"}."""
    events: ClassVar[tuple[type, ...]] = ()
    """Domain event classes to receive in `on_event` (e.g. moderation.events.TicketChanged)."""
    every: ClassVar[float | None] = None
    """Seconds between `on_schedule` runs; None for no scheduled work."""

    async def on_message(self, ctx: MessageContext) -> None:
        """Every person's message in a room of a community where the bot is enabled."""

    async def on_command(self, ctx: MessageContext, command: str, args: str) -> None:
        """A message starting with `/<command>` for one of `commands`."""

    async def on_mention(self, ctx: MessageContext, text: str) -> None:
        """A message mentioning `@<display_name>`; `text` is the message without the mention."""

    async def on_event(self, ctx: EventContext, event: object) -> None:
        """One of `events` happened in a community where the bot is enabled."""

    async def on_schedule(self, ctx: ScheduleContext) -> None:
        """Runs every `every` seconds."""
