"""What the built-in command bots share: one syntax error class and the Chinese half of an
error message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bots.builtin import notices, polls
from bots.builtin.commands import CommandError, chinese
from chat.errors import Forbidden


def test_chinese_half_of_a_message() -> None:
    assert chinese(Forbidden("only residents acknowledge notices / 仅居民需要确认公告")) \
        == "仅居民需要确认公告"
    assert chinese(Forbidden("没有英文")) == "没有英文"


def test_both_commands_raise_the_shared_error() -> None:
    with pytest.raises(CommandError, match="请用 ｜ 分开标题和正文"):
        notices.parse_notice_command("没有分隔符")
    with pytest.raises(CommandError, match="请用问号结束问题"):
        polls.parse_poll_command("没有问号 甲 / 乙", datetime(2026, 5, 1, tzinfo=UTC))
