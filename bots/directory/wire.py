"""How directory entries look on the wire: public information, the same for every member."""

from __future__ import annotations

from typing import Any

from bots.directory.models import DirectoryEntry
from chat.clock import iso


def entry_view(e: DirectoryEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "community_id": e.community_id,
        "category": e.category,
        "name": e.name,
        "description": e.description,
        "address": e.address,
        "hours": e.hours,
        "phone": e.phone,
        "keywords": list(e.keywords),
        "created_at": iso(e.created_at),
        "updated_at": iso(e.updated_at),
        "updated_by": e.updated_by,
    }
