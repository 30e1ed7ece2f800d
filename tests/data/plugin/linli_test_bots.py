"""A third-party bot package for the tests: found through its `linli.bots` entry points."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import ClassVar

from bots.base import Bot
from bots.context import MessageContext


class EchoBot(Bot):
    name = "echo"
    display_name = "回声"
    commands: ClassVar[Mapping[str, str]] = {"回声": "把后面的话说一遍"}

    async def on_command(self, ctx: MessageContext, command: str, args: str) -> None:
        await ctx.reply(f"{ctx.message.sender_name}说：{args}")

    async def on_mention(self, ctx: MessageContext, text: str) -> None:
        await ctx.reply(f"听到了：{text}")


class HangingBot(Bot):
    name = "hang"
    display_name = "卡住"

    async def on_message(self, ctx: MessageContext) -> None:
        await asyncio.Event().wait()


class BrokenBot(Bot):
    name = "boom"
    display_name = "出错"

    async def on_message(self, ctx: MessageContext) -> None:
        raise RuntimeError("this bot is broken on purpose")


class NotABot:
    name = "imposter"
