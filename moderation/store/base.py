"""The store interface of moderation's tickets, and the store moderation code sees: the chat
core's, tickets', flags' (moderation.store.flags) and detection learning's."""

from __future__ import annotations

from abc import ABC, abstractmethod

from chat.services import Services
from chat.store.base import ChatStore
from moderation.models import Ticket, TicketQuery
from moderation.store.flags import FlagStore
from moderation.store.learning import LearningStore


class TicketStore(ABC):
    # ---- tickets ----------------------------------------------------------------------------
    @abstractmethod
    async def add_ticket(self, ticket: Ticket) -> Ticket:
        """Store with the community's next running `number` (the given one is ignored).
        A message belongs to one ticket at a time: raise Conflict (with `ticket_id`) when one
        of `message_ids` already belongs to a ticket that was not dismissed."""

    @abstractmethod
    async def get_ticket(self, ticket_id: str) -> Ticket | None: ...

    @abstractmethod
    async def save_ticket(self, ticket: Ticket) -> None:
        """Replace the stored ticket whose version is `ticket.version - 1`; raise Conflict when
        someone else changed it first, NotFound when it does not exist."""

    @abstractmethod
    async def find_tickets(self, query: TicketQuery) -> tuple[list[Ticket], int]:
        """One page, newest first, and the number of all matching tickets."""

    @abstractmethod
    async def ticket_for_message(self, message_id: str) -> Ticket | None:
        """The newest ticket that links this message."""


class ModerationStore(TicketStore, FlagStore, LearningStore, ChatStore, ABC):
    """Everything moderation code may ask of the store."""


def moderation_store(services: Services) -> ModerationStore:
    """The app's one store (web.stores.Store), as moderation code sees it."""
    store = services.store
    if not isinstance(store, ModerationStore):
        raise TypeError(f"{type(store).__name__} lacks moderation's store parts")
    return store
