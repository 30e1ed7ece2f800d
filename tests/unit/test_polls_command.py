"""The `/投票` command syntax of the 议事表决 bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bots.builtin.polls import CommandError, parse_poll_command

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def test_question_options_and_default_deadline() -> None:
    parsed = parse_poll_command("周六义诊放在哪里？社区广场 / 活动室 ／ 3栋架空层", NOW)
    assert parsed.question == "周六义诊放在哪里？"
    assert parsed.options == ["社区广场", "活动室", "3栋架空层"]
    assert parsed.deadline == NOW + timedelta(hours=24)
    assert parsed.settings == {}


@pytest.mark.parametrize(("text", "delta"), [
    ("截止 2小时", timedelta(hours=2)), ("截止30分钟", timedelta(minutes=30)),
    ("截止 3 天", timedelta(days=3))])
def test_deadline(text: str, delta: timedelta) -> None:
    parsed = parse_poll_command(f"装不装充电桩? 装 / 不装 {text}", NOW)
    assert parsed.deadline == NOW + delta
    assert parsed.options == ["装", "不装"]


def test_tags_anywhere() -> None:
    parsed = parse_poll_command(
        "#匿名 要不要换物业？换 / 不换 / 再议 截止 2天 #按户 #多选2 #结束后公布 #不可改票"
        " #参与率50%", NOW)
    assert parsed.question == "要不要换物业？"
    assert parsed.options == ["换", "不换", "再议"]
    assert parsed.settings == {
        "anonymous": True, "per_household": True, "multiple": True, "max_choices": 2,
        "results": "after_close", "allow_change": False, "quorum_percent": 50}
    assert parse_poll_command("哪天？周六 / 周日 #多选", NOW).settings == {"multiple": True}


@pytest.mark.parametrize(("text", "problem"), [
    ("", "问号"), ("装不装充电桩 装 / 不装", "问号"), ("装不装充电桩？装", "两个选项"),
    ("？装 / 不装", "问题"), ("哪天？周六 / 周日 #快速", "不认识的设置：#快速"),
    ("哪天？周六 / 周日 #参与率", "参与率"), ("哪天？周六 / 周日 #参与率200%", "参与率"),
    ("哪天？周六 / 周日 截止 1天 截止 2天", "一个截止时间"),
    ("哪天？周六 / 周日 截止 0小时", "晚于现在")])
def test_bad_input(text: str, problem: str) -> None:
    with pytest.raises(CommandError, match=problem):
        parse_poll_command(text, NOW)
