"""The ticket state machine: every allowed and every refused transition, SLA and history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from moderation.machine import (
    RULES,
    Accept,
    Assign,
    AutoClose,
    Classify,
    Command,
    Confirm,
    Dismiss,
    Escalate,
    Merge,
    Policy,
    Rate,
    Refused,
    Reject,
    Resolve,
    apply,
    new_ticket,
)
from moderation.models import STATUSES, Ticket, TicketStatus

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
POLICY = Policy()

COMMANDS: dict[str, Command] = {
    "confirm": Confirm(),
    "dismiss": Dismiss("不是报事"),
    "accept": Accept("电梯设施", "normal"),
    "classify": Classify("供水排水", "low"),
    "reject": Reject("不属于社区职责"),
    "merge": Merge("t_other"),
    "assign": Assign("u_worker"),
    "resolve": Resolve("已修好"),
    "rate": Rate("满意"),
    "auto_close": AutoClose(),
    "escalate": Escalate(),
}
EXPECTED: dict[str, tuple[set[str], str | None]] = {
    "confirm": ({"draft"}, "submitted"),
    "dismiss": ({"draft"}, "dismissed"),
    "accept": ({"submitted"}, "accepted"),
    "classify": ({"submitted", "accepted", "in_progress", "reopened"}, None),
    "reject": ({"submitted", "accepted"}, "rejected"),
    "merge": ({"draft", "submitted", "accepted"}, "duplicate"),
    "assign": ({"accepted", "reopened", "in_progress"}, "in_progress"),
    "resolve": ({"in_progress"}, "resolved"),
    "rate": ({"resolved"}, "closed"),
    "auto_close": ({"resolved"}, "closed"),
    "escalate": ({"submitted", "accepted", "in_progress", "reopened"}, None),
}


def ticket(status: TicketStatus = "draft", **fields: object) -> Ticket:
    base = new_ticket(status="draft", by="u_rep", now=NOW, policy=POLICY, id="t_1", number=1,
                      source="detected", description="3栋电梯卡在7楼", community_id="c1",
                      reporter_id="u_rep", urgency="normal")
    return base.model_copy(update={"status": status, **fields})


def test_rules_match_design() -> None:
    assert {a: ({*s}, t) for a, (s, t) in RULES.items()} == EXPECTED


CASES = [(action, status) for action in EXPECTED for status in STATUSES]


@pytest.mark.parametrize(("action", "status"), CASES)
def test_every_transition(action: str, status: TicketStatus) -> None:
    sources, target = EXPECTED[action]
    before = ticket(status)
    if status not in sources:
        with pytest.raises(Refused) as refused:
            apply(before, COMMANDS[action], "u_w", NOW, POLICY)
        assert refused.value.code == "conflict"
        return
    after = apply(before, COMMANDS[action], "u_w", NOW + timedelta(minutes=1), POLICY)
    assert after.status == (target or status)
    assert after.version == before.version + 1
    last = after.history[-1]
    assert (last.from_status, last.to_status, last.action, last.by) == \
        (status, after.status, action, "u_w")
    assert last.at == NOW + timedelta(minutes=1)


def test_creation_sets_sla_only_when_submitted() -> None:
    draft = ticket()
    assert draft.due_at is None and draft.history[0].action == "create"
    submitted = new_ticket(status="submitted", by="u", now=NOW, policy=POLICY, id="t", number=2,
                           source="resident", description="x", community_id="c",
                           reporter_id="u", urgency="urgent")
    assert submitted.due_at == NOW + timedelta(hours=2)
    assert submitted.submitted_at == NOW
    with pytest.raises(ValueError):
        new_ticket(status="closed", by="u", now=NOW, policy=POLICY, id="t", number=3,
                   source="resident", description="x", community_id="c", reporter_id="u")


def test_confirm_starts_the_sla_and_accept_reclassifies() -> None:
    t = apply(ticket(), Confirm(), "w", NOW, POLICY)
    assert t.due_at == NOW + timedelta(hours=24)
    t = apply(t, Accept("电梯设施", "urgent"), "w", NOW + timedelta(minutes=5), POLICY)
    assert (t.category, t.urgency, t.level) == ("电梯设施", "urgent", "grid")
    assert t.due_at == NOW + timedelta(hours=2)  # re-graded: the stage started at NOW
    assert t.first_response_at == NOW + timedelta(minutes=5)


def test_accepting_at_a_higher_level_starts_a_fresh_sla() -> None:
    t = apply(ticket(), Confirm(), "w", NOW, POLICY)
    later = NOW + timedelta(hours=1)
    t = apply(t, Accept("电梯设施", "normal", "community"), "w", later, POLICY)
    assert t.level == "community" and t.due_at == later + timedelta(hours=24)


def test_accepting_after_an_escalation_keeps_its_fresh_sla() -> None:
    t = apply(ticket(), Confirm(), "w", NOW, POLICY)
    escalated_at = NOW + timedelta(hours=25)
    t = apply(t, Escalate(automatic=True), "system", escalated_at, POLICY)
    t = apply(t, Accept("电梯设施", "normal"), "a", escalated_at + timedelta(hours=1), POLICY)
    assert t.due_at == escalated_at + timedelta(hours=24)
    assert not t.overdue(escalated_at + timedelta(hours=2))
    t = apply(t, Classify("电梯设施", "urgent"), "a", escalated_at + timedelta(hours=1), POLICY)
    assert t.due_at == escalated_at + timedelta(hours=2)  # re-timed from the escalation


def test_unsatisfied_rating_reopens_and_restarts_the_sla() -> None:
    resolved = ticket("resolved", resolved_at=NOW, resolution="修好了")
    later = NOW + timedelta(hours=1)
    t = apply(resolved, Rate("不满意", "还是坏的"), "u_rep", later, POLICY)
    assert t.status == "reopened" and t.rating == "不满意"
    assert t.resolved_at is None and t.due_at == later + timedelta(hours=24)
    assert t.history[-1].note == "不满意 还是坏的"
    t = apply(t, Assign("u_w2"), "w", later + timedelta(hours=1), POLICY)
    assert (t.status, t.assignee_id) == ("in_progress", "u_w2")
    assert t.due_at == later + timedelta(hours=24)  # the SLA runs from the reopening


@pytest.mark.parametrize("rating", ["满意", "基本满意"])
def test_satisfied_rating_closes(rating: str) -> None:
    t = apply(ticket("resolved"), Rate(rating), "u_rep", NOW, POLICY)  # type: ignore[arg-type]
    assert t.status == "closed" and t.closed_at == NOW


def test_escalation_climbs_one_level_and_stops_at_district() -> None:
    t = ticket("in_progress", urgency="low")
    levels = []
    for _ in range(3):
        t = apply(t, Escalate(automatic=True), "system", NOW, POLICY)
        levels.append(t.level)
        assert t.status == "in_progress"
    assert levels == ["community", "street", "district"]
    assert t.due_at == NOW + timedelta(hours=72)
    assert t.history[-1].note.startswith("SLA overdue")
    with pytest.raises(Refused):
        apply(t, Escalate(), "system", NOW, POLICY)


def test_merge_into_itself_is_refused() -> None:
    with pytest.raises(Refused):
        apply(ticket("submitted"), Merge("t_1"), "w", NOW, POLICY)


def test_overdue_only_while_open() -> None:
    t = apply(ticket(), Confirm(), "w", NOW, POLICY)
    assert not t.overdue(NOW + timedelta(hours=23))
    assert t.overdue(NOW + timedelta(hours=24))
    done = t.model_copy(update={"status": "resolved"})
    assert not done.overdue(NOW + timedelta(days=3))


def test_policy_is_configurable() -> None:
    policy = Policy(sla={"urgent": timedelta(minutes=30), "normal": timedelta(hours=4),
                         "low": timedelta(days=1)})
    t = apply(ticket(), Confirm(), "w", NOW, policy)
    assert t.due_at == NOW + timedelta(hours=4)
