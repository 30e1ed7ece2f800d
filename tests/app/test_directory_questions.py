"""办事指南 answers a plain 办事 question in a real chat (no /办事, no @), and keeps out of
ordinary talk and of questions it has no entry for."""

from __future__ import annotations

from tests.support.inproc import InProcessServer
from tests.support.server import connect

BOT = "bot:directory"


async def test_plain_questions_get_a_suggestion(server: InProcessServer) -> None:
    zhang, user = await connect(server, "张伟")
    room = f"grid:{user['grid_ids'][0]}"
    try:
        said = {}
        for n, text in enumerate(["今晚吃火锅，电梯坏了怎么办？", "火锅券在哪里领？",
                                  "请问老年证在哪里办？", "怎么办居住证"]):
            said[text] = await zhang.ok("message:send", {"room_id": room, "text": text,
                                                         "client_id": f"q{n}"})
        old_age = await zhang.wait_for("message:new", lambda m: m["sender"]["id"] == BOT
                                       and "“请问老年证在哪里办？”" in m["text"])
        assert old_age["text"].splitlines()[1].startswith("1. 社区政务服务窗口")
        assert "/办事 关键词" in old_age["text"]
        residence = await zhang.wait_for("message:new", lambda m: m["sender"]["id"] == BOT
                                         and "“怎么办居住证”" in m["text"])
        assert "社区政务服务窗口" in residence["text"]
        # the bot has answered the last question, so it has read the two before it
        answers = [m for m in zhang.events["message:new"] if m["sender"]["id"] == BOT]
        assert len(answers) == 2, [m["text"] for m in answers]
    finally:
        await zhang.close()
