"""The one way words get into a room as a message, for every author: people (Socket.IO
`message:send`), bot accounts (the bot HTTP API) and the built-in bots.

`prepare` checks before anything is written:
  1. the text: stripped, not empty, within `max_text_chars`;
  2. who may speak: a person or bot account must be able to join the room (built-in bots are
     admitted by their context: their community); then, for every author, the blocked-words
     lists and mutes (`check_can_speak`);
  3. the rate: a person's `send:<user>:<room>` bucket (bot accounts are limited per call at
     the bot API's door, every call counting; built-in bots only answer or announce what
     limited people did);
  4. a person's reply target and mentions (bots mention nobody: their "@…" is plain text).
`commit` stores the message with the room's next seq, delivers `message:new`, and for a
person's message publishes `MessageCreated` and moves their read marker.

A reused client_id: the same author sending with the same client_id in the same room gets the
original message back (as it is now: edited, or a tombstone) and nothing is stored or
published a second time — on every path alike. The original is announced to the room again,
since the first try may have been stored and then failed to reach it; receivers keep one copy
per seq. The text must be the one first sent under
that client_id (edits since do not matter); another text is a different message and is
refused with `conflict`. A retry passes the checks of `prepare` like any send (so it may be
told to wait), and built-in bots without a client_id of their own get a fresh one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from chat.actions.rooms import room_members
from chat.actions.speaking import check_can_speak
from chat.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, TooLarge
from chat.events import MessageCreated
from chat.ids import new_id
from chat.mentions import MENTION_ALL, names_in, resolve
from chat.metrics import MESSAGES_STORED
from chat.models import Message, MessageKind, NewMessage, Role, Room, User
from chat.names import display_name
from chat.permissions import can_join, can_mention_all
from chat.services import Services
from chat.wire import message_view
from chat.wire_events import MessageNew


@dataclass(frozen=True)
class Author:
    """Who sends: `account` is the person or bot account; None for a built-in bot."""

    id: str
    name: str
    role: Role
    account: User | None = None

    @classmethod
    def of(cls, user: User) -> Author:
        return cls(user.id, display_name(user), user.role, user)

    @classmethod
    def builtin(cls, bot_id: str, name: str) -> Author:
        return cls(bot_id, name, "bot")

    @property
    def person(self) -> User | None:
        return self.account if self.account is not None and self.role != "bot" else None

    @property
    def kind(self) -> MessageKind:
        return "text" if self.person is not None else "bot"


@dataclass(frozen=True)
class Outgoing:
    """A message that passed `prepare`, ready to `commit`."""

    author: Author
    room: Room
    new: NewMessage


def clean_text(services: Services, text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid("empty message / 消息不能为空")
    limit = services.settings.max_text_chars
    if len(text) > limit:
        raise TooLarge(f"message longer than {limit} characters / 消息超过{limit}字")
    return text


async def _may_speak(services: Services, author: Author, room: Room, text: str) -> None:
    if author.account is not None and not can_join(author.account, room):
        raise Forbidden("you are not a member of this room / 你不是该群成员")
    await check_can_speak(services, author.id, room, text)


async def _rate(services: Services, author: Author, room: Room) -> None:
    if author.person is None:
        return
    wait = await services.limiter.hit(f"send:{author.id}:{room.id}",
                                      services.settings.send_rate_per_second,
                                      services.settings.send_burst)
    if wait:
        raise RateLimited("sending too fast / 发送过于频繁", wait)


async def _reply_target(services: Services, room: Room, reply_to: str | None) -> None:
    if reply_to is None:
        return
    target = await services.store.get_message(reply_to)
    if target is None or target.room_id != room.id:
        raise NotFound("the message replied to is not in this room / 被回复的消息不存在")


async def _mentions(services: Services, author: Author, room: Room,
                    text: str) -> tuple[tuple[str, ...], bool]:
    """O(mentions): the room's label index (`chat.mentions`), never a read of every member."""
    person = author.person
    names = names_in(text)
    if person is None or not names:
        return (), False
    mention_all = MENTION_ALL in names
    if mention_all and not can_mention_all(person):
        raise Forbidden("only staff may mention everyone / 仅网格员和管理员可@所有人")
    names.discard(MENTION_ALL)
    if not names:
        return (), mention_all
    version = await services.store.membership_version(room.community_id)
    labels = await services.mentions.labels(room.id, version,
                                            partial(room_members, services, room))
    return resolve(labels, names), mention_all


async def prepare(services: Services, author: Author, room: Room, text: str,
                  client_id: str | None, reply_to: str | None = None) -> Outgoing:
    text = clean_text(services, text)
    await _may_speak(services, author, room, text)
    await _rate(services, author, room)
    await _reply_target(services, room, reply_to)
    mentions, mention_all = await _mentions(services, author, room, text)
    new = NewMessage(
        id=new_id("m", 16), room_id=room.id, sender_id=author.id, sender_name=author.name,
        sender_role=author.role, kind=author.kind, client_id=client_id or new_id("b", 16),
        text=text, reply_to=reply_to, mentions=mentions, mention_all=mention_all,
        created_at=services.clock.now())
    return Outgoing(author, room, new)


def _check_original(stored: Message, new: NewMessage) -> None:
    first_text = stored.edits[0].text if stored.edits else stored.text
    if first_text != new.text:
        raise Conflict("client_id already used for another message / 消息编号重复")


async def commit(services: Services, out: Outgoing) -> Message:
    message, created = await services.store.append_message(out.new)
    if not created:
        _check_original(message, out.new)
        # The first try may have been stored and then failed to reach the room (Redis down):
        # announce it again; receivers keep one copy per seq.
        await services.fanout.send(MessageNew.of(message_view(message)), out.room.id)
        return message
    MESSAGES_STORED.labels(message.kind).inc()
    await services.fanout.send(MessageNew.of(message_view(message)), out.room.id)
    person = out.author.person
    if person is not None:
        services.events.publish(MessageCreated(message, out.room, person))
        await services.store.mark_read(person.id, out.room.id, message.seq)  # off the path
    return message


async def send(services: Services, author: Author, room: Room, text: str,
               client_id: str | None, reply_to: str | None = None) -> Message:
    return await commit(services, await prepare(services, author, room, text, client_id,
                                                 reply_to))
