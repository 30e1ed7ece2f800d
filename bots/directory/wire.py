"""How directory entries look on the wire: public information, the same for every member."""

from __future__ import annotations

from typing import Any

from bots.directory.models import CATEGORIES, DirectoryEntry
from bots.directory.replies import ImportReport, Listing
from bots.directory.search import Match
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


def match_view(m: Match) -> dict[str, Any]:
    """An entry as an answer to a question, with how well it answers."""
    return entry_view(m.entry) | {"score": m.score}


def listing_view(listing: Listing) -> dict[str, Any]:
    return {"community_id": listing.community_id, "categories": list(CATEGORIES),
            "entries": [match_view(e) if isinstance(e, Match) else entry_view(e)
                        for e in listing.entries]}


def import_view(report: ImportReport) -> dict[str, Any]:
    return {"community_id": report.community_id, "created": report.created,
            "updated": report.updated,
            "rejected": [{"line": r.line, "reason": r.reason} for r in report.rejected]}
