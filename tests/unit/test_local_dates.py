"""Times in what bots write are local and human (「12月8日 周二 14:00」, Asia/Shanghai), never
ISO strings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bots.polls.models import PollOption
from bots.polls.texts import new_poll_text
from chat.clock import local_text
from tests.unit.test_polls_tally import poll


@pytest.mark.parametrize(("moment", "text"), [
    (datetime(2026, 12, 8, 6, 0, tzinfo=UTC), "12月8日 周二 14:00"),
    (datetime(2026, 12, 10, 20, 0, tzinfo=UTC), "12月11日 周五 04:00"),  # the next day there
    (datetime(2027, 1, 3, 15, 59, tzinfo=UTC), "1月3日 周日 23:59"),
    (datetime(2026, 12, 8, 9, 5, tzinfo=timezone(timedelta(hours=-5))), "12月8日 周二 22:05"),
])
def test_local_text_is_china_time(moment: datetime, text: str) -> None:
    assert local_text(moment) == text


def test_a_new_poll_names_its_deadline_in_local_time() -> None:
    deadline = datetime(2026, 12, 10, 20, 0, tzinfo=UTC)
    text = new_poll_text(poll(deadline=deadline, options=(
        PollOption(id="o1", text="装"), PollOption(id="o2", text="不装"))))
    assert text.endswith("（单选，每人一票，实名，截止 12月11日 周五 04:00）")
    assert "2026-" not in text and "T20:00" not in text
