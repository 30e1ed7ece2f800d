"""办事指南: answers `/办事 <words>` and `@办事指南 <question>` in the room with the best three
entries of the community's service directory, one line each; and a plain message that reads
as a 办事 question (「请问老年证在哪里办？」, 「怎么办居住证」) with a suggestion, when the
directory has one (otherwise it stays silent: the room is for neighbours)."""

from __future__ import annotations

import re
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


# A question about getting something done: where / how to 办 or 申请 something, or what it
# takes. 「电梯坏了怎么办？」 is a complaint, not a 办事 question: a bare 怎么办 at the end is not.
ASKS = re.compile(
    r"(怎么|怎样|如何|哪里|哪儿|在哪|去哪|到哪|什么地方|哪个部门)[^。！!，,]{0,4}"
    r"(办|申请|领|补办|开具?|换)"
    r"|(办理?|申请|领取?|开)[^。！!，,？?]{0,8}(在哪|哪里|去哪|找谁|(要|需要)[^。！!，,]{0,4}"
    r"(什么|哪些|啥))")
IDIOM = re.compile(r"(怎么|咋|如何)办[吧呀啊呢吗嘛？?!！。…\s]*$")
MAX_QUESTION = 60


def asks_for_service(text: str) -> bool:
    text = text.strip()
    if not text or text.startswith("/") or len(text) > MAX_QUESTION or IDIOM.search(text):
        return False
    return ASKS.search(text) is not None


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


def suggestion_text(question: str, entries: list[dict[str, Any]]) -> str:
    return (answer_text(question, entries)
            + f"\n（想查别的，可以发“/{COMMAND} 关键词”，例如“/{COMMAND} 社保”）")


class DirectoryBot(Bot):
    name = "directory"
    display_name = "办事指南"
    commands: ClassVar[Mapping[str, str]] = {COMMAND: "查办事指南：/办事 社保"}

    async def on_command(self, ctx: MessageContext, command: str, args: str) -> None:
        await self._answer(ctx, args)

    async def on_mention(self, ctx: MessageContext, text: str) -> None:
        await self._answer(ctx, text)

    async def on_message(self, ctx: MessageContext) -> None:
        text = ctx.message.text
        if f"@{self.display_name}" in text or not asks_for_service(text):
            return
        entries = await ctx.search_directory(text, limit=3)
        if entries:
            await ctx.reply(suggestion_text(text.strip(), entries))

    async def _answer(self, ctx: MessageContext, question: str) -> None:
        question = question.strip()
        if not question:
            await ctx.reply(HELP)
            return
        await ctx.reply(answer_text(question, await ctx.search_directory(question, limit=3)))
