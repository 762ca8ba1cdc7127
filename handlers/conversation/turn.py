"""One message being handled (*lượt hội thoại*): the member, the language, the stored state of the
conversation, and helpers to answer.

A handler gets a ``Turn`` and returns the outgoing messages. The state of a half-finished
conversation (``ConversationState``: name + data) is read at the start of the turn and written
in the same transaction as everything else, so a restart resumes exactly where the chat was.
The options of the last message sent are kept in the state too, so that "2" or the words of an
option mean the same as pressing its button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.handlers.conversation.context import BotContext
from dondoc.locales import _, format_day
from dondoc.scheduler.messaging import IncomingMessage, Option, OutgoingMessage
from dondoc.storage.models import ConversationState, Member, Role, UnitRef
from dondoc.storage.text import fold

IDLE = "idle"


@dataclass(frozen=True, slots=True)
class Who:
    """The member writing, as plain values read with the message (building ORM objects for
    the member and the unit cost more than the rest of the look-up). Changes to the member
    are written by statements (``conversation.core``, ``/ngonngu``, ``/start``), not by flush."""

    id: int
    channel: str
    channel_user_id: str
    display_name: str
    role: str
    language: str
    unit_id: int | None
    reachable: bool

    @classmethod
    def of(cls, member: Member) -> Who:
        assert member.id is not None
        return cls(
            member.id,
            member.channel,
            member.channel_user_id,
            member.display_name,
            member.role,
            member.language,
            member.unit_id,
            member.reachable,
        )


@dataclass(frozen=True)
class StoredState:
    """The chat's ``ConversationState`` row as read at the start of the turn."""

    id: int
    name: str
    data: dict[str, Any]


@dataclass
class Turn:
    ctx: BotContext
    session: AsyncSession
    msg: IncomingMessage
    now: datetime
    member: Who | None
    language: str
    stored: StoredState | None = None
    unit: UnitRef | None = None
    # The state as this turn leaves it (None: untouched and nothing stored). Kept in plain
    # values and written once by ``save_state``: no ORM object, no write when unchanged.
    _name: str | None = field(default=None, repr=False)
    _data: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.stored is not None and self._name is None:
            self._name, self._data = self.stored.name, self.stored.data

    # ---- words -------------------------------------------------------------------------

    def t(self, key: str, /, **values: Any) -> str:
        return _(key, self.language, **values)

    def say(self, key: str, /, options: list[Option] | tuple[Option, ...] = (), **values: Any):  # noqa: ANN201
        return OutgoingMessage(self.t(key, **values), tuple(options))

    def option(self, key: str, value: str, /, **values: Any) -> Option:
        return Option(self.t(key, **values), value)

    def day(self, value: Any) -> str:
        return format_day(value, self.language)

    @cached_property
    def today(self) -> date:
        """The deployment's date at ``now`` (lists compare every due date with it)."""
        return self.ctx.calendar.local_date(self.now)

    # ---- who ---------------------------------------------------------------------------

    @property
    def role(self) -> Role | None:
        return Role(self.member.role) if self.member else None

    @property
    def actor(self) -> str:
        if self.member is None:
            return f"{self.msg.channel}:{self.msg.user_id}"
        return self.member.display_name or f"{self.member.channel}:{self.member.channel_user_id}"

    # ---- state -------------------------------------------------------------------------

    @property
    def state_name(self) -> str:
        return self._name or IDLE

    @property
    def data(self) -> dict[str, Any]:
        return dict(self._data)

    def set_state(self, name: str, **data: Any) -> None:
        """Move the conversation to ``name`` with ``data`` (JSON-serialisable)."""
        self._name, self._data = name, data

    def clear_state(self) -> None:
        self.set_state(IDLE)

    async def save_state(self, sent: list[OutgoingMessage]) -> None:
        """Store the state with the options of the last message sent (to read "1", "2" …).

        One statement at most, none when the state is as it was read: name and data are
        written together, never one without the other (two messages of one chat handled at
        once must not leave one's name with the other's data; on PostgreSQL the row is
        locked since ``load_state``)."""
        options = next((m.options for m in reversed(sent) if m.options), ())
        if self._name is None and not options:
            return
        name = self._name or IDLE
        data = dict(self._data)
        if options:
            data["options"] = [[o.label, o.value] for o in options]
        else:
            data.pop("options", None)
        stored = self.stored
        if name == IDLE and not options:
            if stored is not None:
                await self.session.exec(_state_delete(), params={"id": stored.id})
            return
        if stored is None:
            values = {
                "channel": self.msg.channel,
                "chat_id": self.msg.chat_id,
                "user_id": self.msg.user_id,
                "state": name,
                "data": data,
                "updated_at": self.now,
            }
            await self.session.exec(_state_insert(), params=values)
        elif name != stored.name or data != stored.data:
            values = {"state_id": stored.id, "state": name, "data": data, "updated_at": self.now}
            await self.session.exec(_state_update(), params=values)

    def chosen(self) -> str | None:
        """The value of the option this message chose: a pressed button, the option's number,
        or its words (with or without diacritics). None when it chose none."""
        options = [(label, value) for label, value in self.data.get("options", [])]
        if self.msg.option is not None:
            values = {value for _label, value in options}
            if self.msg.option in values or self.msg.option.startswith("/"):
                return self.msg.option
            return None
        text = fold(self.msg.text or "")
        if not text or not options:
            return None
        stripped = text.rstrip(".)").strip()
        if re.fullmatch(r"[0-9]{1,6}", stripped):
            index = int(stripped)
            return options[index - 1][1] if 1 <= index <= len(options) else None
        for label, value in options:
            if fold(label) == text:
                return value
        return None


_STATE = ConversationState.__table__  # type: ignore[attr-defined]


@cache
def _state_query() -> Any:
    """The chat's state, locked until the end of the transaction where the database can
    (PostgreSQL: ``FOR UPDATE``, so one chat's messages are handled one after the other;
    SQLite writes one at a time anyway). Plain columns, no ORM object: read every message."""
    return (
        select(_STATE.c.id, _STATE.c.state, _STATE.c.data)
        .where(
            _STATE.c.channel == bindparam("channel"),
            _STATE.c.chat_id == bindparam("chat_id"),
            _STATE.c.user_id == bindparam("user_id"),
        )
        .with_for_update()
    )


@cache
def _state_insert() -> Any:
    return insert(_STATE)


@cache
def _state_update() -> Any:
    # SET state, data, updated_at: the columns of the parameters given with it
    return update(_STATE).where(_STATE.c.id == bindparam("state_id"))


@cache
def _state_delete() -> Any:
    return delete(_STATE).where(_STATE.c.id == bindparam("id"))


async def load_state(session: AsyncSession, msg: IncomingMessage) -> StoredState | None:
    params = {"channel": msg.channel, "chat_id": msg.chat_id, "user_id": msg.user_id}
    row = (await session.exec(_state_query(), params=params)).first()
    return StoredState(row[0], row[1], row[2]) if row is not None else None
