"""Bots that ship with linli and are on in every community. Each module here is the bot — the
chat commands and replies — of the feature package of the same name: `builtin/notices.py` is the
公告 bot, `bots/notices/` the notices it posts and tracks."""

from __future__ import annotations

from bots.base import Bot
from bots.builtin.directory import DirectoryBot
from bots.builtin.notices import NoticesBot
from bots.builtin.polls import PollsBot
from bots.builtin.tickets import TicketUpdatesBot


def builtin_bots() -> list[Bot]:
    return [TicketUpdatesBot(), PollsBot(), NoticesBot(), DirectoryBot()]
