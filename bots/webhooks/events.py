"""Domain events of webhook administration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebhooksChanged:
    """A webhook of the community was created or deleted."""

    community_id: str
