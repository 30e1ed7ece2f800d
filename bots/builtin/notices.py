"""公告 bot: `/公告` posts a notice in the sender's name, if the sender may (party members,
grid workers, admins). The notice itself is pinned, announced and tracked by bots.notices.

    /公告 标题｜正文 [#需确认]

The title ends at the first ｜ (or |); `#需确认` (or [需确认]) asks every household to
acknowledge it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from pydantic import ValidationError

from bots.base import Bot
from bots.builtin.commands import CommandError, chinese
from bots.context import MessageContext
from chat.errors import DomainError, Forbidden

USAGE = ("用法：/公告 标题｜正文 [#需确认]\n"
         "例：/公告 停水通知｜明天9点到12点3栋停水，请提前储水 #需确认")
ACK_TAG = re.compile(r"#需确认|[\[【]需确认[\]】]")
SEPARATOR = re.compile(r"[｜|]")


@dataclass(frozen=True)
class NoticeCommand:
    title: str
    body: str
    requires_ack: bool


def parse_notice_command(args: str) -> NoticeCommand:
    requires_ack = ACK_TAG.search(args) is not None
    parts = SEPARATOR.split(ACK_TAG.sub(" ", args), maxsplit=1)
    if len(parts) != 2:
        raise CommandError("请用 ｜ 分开标题和正文")
    title, body = (p.strip() for p in parts)
    if not title or not body:
        raise CommandError("标题和正文都不能为空")
    return NoticeCommand(title=title, body=body, requires_ack=requires_ack)


class NoticesBot(Bot):
    name = "notices"
    display_name = "公告"
    commands: ClassVar[Mapping[str, str]] = {"公告": "发布公告：/公告 标题｜正文 [#需确认]"}

    async def on_command(self, ctx: MessageContext, command: str, args: str) -> None:
        try:
            parsed = parse_notice_command(args)
        except CommandError as exc:
            await ctx.reply(f"{exc}\n{USAGE}")
            return
        try:
            await ctx.post_notice_as_sender(parsed.title, parsed.body,
                                            requires_ack=parsed.requires_ack)
        except ValidationError:
            await ctx.reply(f"标题不超过50字，正文不超过2000字\n{USAGE}")
        except Forbidden:
            await ctx.reply(f"抱歉，{ctx.message.sender_name}，只有党员、网格员和社区管理员"
                            "可以发布公告。")
        except DomainError as exc:
            await ctx.reply(f"未能发布公告：{chinese(exc)}")
