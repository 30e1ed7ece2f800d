"""Poll intents: open (by a person or a bot), vote, close (by a person or the deadline), and
the reads — one poll, a room's polls, a community's decision records (议事记录). They answer
with records (`Poll`, or `RoomPoll` and `MemberPoll` of `bots/polls/replies.py`); the edge turns
them into wire form with `bots/polls/wire.py`, as the events sent from here already are.

Logs name polls and rooms, never voters."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bots.polls.events import PollClosed
from bots.polls.keys import caster_key, electorate, may_vote, require_voter_key, voter_key
from bots.polls.models import DEADLINE, Ballot, Poll, PollOption
from bots.polls.payloads import NewPoll, Vote
from bots.polls.replies import MemberPoll, RoomPoll
from bots.polls.tally import (
    check_change,
    check_choice,
    check_deadline,
    check_options,
    count_change,
    is_open,
    live_result,
    max_choices_for,
    results_visible,
    tally,
)
from bots.polls.texts import POLLS_BOT_ID, POLLS_BOT_NAME, new_poll_text, result_text
from bots.polls.wire import poll_view
from bots.store import bots_store
from chat.actions.bot_messages import post_bot_message
from chat.actions.rooms import member_room_ids, require_member, room_members
from chat.actions.speaking import check_can_speak
from chat.errors import Conflict, Forbidden, Invalid, NotFound
from chat.ids import new_id
from chat.models import RESIDENT_ROLES, Room, User
from chat.names import display_name
from chat.permissions import can_join, can_moderate, is_active
from chat.services import Services
from chat.wire_events import PollNew, PollUpdated

log = logging.getLogger(__name__)
CLOSE_ATTEMPTS = 5
LIST_LIMIT = 50


def may_create(user: User) -> bool:
    """Workers and admins, and party members among the residents."""
    return is_active(user) and (user.is_staff or
                                (user.role in RESIDENT_ROLES and user.party_member))


# ---- reading a poll's state ------------------------------------------------------------------

async def _voters(services: Services, room: Room | None) -> list[User]:
    """The room's members who may vote (none when the room is gone)."""
    if room is None:
        return []
    return [m for m in await room_members(services, room) if may_vote(m)]


def _eligible(services: Services, poll: Poll, voters: list[User]) -> set[str]:
    keys = (voter_key(services.secrets, poll, m) for m in voters)
    return {k for k in keys if k is not None}


async def _names(services: Services, polls: Sequence[Poll]
                 ) -> dict[str, dict[str, tuple[str, ...]]]:
    """Poll id → option id → display names of those who chose it, for the named polls whose
    results are visible; one ballot read and one user read for all of them."""
    named = [p.id for p in polls if not p.anonymous and results_visible(p)]
    if not named:
        return {}
    store = bots_store(services)
    ballots = await store.list_ballots(named)
    users = {u.id: u for u in await store.get_users(sorted({b.caster for b in ballots}))}
    names: dict[str, dict[str, list[str]]] = {poll_id: {} for poll_id in named}
    for ballot in ballots:
        user = users.get(ballot.caster)
        for option_id in ballot.option_ids:
            names[ballot.poll_id].setdefault(option_id, []).append(
                display_name(user) if user else "（已注销）")
    return {poll_id: {option_id: tuple(sorted(found)) for option_id, found in options.items()}
            for poll_id, options in names.items()}


async def _room_polls(services: Services, polls: Sequence[Poll]) -> list[RoomPoll]:
    names = await _names(services, polls)
    return [RoomPoll(poll=p, result=p.result or live_result(p), names=names.get(p.id))
            for p in polls]


async def _seen_by(services: Services, polls: Sequence[Poll], user: User
                        ) -> list[MemberPoll]:
    """The room's polls with the user's own vote, their ballots read at once."""
    shared = await _room_polls(services, polls)
    keys = [(p.id, voter_key(services.secrets, p, user)) for p in polls] \
        if may_vote(user) else []
    found = await bots_store(services).get_ballots([(poll_id, k) for poll_id, k in keys if k])
    ballots = {b.poll_id: b for b in found}
    return [MemberPoll(room=room, ballot=ballots.get(p.id),
                       caster=caster_key(services.secrets, p, user))
            for p, room in zip(polls, shared, strict=True)]


async def _member_poll(services: Services, user: User, poll_id: str) -> tuple[Poll, Room]:
    """A poll of a room the user belongs to; others' polls do not exist for them."""
    poll = await bots_store(services).get_poll(poll_id)
    room = await bots_store(services).get_room(poll.room_id) if poll is not None else None
    if poll is None or room is None or not can_join(user, room):
        raise NotFound("no such poll / 表决不存在")
    return poll, room


# ---- opening -----------------------------------------------------------------------------------

def _new_poll(services: Services, author_id: str, author_name: str, room: Room,
              form: NewPoll, poll_id: str | None) -> Poll:
    if room.kind == "workers":
        raise Invalid("polls are for residents' rooms / 议事表决仅限居民群")
    check_options(form.options)
    now = services.clock.now()
    check_deadline(form.deadline, now)
    options = tuple(PollOption(id=f"o{n}", text=t) for n, t in enumerate(form.options, 1))
    return Poll(
        id=poll_id or new_id("p", 12), room_id=room.id, community_id=room.community_id,
        author_id=author_id, author_name=author_name, question=form.question,
        options=options, multiple=form.multiple,
        max_choices=max_choices_for(form.multiple, form.max_choices, len(form.options)),
        anonymous=form.anonymous, per_household=form.per_household, results=form.results,
        allow_change=form.allow_change, quorum_percent=form.quorum_percent,
        deadline=form.deadline, created_at=now, counts={o.id: 0 for o in options})


async def _open(services: Services, author_id: str, author_name: str, room: Room,
                form: NewPoll, poll_id: str | None) -> RoomPoll:
    await check_can_speak(services, author_id, room, form.question, *form.options)
    poll = _new_poll(services, author_id, author_name, room, form, poll_id)
    poll = poll.model_copy(update={
        "eligible": electorate(poll, await room_members(services, room))})
    poll = await _stored(services, poll, replayable=poll_id is not None)
    shared, = await _room_polls(services, [poll])
    await services.fanout.send(PollNew.of(poll_view(shared)), room.id)
    await post_bot_message(services, room.id, POLLS_BOT_ID, POLLS_BOT_NAME, new_poll_text(poll),
                           client_id=f"poll-new-{poll.id}")
    log.info("poll %s opened in %s by %s", poll.id, room.id, author_id)
    return shared


async def _stored(services: Services, poll: Poll, *, replayable: bool) -> Poll:
    """Store a new poll. A poll whose id the caller derived (a bot command handled again after
    a crash) may be stored already: then that one is the poll, announced again (clients and
    the announcement's client_id make that harmless)."""
    try:
        await bots_store(services).add_poll(poll)
        return poll
    except Conflict:
        existing = await bots_store(services).get_poll(poll.id) if replayable else None
        if existing is None:
            raise
        return existing


async def open_poll(services: Services, *, author_id: str, author_name: str, room: Room,
                    form: NewPoll, poll_id: str | None = None) -> RoomPoll:
    """Open a poll without a permission check (for bots, author_id "bot:<name>"); blocked
    words and mutes still apply. `poll_id`: see `_stored`."""
    return await _open(services, author_id, author_name, room, form, poll_id)


async def create_poll(services: Services, user: User, form: NewPoll, *,
                      poll_id: str | None = None) -> MemberPoll:
    room = await require_member(services, user, form.room_id)
    if not may_create(user):
        raise Forbidden("only grid workers, admins and party members start polls"
                        " / 仅网格员、社区管理员和党员可发起议事表决")
    shared = await _open(services, user.id, display_name(user), room, form, poll_id)
    return MemberPoll(room=shared, ballot=None,
                      caster=caster_key(services.secrets, shared.poll, user))


# ---- voting ------------------------------------------------------------------------------------

async def vote(services: Services, user: User, form: Vote) -> MemberPoll:
    poll, _ = await _member_poll(services, user, form.poll_id)
    if not may_vote(user):
        raise Forbidden("staff do not vote / 工作人员不参与投票")
    if not is_open(poll, services.clock.now()):
        raise Conflict("the poll is closed / 表决已结束")
    choice = check_choice(poll, form.option_ids)
    voter = require_voter_key(services.secrets, poll, user)
    caster = caster_key(services.secrets, poll, user)
    existing = await bots_store(services).get_ballot(poll.id, voter)
    if existing is not None:
        if existing.caster == caster and existing.option_ids == choice:
            mine, = await _seen_by(services, [poll], user)  # a retried vote
            return mine
        check_change(poll, existing, caster)
    ballot = Ballot(poll_id=poll.id, voter=voter, caster=caster, option_ids=choice)
    try:
        cast = await bots_store(services).cast_ballot(ballot, existing,
                                                      count_change(ballot, existing))
    except Conflict:
        await _explain_lost_race(services, poll, voter, caster)
        raise
    shared, = await _room_polls(services, [cast])
    await services.fanout.send(PollUpdated.of(poll_view(shared)), cast.room_id)
    log.info("poll %s: ballot %s", poll.id, "changed" if existing else "cast")
    return MemberPoll(room=shared, ballot=ballot, caster=caster)


async def _explain_lost_race(services: Services, poll: Poll, voter: str, caster: str) -> None:
    """Another ballot under the same voter key got in first (a member of the same household,
    or the voter from another device): say so as a vote read afterwards would have."""
    stored = await bots_store(services).get_ballot(poll.id, voter)
    if stored is not None:
        check_change(poll, stored, caster)


# ---- closing and announcing --------------------------------------------------------------------

async def _close(services: Services, poll: Poll, room: Room | None, by: str,
                 by_name: str | None) -> Poll | None:
    """Freeze the exact tally and mark the poll closed (compare-and-swap on its version), then
    announce it; None when someone else closed it first. An announcement that fails is left to
    the sweep (see announce_pending)."""
    eligible = _eligible(services, poll, await _voters(services, room))
    for _ in range(CLOSE_ATTEMPTS):
        ballots = await bots_store(services).list_ballots([poll.id])
        result = tally(poll, ballots, eligible)
        closed = poll.model_copy(update={
            "status": "closed", "closed_at": services.clock.now(), "closed_by": by,
            "closed_by_name": by_name, "result": result, "counts": result.counts,
            "voters": result.voters, "eligible": result.eligible, "version": poll.version + 1})
        try:
            await bots_store(services).save_poll(closed)
        except Conflict:
            fresh = await bots_store(services).get_poll(poll.id)
            if fresh is None or fresh.status == "closed":
                return None
            poll = fresh
            continue
        try:
            await _announce(services, closed, room)
        except Exception:
            log.exception("poll %s closed; announcing failed, the sweep will retry", poll.id)
        return closed
    raise Conflict("the poll is busy, try again / 表决正忙，请重试")


async def _announce(services: Services, poll: Poll, room: Room | None) -> None:
    """Send a closed poll's result out, then record that it went. Safe to repeat: the result
    message has a client_id of its own, so a retry does not post it twice."""
    if room is not None:
        shared, = await _room_polls(services, [poll])
        await services.fanout.send(PollUpdated.of(poll_view(shared)), room.id)
        await post_bot_message(services, room.id, POLLS_BOT_ID, POLLS_BOT_NAME,
                               result_text(poll), client_id=f"poll-result-{poll.id}")
    services.events.publish(PollClosed(poll))
    await bots_store(services).mark_announced(poll.id, services.clock.now())
    voted, eligible = (poll.result.voters, poll.result.eligible) if poll.result else (0, 0)
    log.info("poll %s closed by %s: %d of %d voted", poll.id, poll.closed_by, voted, eligible)


async def close_poll(services: Services, user: User, poll_id: str) -> MemberPoll:
    """By the author, or a worker/admin who moderates the room."""
    poll, room = await _member_poll(services, user, poll_id)
    if user.id != poll.author_id and not can_moderate(user, room):
        raise Forbidden("only the author or the room's grid worker may close a poll"
                        " / 仅发起人或网格员可结束表决")
    if poll.status == "closed":
        raise Conflict("the poll is already closed / 表决已结束")
    closed = await _close(services, poll, room, user.id, display_name(user))
    if closed is None:
        raise Conflict("the poll is already closed / 表决已结束")
    mine, = await _seen_by(services, [closed], user)
    return mine


async def close_due(services: Services, poll: Poll) -> bool:
    """Close a poll whose deadline passed; False when another process got there first."""
    room = await bots_store(services).get_room(poll.room_id)
    return await _close(services, poll, room, DEADLINE, None) is not None


async def announce_pending(services: Services, poll: Poll) -> None:
    """Announce a poll that closed but whose announcement did not go out."""
    await _announce(services, poll, await bots_store(services).get_room(poll.room_id))


# ---- reading -----------------------------------------------------------------------------------

async def poll_detail(services: Services, user: User, poll_id: str) -> MemberPoll:
    poll, _ = await _member_poll(services, user, poll_id)
    mine, = await _seen_by(services, [poll], user)
    return mine


async def list_polls(services: Services, user: User, room_id: str,
                     limit: int = LIST_LIMIT) -> list[MemberPoll]:
    room = await require_member(services, user, room_id)
    polls = await bots_store(services).list_polls(room.id, limit)
    return await _seen_by(services, polls, user)


async def decisions(services: Services, user: User, community_id: str, *,
                    room_id: str | None = None, limit: int = LIST_LIMIT,
                    offset: int = 0) -> list[Poll]:
    """议事记录 of the rooms of the community the user belongs to: closed polls, their result
    frozen."""
    if not is_active(user) or user.community_id != community_id:
        raise Forbidden("not your community / 不是你所在的社区")
    rooms = await member_room_ids(services, user)
    if room_id is not None:
        if room_id not in rooms:
            raise Forbidden("you are not a member of this room / 你不是该群成员")
        rooms = [room_id]
    return await bots_store(services).list_decisions(rooms, limit, offset)
