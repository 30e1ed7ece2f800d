"""SQLite backend: moderation's tickets (numbered per community, each message claimed by one
ticket at a time)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from chat.errors import Conflict, NotFound
from chat.store.sqlite_base import SqliteBase, ms
from moderation.models import LEVELS, OPEN, Ticket, TicketQuery
from moderation.store.base import TicketStore


class SqliteTickets(SqliteBase, TicketStore):
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, community_id TEXT NOT NULL,
        number INTEGER NOT NULL, status TEXT NOT NULL, grid_id TEXT, street_id TEXT,
        district_id TEXT, level INTEGER NOT NULL, category TEXT, urgency TEXT NOT NULL,
        source TEXT NOT NULL, reporter_id TEXT NOT NULL, assignee_id TEXT, due_ms INTEGER,
        resolved_ms INTEGER, created_ms INTEGER NOT NULL, version INTEGER NOT NULL,
        doc TEXT NOT NULL, UNIQUE (community_id, number));
    CREATE INDEX IF NOT EXISTS tickets_scope ON tickets (community_id, status, created_ms);
    CREATE INDEX IF NOT EXISTS tickets_due ON tickets (status, due_ms);
    CREATE INDEX IF NOT EXISTS tickets_reporter ON tickets (reporter_id, created_ms);
    CREATE TABLE IF NOT EXISTS ticket_messages (message_id TEXT NOT NULL, ticket_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL, PRIMARY KEY (message_id, ticket_id));
    CREATE TABLE IF NOT EXISTS message_claims (message_id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL);
    """

    # ---- tickets ----------------------------------------------------------------------------
    async def add_ticket(self, ticket: Ticket) -> Ticket:
        def tx(c: sqlite3.Connection) -> Ticket:
            (number,) = c.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM tickets WHERE community_id = ?",
                (ticket.community_id,)).fetchone()
            stored = ticket.model_copy(update={"number": number})
            _claim_messages(c, stored)
            c.execute(f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({TICKET_MARKS})",
                      _ticket_row(stored))
            c.executemany(
                "INSERT OR IGNORE INTO ticket_messages VALUES (?, ?, ?)",
                [(m, stored.id, ms(stored.created_at)) for m in stored.message_ids])
            return stored

        return await self._write(tx)

    async def get_ticket(self, ticket_id: str) -> Ticket | None:
        return await self._one(Ticket, "SELECT doc FROM tickets WHERE id = ?", ticket_id)

    async def save_ticket(self, ticket: Ticket) -> None:
        def tx(c: sqlite3.Connection) -> None:
            row = c.execute("SELECT version FROM tickets WHERE id = ?", (ticket.id,)).fetchone()
            if row is None:
                raise NotFound(f"no ticket {ticket.id}")
            if row["version"] != ticket.version - 1:
                raise Conflict("the ticket was changed meanwhile / 工单已被他人更新，请刷新")
            c.execute("DELETE FROM tickets WHERE id = ?", (ticket.id,))
            c.execute(f"INSERT INTO tickets ({TICKET_COLUMNS}) VALUES ({TICKET_MARKS})",
                      _ticket_row(ticket))
            c.executemany(
                "INSERT OR IGNORE INTO ticket_messages VALUES (?, ?, ?)",
                [(m, ticket.id, ms(ticket.created_at)) for m in ticket.message_ids])

        await self._write(tx)

    async def find_tickets(self, query: TicketQuery) -> tuple[list[Ticket], int]:
        where, args = _ticket_where(query)

        def read(c: sqlite3.Connection) -> tuple[list[Ticket], int]:
            (total,) = c.execute(f"SELECT COUNT(*) FROM tickets WHERE {where}", args).fetchone()
            rows = c.execute(
                f"SELECT doc FROM tickets WHERE {where} ORDER BY created_ms DESC, id DESC"
                " LIMIT ? OFFSET ?", (*args, query.limit, query.offset)).fetchall()
            return [Ticket.model_validate_json(r["doc"]) for r in rows], int(total)

        return await self._run(read)

    async def ticket_for_message(self, message_id: str) -> Ticket | None:
        sql = ("SELECT t.doc FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id"
               " WHERE m.message_id = ? ORDER BY t.created_ms DESC LIMIT 1")
        return await self._one(Ticket, sql, message_id)


TICKET_COLUMNS = ("id, community_id, number, status, grid_id, street_id, district_id, level,"
                  " category, urgency, source, reporter_id, assignee_id, due_ms, resolved_ms,"
                  " created_ms, version, doc")
TICKET_MARKS = ", ".join("?" * len(TICKET_COLUMNS.split(",")))


def _ticket_row(t: Ticket) -> tuple[Any, ...]:
    return (t.id, t.community_id, t.number, t.status, t.grid_id, t.street_id, t.district_id,
            LEVELS.index(t.level), t.category, t.urgency, t.source, t.reporter_id,
            t.assignee_id, ms(t.due_at) if t.due_at else None,
            ms(t.resolved_at) if t.resolved_at else None, ms(t.created_at), t.version,
            t.model_dump_json())


def _claim_messages(c: sqlite3.Connection, ticket: Ticket) -> None:
    for message_id in ticket.message_ids:
        row = c.execute("SELECT t.id, t.status FROM message_claims m JOIN tickets t"
                        " ON t.id = m.ticket_id WHERE m.message_id = ?",
                        (message_id,)).fetchone()
        if row is not None and row["status"] != "dismissed":
            raise Conflict("this message is already a ticket / 该消息已报事",
                           ticket_id=row["id"])
        c.execute("INSERT INTO message_claims VALUES (?, ?) ON CONFLICT (message_id)"
                  " DO UPDATE SET ticket_id = excluded.ticket_id", (message_id, ticket.id))


def _in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    if not values:
        return "0 = 1", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


def _ticket_where(q: TicketQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        args.extend(values)

    for column, values in (("community_id", q.community_ids), ("grid_id", q.grid_ids),
                           ("status", q.statuses)):
        if values is not None:
            clause, more = _in(column, values)
            add(clause, *more)
    for column, value in (("street_id", q.street_id), ("district_id", q.district_id),
                          ("reporter_id", q.reporter_id), ("category", q.category),
                          ("urgency", q.urgency), ("source", q.source),
                          ("assignee_id", q.assignee_id)):
        if value is not None:
            add(f"{column} = ?", value)
    if q.level is not None:
        add("level = ?", LEVELS.index(q.level))
    if q.min_level is not None:
        add("level >= ?", LEVELS.index(q.min_level))
    if q.max_level is not None:
        add("level <= ?", LEVELS.index(q.max_level))
    if q.overdue_at is not None:
        clause, more = _in("status", sorted(OPEN))
        add(f"{clause} AND due_ms <= ?", *more, ms(q.overdue_at))
    if q.resolved_before is not None:
        add("status = 'resolved' AND resolved_ms <= ?", ms(q.resolved_before))
    if q.created_from is not None:
        add("created_ms >= ?", ms(q.created_from))
    if q.created_until is not None:
        add("created_ms <= ?", ms(q.created_until))
    return " AND ".join(clauses) or "1 = 1", args
