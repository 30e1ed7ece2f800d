"""议事表决 bot: `/投票` starts a poll in the sender's name, if the sender may (workers, admins,
party members). The poll itself announces and tallies (bots.polls).

    /投票 问题？选项1 / 选项2 [/ 选项3 …] [截止 2小时] [#多选[N]] [#匿名] [#按户]
          [#结束后公布] [#不可改票] [#参与率N%]

The question ends at the first ？ or ?; options are separated by / (or ／); the deadline is
N 分钟, 小时 or 天 from now (24 hours when left out); tags may stand anywhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from pydantic import ValidationError

from bots.base import Bot
from bots.builtin.commands import CommandError, chinese
from bots.context import MessageContext
from chat.errors import DomainError, Forbidden

USAGE = ("用法：/投票 问题？选项1 / 选项2 [/ 选项3…] [截止 2小时]\n"
         "可加：#多选 或 #多选2（最多选2项） #匿名 #按户 #结束后公布 #不可改票 #参与率50%\n"
         "例：/投票 周六义诊放在哪里？社区广场 / 活动室 截止 2天 #按户")
DEFAULT_DURATION = timedelta(hours=24)
UNITS = {"分钟": "minutes", "小时": "hours", "天": "days"}
DEADLINE = re.compile(r"截止\s*(\d{1,4})\s*(分钟|小时|天)")
TAG = re.compile(r"#(多选|匿名|按户|结束后公布|不可改票|参与率)(\d{0,3})%?")
FLAGS: dict[str, tuple[str, Any]] = {
    "匿名": ("anonymous", True), "按户": ("per_household", True),
    "结束后公布": ("results", "after_close"), "不可改票": ("allow_change", False)}
QUESTION_END = re.compile(r"[？?]")
OPTION_SEPARATOR = re.compile(r"\s*[/／]\s*")


@dataclass(frozen=True)
class PollCommand:
    question: str
    options: list[str]
    deadline: datetime
    settings: dict[str, Any] = field(default_factory=dict)


def _tag_settings(tags: list[tuple[str, str]]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for name, number in tags:
        if name == "多选":
            settings["multiple"] = True
            if number:
                settings["max_choices"] = int(number)
        elif name == "参与率":
            if not number or not 1 <= int(number) <= 100:
                raise CommandError("参与率须为1到100之间的百分数，如 #参与率50%")
            settings["quorum_percent"] = int(number)
        else:
            key, value = FLAGS[name]
            settings[key] = value
    return settings


def _deadline(text: str, now: datetime) -> tuple[str, datetime]:
    found = list(DEADLINE.finditer(text))
    if len(found) > 1:
        raise CommandError("只能写一个截止时间")
    if not found:
        return text, now + DEFAULT_DURATION
    amount, unit = int(found[0].group(1)), UNITS[found[0].group(2)]
    if amount == 0:
        raise CommandError("截止时间须晚于现在")
    return DEADLINE.sub(" ", text), now + timedelta(**{unit: amount})


def parse_poll_command(args: str, now: datetime) -> PollCommand:
    tags = TAG.findall(args)
    text, deadline = _deadline(TAG.sub(" ", args), now)
    if "#" in text:
        raise CommandError("不认识的设置：" + text[text.index("#"):].split()[0])
    head = QUESTION_END.search(text)
    if head is None:
        raise CommandError("请用问号结束问题")
    question = text[:head.end()].strip()
    options = [o for o in OPTION_SEPARATOR.split(text[head.end():].strip()) if o]
    if len(question) < 2:
        raise CommandError("请写明问题")
    if len(options) < 2:
        raise CommandError("至少需要两个选项，用 / 分隔")
    return PollCommand(question=question, options=options, deadline=deadline,
                       settings=_tag_settings(tags))


class PollsBot(Bot):
    name = "polls"
    display_name = "议事表决"
    commands: ClassVar[Mapping[str, str]] = {
        "投票": "发起议事表决：/投票 问题？选项1 / 选项2 [截止 2小时]"}

    async def on_command(self, ctx: MessageContext, command: str, args: str) -> None:
        try:
            parsed = parse_poll_command(args, ctx.now)
        except CommandError as exc:
            await ctx.reply(f"{exc}\n{USAGE}")
            return
        try:
            await ctx.create_poll_as_sender(parsed.question, parsed.options, parsed.deadline,
                                            **parsed.settings)
        except ValidationError:
            await ctx.reply(f"问题不超过200字，选项2到20个、每项不超过50字\n{USAGE}")
        except Forbidden:
            await ctx.reply(f"抱歉，{ctx.message.sender_name}，只有网格员、社区管理员和党员"
                            "可以发起议事表决。")
        except DomainError as exc:
            await ctx.reply(f"未能发起表决：{chinese(exc)}\n{USAGE}")
