"""Which plain messages 办事指南 takes for a 办事 question (it then suggests an entry)."""

from __future__ import annotations

import pytest

from bots.builtin.directory import asks_for_service


@pytest.mark.parametrize("text", [
    "请问老年证在哪里办？", "怎么办居住证", "社保卡去哪里补办", "如何申请低保",
    "办残疾证需要什么材料？", "开居住证明找谁", "哪里可以办老年证",
])
def test_service_questions(text: str) -> None:
    assert asks_for_service(text)


@pytest.mark.parametrize("text", [
    "电梯坏了怎么办？", "楼上漏水怎么办啊", "今晚吃火锅", "/办事 社保", "",
    "3栋楼道灯坏了，晚上很黑", "请问老年证在哪里办？" * 7,
])
def test_other_messages(text: str) -> None:
    assert not asks_for_service(text)
