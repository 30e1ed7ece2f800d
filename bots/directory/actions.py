"""Service directory intents: community admins (or the operator at the CLI, `actor` None)
create, change, delete and import entries; verified members of the community list and search
them; bots search their room's community."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bots.directory import csv_rows
from bots.directory.models import CATEGORIES, DirectoryEntry
from bots.directory.payloads import EntryForm
from bots.directory.replies import ImportReport, Listing
from bots.directory.search import Match, rank
from bots.directory.tokens import SegmenterLoader
from bots.store import bots_store
from chat import audit
from chat.audit import AuditAction
from chat.errors import Forbidden, Invalid, NotFound, Unavailable
from chat.ids import new_id
from chat.models import User
from chat.permissions import is_active
from chat.services import Services

SYSTEM = "system"
IMPORT_BATCH = 200
MAX_QUERY_CHARS = 200
Progress = Callable[[int, int], None]


def require_admin(actor: User | None, community_id: str) -> None:
    """Only the community's admin (or the operator) manages its directory."""
    if actor is None:
        return
    if actor.role != "admin" or actor.community_id != community_id or not is_active(actor):
        raise Forbidden("community admins only / 仅限本社区管理员")


def _require_member(actor: User | None, community_id: str) -> None:
    if actor is not None and (actor.community_id != community_id or not is_active(actor)):
        raise Forbidden("members of this community only / 仅限本社区成员")


async def _require_community(services: Services, community_id: str) -> None:
    unit = await bots_store(services).get_unit(community_id)
    if unit is None or unit.kind != "community":
        raise NotFound("no such community / 社区不存在")


def _category(category: str | None) -> str | None:
    if category is not None and category not in CATEGORIES:
        raise Invalid(f"category must be one of {'、'.join(CATEGORIES)} / 类别须为六类之一")
    return category


def _entry(services: Services, actor: User | None, community_id: str, form: EntryForm,
           entry_id: str | None = None) -> DirectoryEntry:
    now = services.clock.now()
    return DirectoryEntry(
        id=entry_id or new_id("d"), community_id=community_id, created_at=now, updated_at=now,
        updated_by=actor.id if actor else SYSTEM,
        keywords=tuple(dict.fromkeys(form.keywords)),
        **form.model_dump(exclude={"keywords"}))


async def _search(services: Services, community_id: str, query: str, category: str | None,
                  limit: int) -> list[Match]:
    if len(query) > MAX_QUERY_CHARS:
        raise Invalid(f"the question is too long (max {MAX_QUERY_CHARS}) / 问题过长")
    entries = await bots_store(services).list_directory_entries(community_id, category)
    loader = services.directory_terms
    if not isinstance(loader, SegmenterLoader):
        raise Unavailable("directory search is not running here / 办事指南检索不可用")
    segmenter = await loader.get()
    matches = await asyncio.to_thread(rank, entries, query, segmenter, limit)
    return matches


async def list_entries(services: Services, actor: User | None, community_id: str, *,
                       category: str | None = None, query: str | None = None,
                       limit: int = 10) -> Listing:
    """Every entry by category (then name), or with `query` the best `limit` answers."""
    _require_member(actor, community_id)
    await _require_community(services, community_id)
    category = _category(category)
    if query and query.strip():
        matches = await _search(services, community_id, query.strip(), category, limit)
        return Listing(community_id, tuple(matches))
    entries = await bots_store(services).list_directory_entries(community_id, category)
    entries.sort(key=lambda e: CATEGORIES.index(e.category))
    return Listing(community_id, tuple(entries))


async def search_community(services: Services, community_id: str, query: str,
                           limit: int) -> list[Match]:
    """For bots: the best answers in one community (the directory is public to its members)."""
    return await _search(services, community_id, query.strip(), None, limit)


async def create_entry(services: Services, actor: User | None, community_id: str,
                       form: EntryForm) -> DirectoryEntry:
    require_admin(actor, community_id)
    await _require_community(services, community_id)
    entry = _entry(services, actor, community_id, form)
    await bots_store(services).add_directory_entry(entry)
    await audit.record(services, actor or SYSTEM, AuditAction.DIRECTORY_CREATE, "directory",
                       entry.id, community_id, name=entry.name)
    return entry


async def _existing(services: Services, actor: User | None, entry_id: str) -> DirectoryEntry:
    entry = await bots_store(services).get_directory_entry(entry_id)
    if entry is None:
        raise NotFound("no such directory entry / 办事指南条目不存在")
    require_admin(actor, entry.community_id)
    return entry


async def update_entry(services: Services, actor: User | None, entry_id: str,
                       form: EntryForm) -> DirectoryEntry:
    old = await _existing(services, actor, entry_id)
    new = _entry(services, actor, old.community_id, form, entry_id).model_copy(
        update={"created_at": old.created_at})
    await bots_store(services).update_directory_entry(new)
    await audit.record(services, actor or SYSTEM, AuditAction.DIRECTORY_UPDATE, "directory",
                       entry_id, old.community_id, name=new.name)
    return new


async def delete_entry(services: Services, actor: User | None, entry_id: str
                       ) -> DirectoryEntry:
    """The entry as it was before it was deleted."""
    entry = await _existing(services, actor, entry_id)
    if not await bots_store(services).delete_directory_entry(entry_id):
        raise NotFound("no such directory entry / 办事指南条目不存在")
    await audit.record(services, actor or SYSTEM, AuditAction.DIRECTORY_DELETE, "directory",
                       entry_id, entry.community_id, name=entry.name)
    return entry


async def import_csv(services: Services, actor: User | None, community_id: str, text: str,
                     progress: Progress | None = None) -> ImportReport:
    """Create or update (by name) an entry per good row, in batches; `progress(done, total)`
    follows the good rows written."""
    require_admin(actor, community_id)
    await _require_community(services, community_id)
    rows = csv_rows.parse_csv(text)
    created = updated = 0
    total = len(rows.forms)
    for start in range(0, total, IMPORT_BATCH):
        batch = [_entry(services, actor, community_id, form)
                 for _, form in rows.forms[start:start + IMPORT_BATCH]]
        new, changed = await bots_store(services).upsert_directory_entries(batch)
        created, updated = created + new, updated + changed
        if progress is not None:
            progress(start + len(batch), total)
    await audit.record(services, actor or SYSTEM, AuditAction.DIRECTORY_IMPORT, "community",
                       community_id, community_id, created=created, updated=updated,
                       rejected=len(rows.rejected))
    return ImportReport(community_id, created, updated, tuple(rows.rejected))
