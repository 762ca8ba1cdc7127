"""The chat store (*hồ sơ cuộc trò chuyện*): what one message needs from the database and what it
writes about the chat itself, in the message's own transaction.

``chat_turn`` opens that transaction for one incoming message. It is where a duplicate update
is dropped (the one place: the mark of a handled update is inserted first, and a second
delivery of the same update fails on its unique key), where the member writing, their unit and
the chat's half-finished conversation (``StoredState``) are read, and where the state the turn
leaves is written — together with everything else the turn wrote, or not at all.

On SQLite the member, the unit and the state come in one statement. PostgreSQL locks the state
row (``FOR UPDATE``) so that one chat's messages are handled one after the other even by two
processes; the nullable side of an outer join cannot be locked, so there they are two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, literal, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.storage import audit
from dondoc.storage.db import Session, transaction
from dondoc.storage.invites import redeem
from dondoc.storage.models import (
    ConversationState,
    Member,
    ProcessedUpdate,
    Role,
    Unit,
    UnitRef,
)


class DuplicateUpdate(Exception):
    """The platform delivered an update that was already handled: nothing is done again."""


class ChatConflict(Exception):
    """Another message of the same chat wrote its state at the same moment (two messages of a
    new chat at once): handling the message again finds the state the other one left."""


@dataclass(frozen=True, slots=True)
class ChatKey:
    """One person in one chat of one channel."""

    channel: str
    chat_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class ChatMember:
    """The member writing, as plain values read with the message (building ORM objects for
    the member and the unit costs more than the rest of the look-up)."""

    id: int
    channel: str
    channel_user_id: str
    display_name: str
    role: str
    language: str
    unit_id: int | None
    reachable: bool

    @classmethod
    def of(cls, member: Member) -> ChatMember:
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


@dataclass(frozen=True, slots=True)
class StoredState:
    """The chat's half-finished conversation as read at the start of the turn."""

    id: int
    name: str
    data: dict[str, Any]


@dataclass
class ChatTurn:
    """One message's transaction: who writes, their unit, the stored state; ``session`` is for
    the storage functions the turn calls (it is committed with the state)."""

    session: Session
    key: ChatKey
    now: datetime
    member: ChatMember | None
    unit: UnitRef | None
    state: StoredState | None
    _written: bool = field(default=False, repr=False)

    async def save_state(self, name: str | None, data: dict[str, Any]) -> None:
        """Leave the chat in state ``name`` with ``data`` (None: no state, the row goes).

        One statement at most, none when the state is as it was read: name and data are
        written together, never one without the other."""
        stored = self.state
        if name is None:
            if stored is not None:
                await self.session.exec(_state_delete(), params={"id": stored.id})
            return
        if stored is None:
            values = {
                "channel": self.key.channel,
                "chat_id": self.key.chat_id,
                "user_id": self.key.user_id,
                "state": name,
                "data": data,
                "updated_at": self.now,
            }
            await self.session.exec(_state_insert(), params=values)
        elif name != stored.name or data != stored.data:
            values = {"state_id": stored.id, "state": name, "data": data, "updated_at": self.now}
            await self.session.exec(_state_update(), params=values)


@asynccontextmanager
async def chat_turn(
    engine: AsyncEngine, key: ChatKey, update_id: str | None, now: datetime
) -> AsyncIterator[ChatTurn]:
    """The transaction of one incoming message. Raises ``DuplicateUpdate`` (nothing written)
    when ``update_id`` was handled before, ``ChatConflict`` when another message of the chat
    created its state at the same moment (handle it again)."""
    try:
        async with transaction(engine) as session:
            if update_id is not None:
                await _mark(session, key.channel, update_id, now)
            member, unit, state = await _read(session, key, engine.dialect.name == "sqlite")
            if member is not None and not member.reachable:
                # Whoever writes to the bot can be written to again (unblocked, no longer
                # silent). The chat reminders go to stays the one linked by /start.
                await session.exec(_reachable_again(), params={"member_id": member.id})
                member = replace(member, reachable=True)
            yield ChatTurn(session, key, now, member, unit, state)
    except IntegrityError as exc:
        raise ChatConflict(str(exc.orig)) from exc


async def _mark(session: Session, channel: str, update_id: str, now: datetime) -> None:
    """Insert the mark of a handled update first: a duplicate fails here on the unique key
    (one statement instead of a look-up and an insert)."""
    params = {"channel": channel, "update_id": update_id[:128], "received_at": now}
    try:
        await session.exec(_processed_insert(), params=params)
    except IntegrityError:
        raise DuplicateUpdate(update_id) from None


async def mark_handled(engine: AsyncEngine, channel: str, update_id: str, now: datetime) -> bool:
    """Remember ``update_id`` on its own (the turn's transaction was rolled back because the
    message was refused: a second delivery must not be answered again); False when it was
    remembered already."""
    try:
        async with transaction(engine) as session:
            await session.exec(
                _processed_insert(),
                params={"channel": channel, "update_id": update_id[:128], "received_at": now},
            )
    except IntegrityError:
        return False
    return True


async def _read(
    session: Session, key: ChatKey, one_statement: bool
) -> tuple[ChatMember | None, UnitRef | None, StoredState | None]:
    params = {"channel": key.channel, "user_id": key.user_id}
    if one_statement:
        params["chat_id"] = key.chat_id
        row = (await session.exec(_member_and_state_query(), params=params)).one()
        member, unit = _member_of(row)
        state = StoredState(row[11], row[12], row[13]) if row[11] is not None else None
        return member, unit, state
    found = (await session.exec(_member_query(), params=params)).first()
    member, unit = _member_of(found) if found is not None else (None, None)
    params["chat_id"] = key.chat_id
    row = (await session.exec(_state_query(), params=params)).first()
    return member, unit, StoredState(row[0], row[1], row[2]) if row is not None else None


def _member_of(row: Any) -> tuple[ChatMember | None, UnitRef | None]:
    member = ChatMember(*row[:8]) if row[0] is not None else None
    unit = UnitRef(*row[8:11]) if member is not None and row[8] is not None else None
    return member, unit


# ---- the member ------------------------------------------------------------------------------


async def set_language(
    session: Session, member_id: int, language: str, now: datetime, actor: str
) -> None:
    """The language a member reads dondoc in, audited."""
    await session.exec(
        update(_MEMBER).where(_MEMBER.c.id == member_id).values(language=language)  # type: ignore[call-overload]
    )
    audit.record(
        session,
        now,
        "member.language",
        actor=actor,
        member_id=member_id,
        details={"language": language},
    )


async def set_reachable(
    engine: AsyncEngine, channel: str, user_id: str, reachable: bool, reason: str, now: datetime
) -> bool:
    """The platform told us a person blocked (or unblocked) the bot: record it on the member at
    once, so the coordinator sees "không liên lạc được" before any reminder bounces. False when
    the person is not a member."""
    async with transaction(engine) as session:
        member = (
            await session.exec(
                select(Member).where(Member.channel == channel, Member.channel_user_id == user_id)
            )
        ).first()
        if member is None or member.reachable == reachable:
            return member is not None
        member.reachable = reachable
        member.unreachable_reason = None if reachable else reason[:500]
        member.unreachable_at = None if reachable else now
        session.add(member)
        audit.record(
            session,
            now,
            "member.reachable" if reachable else "member.unreachable",
            target=f"{channel}:{member.chat_id}",
            details={"member_id": member.id, "reason": reason[:300]},
        )
    return True


@dataclass(frozen=True, slots=True)
class Linked:
    """A chat just linked by an invite: the member as they are now, their unit, the invite."""

    member: ChatMember
    unit: UnitRef | None
    invite_id: int


async def link_by_invite(
    chat: ChatTurn, invite_id: int, display_name: str, language: str, actor: str
) -> Linked:
    """``/start <code>`` once the code was checked (``storage.invites.check_code``) and, when
    it changes a linked member, agreed to: redeem invite ``invite_id`` for the person writing
    (a new member, or one deactivated earlier coming back), link the chat reminders go to,
    audit it with the role and unit before and after (``storage.invites.redeem``)."""
    key = chat.key
    done = await redeem(
        chat.session,
        invite_id,
        channel=key.channel,
        user_id=key.user_id,
        chat_id=key.chat_id,
        display_name=display_name,
        language=language,
        now=chat.now,
        actor=actor,
    )
    unit_ref = UnitRef.of(done.unit) if done.unit is not None else None
    return Linked(ChatMember.of(done.member), unit_ref, invite_id)


def role_of(member: ChatMember | None) -> Role | None:
    return Role(member.role) if member is not None else None


# ---- statements (built once, bound parameters: reused by every message) -----------------------

_MEMBER = Member.__table__  # type: ignore[attr-defined]
_UNIT = Unit.__table__  # type: ignore[attr-defined]
_STATE = ConversationState.__table__  # type: ignore[attr-defined]
# What a turn reads of the member and their unit (plain columns: ``ChatMember`` and ``UnitRef``).
_WHO = (
    _MEMBER.c.id,
    _MEMBER.c.channel,
    _MEMBER.c.channel_user_id,
    _MEMBER.c.display_name,
    _MEMBER.c.role,
    _MEMBER.c.language,
    _MEMBER.c.unit_id,
    _MEMBER.c.reachable,
    _UNIT.c.id,
    _UNIT.c.code,
    _UNIT.c.name,
)
_ACTIVE_MEMBER = and_(
    _MEMBER.c.channel == bindparam("channel"),
    _MEMBER.c.channel_user_id == bindparam("user_id"),
    _MEMBER.c.active.is_(True),
)
_THIS_CHAT = and_(
    _STATE.c.channel == bindparam("channel"),
    _STATE.c.chat_id == bindparam("chat_id"),
    _STATE.c.user_id == bindparam("user_id"),
)


@cache
def _member_query() -> Any:
    """The active member of a chat user, with their unit."""
    return (
        select(*_WHO)
        .select_from(_MEMBER.outerjoin(_UNIT, _UNIT.c.id == _MEMBER.c.unit_id))
        .where(_ACTIVE_MEMBER)
    )


@cache
def _member_and_state_query() -> Any:
    """SQLite: the member, their unit and the chat's state in one statement (always one row:
    the outer joins hang on a one-row select)."""
    one = select(literal(1).label("one")).subquery()
    return select(*_WHO, _STATE.c.id, _STATE.c.state, _STATE.c.data).select_from(
        one.outerjoin(_MEMBER, _ACTIVE_MEMBER)
        .outerjoin(_UNIT, _UNIT.c.id == _MEMBER.c.unit_id)
        .outerjoin(_STATE, _THIS_CHAT)
    )


@cache
def _state_query() -> Any:
    """The chat's state, locked until the end of the transaction (PostgreSQL ``FOR UPDATE``)."""
    return select(_STATE.c.id, _STATE.c.state, _STATE.c.data).where(_THIS_CHAT).with_for_update()


@cache
def _reachable_again() -> Any:
    return (
        update(_MEMBER)
        .where(_MEMBER.c.id == bindparam("member_id"))
        .values(reachable=True, unreachable_reason=None, unreachable_at=None)
    )


@cache
def _processed_insert() -> Any:
    return insert(ProcessedUpdate.__table__)  # type: ignore[attr-defined]


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
