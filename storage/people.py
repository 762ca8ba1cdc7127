"""Managing people (*quản lý cán bộ*): who is linked to which unit with which role, on which
channel, and whether dondoc can reach them; a person who left (*nghỉ việc, chuyển công tác*) is
deactivated — their reports stay, nothing reaches them any more, their web sessions end — and a
person who moved is moved to their new unit; invite codes not used yet are listed and can be
revoked (*thu hồi mã mời*). The command line, the chat and the web desk all call these, and
each change is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from dondoc.storage import audit
from dondoc.storage.db import Session
from dondoc.storage.errors import UserError
from dondoc.storage.models import Invite, Member, Unit, UnitRef, WebSession


@dataclass(frozen=True, slots=True)
class Person:
    """A member as lists show them."""

    id: int
    name: str
    channel: str
    channel_user_id: str
    role: str
    unit: UnitRef | None
    language: str
    reachable: bool
    unreachable_reason: str | None
    unreachable_at: datetime | None
    active: bool
    created_at: datetime
    deactivated_at: datetime | None

    @property
    def label(self) -> str:
        """How a person is named in lists: their name, or their channel id."""
        return self.name or f"{self.channel}:{self.channel_user_id}"


def _person(member: Member, unit: Unit | None) -> Person:
    assert member.id is not None
    return Person(
        member.id,
        member.display_name,
        member.channel,
        member.channel_user_id,
        member.role,
        UnitRef.of(unit) if unit is not None else None,
        member.language,
        member.reachable,
        member.unreachable_reason,
        member.unreachable_at,
        member.active,
        member.created_at,
        member.deactivated_at,
    )


async def list_people(
    session: Session, *, unit_id: int | None = None, include_inactive: bool = False
) -> list[Person]:
    """The members of one unit (or of all units), by unit code then name; active ones only
    unless ``include_inactive``."""
    query = select(Member, Unit).outerjoin(Unit, col(Unit.id) == Member.unit_id)
    if unit_id is not None:
        query = query.where(Member.unit_id == unit_id)
    if not include_inactive:
        query = query.where(col(Member.active).is_(True))
    rows = (await session.exec(query)).all()
    people = [_person(member, unit) for member, unit in rows]
    people.sort(key=lambda p: (p.unit.code if p.unit else "", not p.active, p.label.casefold()))
    return people


async def person(session: Session, ref: str | int) -> Person:
    """A member by id ("12") or by ``channel:user id`` ("telegram:5551234"); ``UserError``
    when none is found."""
    member = await _member(session, ref)
    unit = await session.get(Unit, member.unit_id) if member.unit_id else None
    return _person(member, unit)


async def _member(session: Session, ref: str | int) -> Member:
    text = str(ref).strip().lstrip("#")
    member: Member | None = None
    if text.isdigit() and len(text) <= 12:
        member = await session.get(Member, int(text))
    elif ":" in text:
        channel, _sep, user = text.partition(":")
        member = (
            await session.exec(
                select(Member).where(
                    Member.channel == channel.strip().lower(),
                    Member.channel_user_id == user.strip(),
                )
            )
        ).first()
    if member is None:
        raise UserError("people.unknown_member", value=text[:40])
    return member


async def end_web_sessions(session: Session, member_id: int, now: datetime, reason: str) -> int:
    """End every open web session of a member; how many were open."""
    result = await session.exec(
        update(WebSession)  # type: ignore[call-overload]
        .where(col(WebSession.member_id) == member_id, col(WebSession.ended_at).is_(None))
        .values(ended_at=now, ended_reason=reason)
    )
    return int(result.rowcount or 0)


async def deactivate(
    session: Session,
    ref: str | int,
    *,
    now: datetime,
    actor: str,
    actor_member_id: int | None = None,
) -> Person:
    """Mark a member as gone: nothing is sent to them any more, their chat no longer speaks
    for the unit, their web sessions end; every report they wrote stays. ``UserError`` when
    they are already inactive, or when one tries it on oneself."""
    member = await _member(session, ref)
    if actor_member_id is not None and member.id == actor_member_id:
        raise UserError("people.not_yourself")
    if not member.active:
        raise UserError("people.already_inactive", name=member.display_name or str(member.id))
    member.active = False
    member.deactivated_at = now
    session.add(member)
    assert member.id is not None
    ended = await end_web_sessions(session, member.id, now, "left")
    unit = await session.get(Unit, member.unit_id) if member.unit_id else None
    audit.record(
        session,
        now,
        "member.deactivate",
        actor=actor,
        member_id=actor_member_id,
        target=f"member:{member.id}",
        details={"unit": unit.code if unit else None, "role": member.role, "sessions": ended},
    )
    await session.flush()
    return _person(member, unit)


async def move(
    session: Session,
    ref: str | int,
    unit: Unit,
    *,
    now: datetime,
    actor: str,
    actor_member_id: int | None = None,
) -> tuple[Person, Person]:
    """Move a member to ``unit`` (their role stays): (before, after). ``UserError`` when the
    member is inactive or already in that unit."""
    member = await _member(session, ref)
    if not member.active:
        raise UserError("people.inactive", name=member.display_name or str(member.id))
    if member.unit_id == unit.id:
        raise UserError("people.same_unit", name=member.display_name, unit=unit.name)
    old_unit = await session.get(Unit, member.unit_id) if member.unit_id else None
    before = _person(member, old_unit)
    member.unit_id = unit.id
    session.add(member)
    audit.record(
        session,
        now,
        "member.move",
        actor=actor,
        member_id=actor_member_id,
        target=f"member:{member.id}",
        details={"from": old_unit.code if old_unit else None, "to": unit.code},
    )
    await session.flush()
    return before, _person(member, unit)


# ---- invites ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenInvite:
    """An invite code not used yet (the code itself is never stored: its number names it)."""

    id: int
    unit: UnitRef | None
    role: str
    expires_at: datetime
    created_by: str
    created_at: datetime


async def unused_invites(session: Session, now: datetime) -> list[OpenInvite]:
    """Invites neither used, revoked nor expired, soonest expiry first."""
    rows = (
        await session.exec(
            select(Invite, Unit)
            .outerjoin(Unit, col(Unit.id) == Invite.unit_id)
            .where(
                col(Invite.used_at).is_(None),
                col(Invite.revoked_at).is_(None),
                col(Invite.expires_at) > now,
            )
            .order_by(col(Invite.expires_at), col(Invite.id))
        )
    ).all()
    return [_open(invite, unit) for invite, unit in rows]


def _open(invite: Invite, unit: Unit | None) -> OpenInvite:
    assert invite.id is not None
    return OpenInvite(
        invite.id,
        UnitRef.of(unit) if unit is not None else None,
        invite.role,
        invite.expires_at,
        invite.created_by,
        invite.created_at,
    )


async def revoke_invite(
    session: Session,
    invite_id: int,
    *,
    now: datetime,
    actor: str,
    actor_member_id: int | None = None,
    only_roles: tuple[str, ...] | None = None,
) -> OpenInvite:
    """Withdraw an invite not used yet: its code no longer links anyone. ``UserError`` when
    it is unknown, used, expired or revoked already (or, with ``only_roles``, of a role the
    one revoking may not hand out)."""
    invite = await session.get(Invite, invite_id)
    if invite is None:
        raise UserError("people.invite_unknown", id=invite_id)
    if invite.used_at is not None:
        raise UserError("people.invite_used", id=invite_id)
    if invite.revoked_at is not None:
        raise UserError("people.invite_revoked", id=invite_id)
    if invite.expires_at <= now:
        raise UserError("people.invite_expired", id=invite_id)
    if only_roles is not None and invite.role not in only_roles:
        raise UserError("people.invite_admin_only", id=invite_id)
    invite.revoked_at = now
    invite.revoked_by = actor[:255]
    session.add(invite)
    unit = await session.get(Unit, invite.unit_id) if invite.unit_id else None
    audit.record(
        session,
        now,
        "invite.revoke",
        actor=actor,
        member_id=actor_member_id,
        target=unit.code if unit else "",
        details={"invite_id": invite_id, "role": invite.role},
    )
    await session.flush()
    return _open(invite, unit)
