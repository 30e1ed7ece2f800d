"""办事指南: answers `/办事 <words>` and `@办事指南 <question>` in the room with the best three
entries of the community's service directory, one line each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from bots.base import Bot
from bots.directory.models import CATEGORIES

if TYPE_CHECKING:
    from bots.context import MessageContext

COMMAND = "办事"
CATEGORY_LIST = "、".join(CATEGORIES)
HELP = (f"请告诉我您要办的事，例如“/{COMMAND} 社保”或“@办事指南 哪里可以办老年证”。"
        f"可查询的类别：{CATEGORY_LIST}。")


def entry_line(n: int, entry: dict[str, Any]) -> str:
    parts = [f"{n}. {entry['name']}（{entry['category']}）"]
    for label, key in (("地址", "address"), ("时间", "hours"), ("电话", "phone")):
        if entry[key]:
            parts.append(f"{label}：{entry[key]}")
    return "｜".join(parts)


def answer_text(question: str, entries: list[dict[str, Any]]) -> str:
    if not entries:
        return (f"没有找到与“{question}”相关的办事指南。可以换个说法再问，或按类别查询："
                f"{CATEGORY_LIST}（例如“/{COMMAND} 法律服务”），也可以咨询网格员。")
    lines = [entry_line(n, e) for n, e in enumerate(entries, 1)]
    return "\n".join([f"【办事指南】“{question}”可以找：", *lines])


class DirectoryBot(Bot):
    name = "directory"
    display_name = "办事指南"
    commands: ClassVar[Mapping[str, str]] = {COMMAND: "查办事指南：/办事 社保"}

    async def on_command(self, ctx: MessageContext, command: str, args: str) -> None:
        await self._answer(ctx, args)

    async def on_mention(self, ctx: MessageContext, text: str) -> None:
        await self._answer(ctx, text)

    async def _answer(self, ctx: MessageContext, question: str) -> None:
        question = question.strip()
        if not question:
            await ctx.reply(HELP)
            return
        await ctx.reply(answer_text(question, await ctx.search_directory(question, limit=3)))
