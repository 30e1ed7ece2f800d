"""How tickets, flags and audit entries look on the wire.

Staff get the whole ticket; a reporter gets their own ticket without the detector's
explanation, who else reported it, or internal ids. Names follow chat.names: staff by name,
residents masked unless the viewer is staff."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chat.clock import iso
from chat.models import AuditEntry, Mute, User
from chat.names import display_name
from chat.wire import message_view
from moderation.machine import STATUS_LABELS
from moderation.models import SOURCE_LABELS, SYSTEM, Flag, Ticket, Transition
from moderation.replies import (
    AuditPage,
    BlockedWords,
    DetectionStatus,
    FlaggedMessage,
    LoadedDetection,
    Removal,
    Retraining,
    SeenTicket,
    StatsReport,
    TicketPage,
)
from moderation.stats import Duration

LEVEL_LABELS = {"grid": "网格", "community": "社区", "street": "街道", "district": "区"}
# History notes a reporter (and Open311) may read; the others are the handlers' own.
PUBLIC_NOTES = frozenset({"reject", "resolve", "rate", "auto_close"})


def _when(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def person(users: Mapping[str, User], user_id: str | None, *, staff_viewer: bool
           ) -> dict[str, Any] | None:
    if user_id is None:
        return None
    if user_id == SYSTEM:
        return {"id": SYSTEM, "name": "系统", "role": "system"}
    user = users.get(user_id)
    if user is None:
        return {"id": user_id, "name": "（已注销）", "role": None}
    name = user.name if staff_viewer or user.is_staff or user.role.endswith("officer") \
        else display_name(user)
    return {"id": user.id, "name": name, "role": user.role}


def transition_view(e: Transition, users: Mapping[str, User], staff_viewer: bool
                    ) -> dict[str, Any]:
    note = e.note if staff_viewer or e.action in PUBLIC_NOTES else ""
    return {"from": e.from_status, "to": e.to_status, "action": e.action,
            "by": person(users, e.by, staff_viewer=staff_viewer), "at": iso(e.at),
            "note": note, "level": e.level}


def public_note(t: Ticket) -> str:
    """The latest note meant for the public, e.g. a resolution or a reason for rejecting."""
    return next((e.note for e in reversed(t.history) if e.action in PUBLIC_NOTES and e.note),
                "")


def reporter_contact(reporter: User) -> dict[str, Any]:
    """The reporter's phone and address, for staff under `can_see_personal_details`."""
    return {"phone": reporter.phone, "address": reporter.address.model_dump()}


def ticket_view(seen: SeenTicket) -> dict[str, Any]:
    t, users, staff_viewer = seen.ticket, seen.people, seen.staff_viewer
    view: dict[str, Any] = {
        "id": t.id, "number": t.number, "source": t.source,
        "source_label": SOURCE_LABELS[t.source], "status": t.status,
        "status_label": STATUS_LABELS[t.status], "description": t.description,
        "category": t.category, "urgency": t.urgency, "level": t.level,
        "level_label": LEVEL_LABELS[t.level], "location": t.location,
        "community_id": t.community_id, "grid_id": t.grid_id, "room_id": t.room_id,
        "message_ids": list(t.message_ids),
        "reporter": person(users, t.reporter_id, staff_viewer=staff_viewer),
        "assignee": person(users, t.assignee_id, staff_viewer=staff_viewer),
        "created_at": iso(t.created_at), "updated_at": iso(t.updated_at),
        "submitted_at": _when(t.submitted_at), "due_at": _when(t.due_at),
        "overdue": t.overdue(seen.at), "first_response_at": _when(t.first_response_at),
        "resolved_at": _when(t.resolved_at), "closed_at": _when(t.closed_at),
        "resolution": t.resolution, "reason": t.reason, "rating": t.rating,
        "rating_comment": t.rating_comment, "merged_into": t.merged_into,
        "also_affected": len(t.supporters),
        "history": [transition_view(e, users, staff_viewer) for e in t.history],
        "version": t.version,
    }
    if staff_viewer:
        view |= {
            "street_id": t.street_id, "district_id": t.district_id,
            "created_by": person(users, t.created_by, staff_viewer=True),
            "detection": t.detection.model_dump() if t.detection else None,
            "duplicate_of": t.duplicate_of,
            "duplicate_number": seen.duplicate.number if seen.duplicate else None,
        }
        if seen.contact is not None:
            view["reporter_contact"] = reporter_contact(seen.contact)
    return view


def ticket_page_view(page: TicketPage) -> dict[str, Any]:
    return {"tickets": [ticket_view(t) for t in page.tickets], "total": page.total,
            "offset": page.offset, "limit": page.limit}


def assignee_view(user: User) -> dict[str, Any]:
    """A staff member as the 指派 form shows them (staff go by their real names)."""
    return {"id": user.id, "name": user.name, "role": user.role,
            "community_id": user.community_id, "grid_ids": list(user.grid_ids),
            "unit_id": user.unit_id}


def support_view(t: Ticket) -> dict[str, Any]:
    """我也遇到, as the neighbour who counted themself in sees it."""
    return {"ticket_id": t.id, "also_affected": len(t.supporters), "supported": True}


def flag_view(f: Flag) -> dict[str, Any]:
    return {"id": f.id, "message_id": f.message_id, "room_id": f.room_id, "by": f.by,
            "reason": f.reason, "created_at": iso(f.created_at), "handled_by": f.handled_by,
            "handled_at": _when(f.handled_at), "outcome": f.outcome}


def flagged_view(f: FlaggedMessage) -> dict[str, Any]:
    """A report with the message it is about, as moderators list and receive it."""
    return flag_view(f.flag) | {"message": message_view(f.message) if f.message else None}


def mute_view(m: Mute) -> dict[str, Any]:
    return {"room_id": m.room_id, "user_id": m.user_id, "until": iso(m.until),
            "reason": m.reason}


def removal_view(r: Removal) -> dict[str, Any]:
    return {"room_id": r.room_id, "user_id": r.user_id, "removed": r.removed}


def blocked_words_view(b: BlockedWords) -> dict[str, Any]:
    return {"community_id": b.community_id, "words": list(b.words),
            "global_words": list(b.global_words)}


def audit_page_view(page: AuditPage) -> dict[str, Any]:
    cursor = page.next
    return {"entries": [audit_view(e, page.actors) for e in page.entries],
            "next": None if cursor is None else {"before": iso(cursor.before),
                                                 "before_id": cursor.before_id}}


def audit_view(e: AuditEntry, actors: Mapping[str, User]) -> dict[str, Any]:
    """One entry for a community admin: the actor by real name (None for the system)."""
    actor = actors.get(e.actor_id)
    return {"id": e.id, "community_id": e.community_id, "actor_id": e.actor_id,
            "actor_name": actor.name if actor else None,
            "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
            "reason": e.reason, "details": e.details, "at": iso(e.at)}


def loaded_detection_view(loaded: LoadedDetection) -> dict[str, Any]:
    return {"lexicon": loaded.lexicon_source,
            "lexicon_sha256": loaded.lexicon_sha256, "model": loaded.model_version}


def detection_status_view(status: DetectionStatus) -> dict[str, Any]:
    model = status.model
    return {"model": {"version": model.version, "stored_id": status.stored_id,
                      "source": "store" if status.stored_id else "packaged",
                      "sha256": model.checksum,
                      "thresholds": {"report": model.thresholds.report,
                                     "urgent": model.thresholds.urgent},
                      "info": model.info},
            "lexicon": {"sha256": status.lexicon_sha256},
            "examples": status.examples,
            "models": [r.model_dump(mode="json") for r in status.models]}


def retraining_view(result: Retraining) -> dict[str, Any]:
    return {"switched": result.switched, "model": result.model.model_dump(mode="json"),
            "figures": dict(result.figures)}


def duration_view(d: Duration) -> dict[str, Any]:
    return {"count": d.count, "avg_seconds": d.avg_seconds}


def stats_report_view(report: StatsReport) -> dict[str, Any]:
    """The JSON of GET /api/v1/stats/tickets; grids busiest first, then by name, tickets
    without a grid after the grids with as many."""
    stats, names = report.stats, report.grid_names
    grids = sorted(stats.by_grid.items(), key=lambda item: (
        -item[1], item[0] is None, names.get(item[0] or "", ""), item[0] or ""))
    return {
        "total": stats.total,
        "by_category": stats.by_category,
        "by_status": stats.by_status,
        "by_grid": [{"grid_id": grid_id, "name": names.get(grid_id) if grid_id else None,
                     "count": count} for grid_id, count in grids],
        "first_response": duration_view(stats.first_response),
        "close": duration_view(stats.close),
        "satisfaction": {"rated": stats.rated, "satisfied": stats.satisfied,
                         "rate": stats.satisfaction_rate},
        "overdue": stats.overdue,
        "drafts_open": stats.drafts_open,
        "drafts_dismissed": stats.drafts_dismissed,
        "from": _when(report.created_from),
        "until": _when(report.created_until),
    }
