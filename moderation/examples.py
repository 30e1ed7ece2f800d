"""Labelled examples from the workers: each decision on a ticket that came from a chat message
(confirm, dismiss, a corrected category or urgency, a message filed by hand) is kept with the
message's masked text, to train the detection model with."""

from __future__ import annotations

from chat.models import User
from chat.services import Services
from moderation.evaluate import Labelled
from moderation.learning_models import DetectionExample, ExampleSource
from moderation.masking import mask
from moderation.models import Ticket
from moderation.store.base import moderation_store


def _label(ticket: Ticket, action: str) -> tuple[Labelled, ExampleSource] | None:
    """What a worker's step says about the ticket's first message, if anything yet."""
    if action == "dismiss":
        return Labelled(text="", is_report=False, category=None, urgency="low"), "dismissed"
    if action not in ("confirm", "accept", "classify", "create") or ticket.category is None:
        return None
    if action == "create" and ticket.source == "detected":
        return None
    label = Labelled(text="", is_report=True, category=ticket.category, urgency=ticket.urgency)
    found = ticket.detection
    if found is None:
        return label, "filed"
    same = found.category == ticket.category and found.urgency == ticket.urgency
    return label, "confirmed" if same else "corrected"


async def observe(services: Services, ticket: Ticket, action: str, actor: User) -> None:
    """Keep (or update) the example a decision on a message's ticket makes."""
    if not ticket.message_ids or (action != "create" and actor.id == ticket.reporter_id):
        return
    labelled = _label(ticket, action)
    message = await moderation_store(services).get_message(ticket.message_ids[0])
    if labelled is None or message is None or message.kind != "text":
        return
    label, source = labelled
    sender = await moderation_store(services).get_user(message.sender_id)
    text = mask(message.text, names=[sender.name] if sender else [])
    now = services.clock.now()
    await moderation_store(services).upsert_detection_example(DetectionExample(
        id=f"x{ticket.id}", text=text, is_report=label.is_report, category=label.category,
        urgency=label.urgency, source=source, ticket_id=ticket.id, message_id=message.id,
        community_id=ticket.community_id, actor_id=actor.id, created_at=now, updated_at=now))
