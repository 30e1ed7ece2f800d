"""Domain events of tickets, for bots and webhooks (see chat.events)."""

from __future__ import annotations

from dataclasses import dataclass

from moderation.models import Ticket


@dataclass(frozen=True)
class TicketChanged:
    """A ticket was created (`action` "create") or took a step of the state machine."""

    ticket: Ticket
    action: str

    @property
    def community_id(self) -> str:
        return self.ticket.community_id
