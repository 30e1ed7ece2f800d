"""What a bot may do: the safe actions of docs/architecture.md#bots ("posts as itself, never
reads what it is not given"). Contexts hold the services privately; bots get only these
methods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bots.base import Bot
from bots.directory import actions as directory
from bots.directory.wire import match_view
from bots.notices import actions as notices
from bots.notices.payloads import NewNotice
from bots.notices.wire import notice_view
from bots.polls import actions as polls
from bots.polls.payloads import NewPoll
from bots.polls.wire import own_view, poll_view
from chat.actions.bot_messages import post_bot_message
from chat.errors import Forbidden, NotFound
from chat.ids import derived_id
from chat.models import Message, Room, User
from chat.names import display_name
from chat.services import Services
from chat.wire import message_view


@dataclass(frozen=True)
class TriggerMessage:
    """The message a bot reacts to, as any member of the room sees it."""

    id: str
    room_id: str
    text: str
    sender_name: str
    sender_role: str
    created_at: datetime


class _Posting:
    def __init__(self, services: Services, bot: Bot) -> None:
        self._services = services
        self._bot = bot

    @property
    def now(self) -> datetime:
        return self._services.clock.now()

    async def _post(self, room_id: str, text: str, client_id: str | None = None
                    ) -> dict[str, Any]:
        limit = self._services.settings.max_text_chars
        posted = await post_bot_message(self._services, room_id, f"bot:{self._bot.name}",
                                        self._bot.display_name, text[:limit], client_id)
        return message_view(posted)

    async def _room(self, room_id: str, community_id: str | None) -> Room:
        room = await self._services.store.get_room(room_id)
        if room is None:
            raise NotFound(f"no room {room_id}")
        if community_id is not None and room.community_id != community_id:
            raise Forbidden(f"bot {self._bot.name} may not post in {room_id}")
        return room


class MessageContext(_Posting):
    def __init__(self, services: Services, bot: Bot, message: Message, room: Room,
                 sender: User) -> None:
        super().__init__(services, bot)
        self._room_record = room
        self._sender = sender
        self.message = TriggerMessage(id=message.id, room_id=room.id, text=message.text,
                                      sender_name=display_name(sender), sender_role=sender.role,
                                      created_at=message.created_at)
        self.community_id = room.community_id
        self._replies = 0
        self._made = 0

    def _replay_safe_id(self, prefix: str) -> str:
        """The id of the n-th poll or notice made for this message: handled again after a
        crash, the message makes the same ids, and the store keeps each once."""
        self._made += 1
        digest = self._services.secrets.digest(
            "bot-made", f"{self._bot.name}\0{self.message.id}\0{self._made}")
        return derived_id(prefix, digest)

    async def reply(self, text: str) -> dict[str, Any]:
        """Post as the bot into the room of the triggering message. The n-th reply to a
        message is posted once: handled again (after a crash), it returns the stored one."""
        self._replies += 1
        client_id = f"re:{self.message.id}:{self._replies}"
        return await self._post(self._room_record.id, text, client_id)

    async def post_notice(self, title: str, body: str, *, requires_ack: bool = False,
                          expires_at: datetime | None = None) -> dict[str, Any]:
        form = NewNotice(room_id=self._room_record.id, title=title, body=body,
                         requires_ack=requires_ack, expires_at=expires_at)
        return notice_view(await notices.publish_notice(
            self._services, author_id=f"bot:{self._bot.name}",
            author_name=self._bot.display_name, room=self._room_record, form=form,
            notice_id=self._replay_safe_id("n")))

    async def create_poll(self, question: str, options: list[str], deadline: datetime,
                          **settings: Any) -> dict[str, Any]:
        form = NewPoll(room_id=self._room_record.id, question=question, options=options,
                       deadline=deadline, **settings)
        return poll_view(await polls.open_poll(
            self._services, author_id=f"bot:{self._bot.name}",
            author_name=self._bot.display_name, room=self._room_record, form=form,
            poll_id=self._replay_safe_id("p")))


    async def post_notice_as_sender(self, title: str, body: str, *,
                                    requires_ack: bool = False) -> dict[str, Any]:
        """A notice in the sender's name, if the sender may post one (`/公告`)."""
        form = NewNotice(room_id=self._room_record.id, title=title, body=body,
                         requires_ack=requires_ack)
        return notice_view(await notices.post_notice(self._services, self._sender, form,
                                                     notice_id=self._replay_safe_id("n")))

    async def create_poll_as_sender(self, question: str, options: list[str],
                                    deadline: datetime, **settings: Any) -> dict[str, Any]:
        """A poll in the sender's name, if the sender may create one (`/投票`)."""
        form = NewPoll(room_id=self._room_record.id, question=question, options=options,
                       deadline=deadline, **settings)
        return own_view(await polls.create_poll(self._services, self._sender, form,
                                                poll_id=self._replay_safe_id("p")))

    async def search_directory(self, query: str, limit: int = 3) -> list[dict[str, Any]]:
        """The service directory entries of this room's community that best answer `query`
        (public to the community's members), best first."""
        found = await directory.search_community(self._services, self.community_id, query,
                                                 limit)
        return [match_view(m) for m in found]


class EventContext(_Posting):
    """For `on_event`: post into rooms of the community the event belongs to."""

    def __init__(self, services: Services, bot: Bot, community_id: str) -> None:
        super().__init__(services, bot)
        self.community_id = community_id

    async def post(self, room_id: str, text: str) -> dict[str, Any]:
        await self._room(room_id, self.community_id)
        return await self._post(room_id, text)


class ScheduleContext(_Posting):
    """For `on_schedule`: post into rooms of the communities where the bot is enabled."""

    def __init__(self, services: Services, bot: Bot, enabled: frozenset[str] | None) -> None:
        super().__init__(services, bot)
        self._enabled = enabled

    async def post(self, room_id: str, text: str) -> dict[str, Any]:
        room = await self._room(room_id, None)
        if self._enabled is not None and room.community_id not in self._enabled:
            raise Forbidden(f"bot {self._bot.name} is not enabled in {room.community_id}")
        return await self._post(room_id, text)
