from __future__ import annotations

from chat.audit import AuditAction
from moderation.machine import ACTION_OF, RULES


def test_every_ticket_step_has_its_audit_action() -> None:
    for step in {*ACTION_OF.values(), *RULES}:
        assert AuditAction.ticket(step) == f"ticket.{step}"


def test_audit_actions_store_as_their_plain_strings() -> None:
    assert {str(a) for a in AuditAction} == {a.value for a in AuditAction}
    assert all(a.value.count(".") == 1 and a.value == a.value.lower() for a in AuditAction)
