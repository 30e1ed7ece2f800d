"""报事助手: posts each public status change of a ticket into the room it came from, without
names — residents see progress, not people."""

from __future__ import annotations

from bots.base import Bot
from bots.context import EventContext
from moderation.events import TicketChanged
from moderation.models import Ticket
from moderation.wire import LEVEL_LABELS


def status_text(t: Ticket, action: str) -> str | None:
    head = f"【报事进度】第{t.number}号" + (f"「{t.category}」" if t.category else "")
    lines = {
        "create": "已登记，等待受理",
        "confirm": "已登记，等待受理",
        "accept": f"已受理，由{LEVEL_LABELS[t.level]}负责",
        "reject": f"不予受理：{t.reason}",
        "merge": "与已有报事合并处理",
        "assign": None if t.history[-1].from_status == "in_progress" else "已派单，正在处理",
        "resolve": f"已办结：{t.resolution}。请报事人评价",
        "rate": "报事人不满意，已重新办理" if t.status == "reopened" else "已评价，办结",
        "auto_close": "逾期未评价，已自动办结",
        "escalate": f"已上报至{LEVEL_LABELS[t.level]}",
    }
    line = lines.get(action)
    return f"{head}：{line}" if line else None


class TicketUpdatesBot(Bot):
    name = "tickets"
    display_name = "报事助手"
    events = (TicketChanged,)

    async def on_event(self, ctx: EventContext, event: object) -> None:
        if not isinstance(event, TicketChanged) or event.ticket.room_id is None:
            return
        text = status_text(event.ticket, event.action)
        if text is not None:
            await ctx.post(event.ticket.room_id, text)
