"""How notices and their acknowledgements look on the wire.

Everyone in the room sees a notice with its author's display name. The acknowledgement status
(for the author and the room's staff) lists every household with a label and each member's
state. Those who may verify a household's members (its grid's workers, the admin) see real
names and the full label (3栋2单元701); anyone else, a resident author or another grid's worker,
masked names and the building only (3栋)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bots.notices.households import Household, summary
from bots.notices.models import STATUS_LABELS, Notice, NoticeAck
from bots.notices.replies import AckStatus, NoticeDetail, ReadNotice, Reminder
from chat.clock import iso
from chat.models import User
from chat.names import display_name
from chat.permissions import can_see_personal_details


def _when(moment: datetime | None) -> str | None:
    return iso(moment) if moment else None


def notice_view(n: Notice) -> dict[str, Any]:
    return {
        "id": n.id, "room_id": n.room_id, "community_id": n.community_id,
        "title": n.title, "body": n.body,
        "author": {"id": n.author_id, "name": n.author_name},
        "requires_ack": n.requires_ack, "status": n.status,
        "status_label": STATUS_LABELS[n.status],
        "publish_at": iso(n.publish_at), "published_at": _when(n.published_at),
        "expires_at": _when(n.expires_at), "remind_after_hours": n.remind_after_hours,
        "reminded_at": _when(n.reminded_at), "closed_at": _when(n.closed_at),
        "created_at": iso(n.created_at), "updated_at": iso(n.updated_at),
    }


def ack_counts_view(n: Notice) -> dict[str, int]:
    """The counts kept on the notice (`ack_status_view` recounts the room's households)."""
    return {"acknowledged_households": n.acked_households,
            "acknowledged_members": n.acked_members}


def own_ack_view(r: ReadNotice) -> dict[str, Any]:
    """The reader's own state and their household's."""
    own = r.own_ack
    return {"acknowledged": own is not None, "acknowledged_at": _when(own.at if own else None),
            "household_acknowledged": r.household_acknowledged}


def read_notice_view(r: ReadNotice) -> dict[str, Any]:
    return notice_view(r.notice) | own_ack_view(r)


def notice_detail_view(d: NoticeDetail) -> dict[str, Any]:
    return read_notice_view(d.read) | {"can_manage": d.can_manage}


def ack_view(ack: NoticeAck) -> dict[str, Any]:
    """The reader's own acknowledgement, just made (or made before): theirs, so their
    household's too."""
    return {"notice_id": ack.notice_id, "acknowledged": True, "acknowledged_at": iso(ack.at),
            "household_acknowledged": True}


def building_label(user: User) -> str:
    a = user.address
    return f"{a.building.removesuffix('栋')}栋" if a.building else ""


def household_label(user: User) -> str:
    a = user.address
    unit = f"{a.unit.removesuffix('单元')}单元" if a.unit else ""
    return building_label(user) + unit + a.room


def household_view(h: Household, viewer: User) -> dict[str, Any]:
    """Members who acknowledged come first. The household's key, flat number and members' real
    names only for who may see their details (`can_see_personal_details`); others get the
    building and masked names."""
    full = can_see_personal_details(viewer, h.members[0])
    return {
        "household": h.key if full else None,
        "label": household_label(h.members[0]) if full else building_label(h.members[0]),
        "acknowledged": h.acknowledged,
        "members": [
            {"id": u.id,
             "name": u.name if can_see_personal_details(viewer, u) else display_name(u),
             "acknowledged": u.id in h.acks,
             "acknowledged_at": _when(h.acks[u.id].at if u.id in h.acks else None)}
            for u in sorted(h.members, key=lambda u: (u.id not in h.acks, u.name))],
    }


def ack_status_view(status: AckStatus) -> dict[str, Any]:
    """Households that have not acknowledged come first."""
    ordered = sorted(status.households,
                     key=lambda h: (h.acknowledged, household_label(h.members[0]), h.key))
    return {"notice": notice_view(status.notice), "summary": summary(status.households),
            "households": [household_view(h, status.viewer) for h in ordered]}


def reminder_view(r: Reminder) -> dict[str, Any]:
    return {"reminded_members": r.reminded_members,
            "reminded_households": r.reminded_households, "acks": summary(r.households)}
