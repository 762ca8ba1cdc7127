"""Invite codes (*mã mời*): short, typeable on a phone, safe in a Telegram ``/start`` payload.

Only a SHA-256 hash of a code is stored. A code is used once, before it expires. Codes use an
alphabet without look-alike characters (no 0/O, 1/I/L) and are read case-insensitively, with
spaces and dashes ignored, so "k7m2-qx9p" typed on Zalo finds "K7M2QX9P".

An invite says who someone becomes (a role and a unit: a ``Placement``). ``check_code`` tells
what a code would change for the chat's member (``InviteChange``) without changing anything:
a member already linked is asked before a different placement replaces theirs, and an admin or
coordinator is lowered only by their own answer (the chat's ``onboarding.confirm`` step).
``redeem`` applies it and audits the change, before and after. Wrong codes are counted and
slowed down in ``storage.invite_attempts``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage import audit
from dondoc.storage.errors import UserError
from dondoc.storage.models import Invite, Member, Role, Unit

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
INVITE_ROLES = (Role.OFFICER, Role.HEAD, Role.COORDINATOR, Role.ADMIN)
_DURATION = re.compile(r"^\s*(\d{1,4})\s*([dhw])\s*$", re.IGNORECASE)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return re.sub(r"[\s\-_]", "", text).upper()


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def parse_role(text: str) -> Role:
    try:
        role = Role(text.strip().lower())
    except ValueError:
        role = None
    if role not in INVITE_ROLES:
        raise UserError(
            "invite.unknown_role", role=text, roles=", ".join(r.value for r in INVITE_ROLES)
        )
    return role


def parse_duration(text: str) -> timedelta:
    """``7d``, ``48h``, ``2w`` → a timedelta (1 hour to 52 weeks)."""
    match = _DURATION.match(text)
    if not match:
        raise UserError("invite.bad_expiry", value=text)
    number, unit = int(match.group(1)), match.group(2).lower()
    delta = {
        "d": timedelta(days=number),
        "h": timedelta(hours=number),
        "w": timedelta(weeks=number),
    }[unit]
    if not timedelta(hours=1) <= delta <= timedelta(weeks=52):
        raise UserError("invite.bad_expiry", value=text)
    return delta


@dataclass(frozen=True)
class NewInvite:
    code: str
    unit_code: str | None
    role: Role
    expires_at: datetime


async def create_invite(
    session: AsyncSession,
    unit: Unit | None,
    role: Role,
    expires_in: timedelta,
    now: datetime,
    created_by: str,
) -> NewInvite:
    if unit is None and role is not Role.ADMIN:
        raise UserError("invite.unit_required")
    code = new_code()
    invite = Invite(
        code_hash=hash_code(code),
        unit_id=unit.id if unit else None,
        role=role.value,
        expires_at=now + expires_in,
        created_by=created_by,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return NewInvite(code, unit.code if unit else None, role, invite.expires_at)


# How much a role may do; an invite that lowers an admin or coordinator needs their own "yes".
ROLE_RANK = {Role.OFFICER: 0, Role.HEAD: 1, Role.COORDINATOR: 2, Role.ADMIN: 3}


class CodeState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown_code"  # the message keys ``invite.<state>``
    USED = "already_used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Placement:
    """Who someone is in dondoc: a role, and a unit (none for an admin)."""

    role: Role
    unit_id: int | None
    unit_code: str | None = None
    unit_name: str | None = None


@dataclass(frozen=True)
class InviteChange:
    """What redeeming an invite makes of a chat's member; ``before`` is None when the chat is
    not linked yet (nothing to lose)."""

    before: Placement | None
    after: Placement

    @property
    def changes(self) -> bool:
        return self.before is None or (self.before.role, self.before.unit_id) != (
            self.after.role,
            self.after.unit_id,
        )

    @property
    def needs_confirmation(self) -> bool:
        """A linked member whose role or unit would change is asked first."""
        return self.before is not None and self.changes

    @property
    def lowers(self) -> bool:
        """An admin or coordinator would lose powers."""
        return (
            self.before is not None
            and self.before.role in (Role.COORDINATOR, Role.ADMIN)
            and ROLE_RANK[self.after.role] < ROLE_RANK[self.before.role]
        )


@dataclass(frozen=True)
class CodeCheck:
    state: CodeState
    invite_id: int | None = None
    change: InviteChange | None = None  # for a valid code


@dataclass(frozen=True)
class Redeemed:
    member: Member
    unit: Unit | None
    change: InviteChange


async def _placement(session: AsyncSession, role: str, unit_id: int | None) -> Placement:
    unit = await session.get(Unit, unit_id) if unit_id is not None else None
    return Placement(Role(role), unit_id, unit.code if unit else None, unit.name if unit else None)


async def chat_member(session: AsyncSession, channel: str, user_id: str) -> Member | None:
    """The member row of a chat user, active or not (a person deactivated earlier keeps it)."""
    query = select(Member).where(Member.channel == channel, Member.channel_user_id == user_id)
    return (await session.exec(query)).first()


async def _find(session: AsyncSession, code: str) -> Invite | None:
    return (await session.exec(select(Invite).where(Invite.code_hash == hash_code(code)))).first()


def _state(invite: Invite | None, now: datetime) -> CodeState:
    if invite is None:
        return CodeState.UNKNOWN
    if invite.used_at is not None:
        return CodeState.USED
    if invite.revoked_at is not None:
        return CodeState.REVOKED
    if invite.expires_at <= now:
        return CodeState.EXPIRED
    return CodeState.VALID


async def check_code(
    session: AsyncSession, code: str, member: Member | None, now: datetime
) -> CodeCheck:
    """What ``code`` is, and what it would change for ``member`` (the chat's member row, or
    None). Changes nothing."""
    return await _check(session, await _find(session, code), member, now)


async def check_code_by_id(
    session: AsyncSession, invite_id: int, member: Member | None, now: datetime
) -> CodeCheck:
    """``check_code`` for an invite already found (a question asked about it is pending)."""
    return await _check(session, await session.get(Invite, invite_id), member, now)


async def _check(
    session: AsyncSession, invite: Invite | None, member: Member | None, now: datetime
) -> CodeCheck:
    state = _state(invite, now)
    if invite is None or state is not CodeState.VALID:
        return CodeCheck(state)
    before = None
    if member is not None and member.active:
        before = await _placement(session, member.role, member.unit_id)
    after = await _placement(session, invite.role, invite.unit_id)
    return CodeCheck(state, invite.id, InviteChange(before, after))


async def redeem(
    session: AsyncSession,
    invite_id: int,
    *,
    channel: str,
    user_id: str,
    chat_id: str,
    display_name: str,
    language: str,
    now: datetime,
    actor: str,
) -> Redeemed:
    """Link the chat to invite ``invite_id``'s role and unit (single use, expiry checked again:
    ``UserError`` otherwise). The member row is created or reactivated; reminders go to this
    chat. Audited as ``invite.redeem`` with the role and unit before and after."""
    invite = await session.get(Invite, invite_id)
    state = _state(invite, now)
    if invite is None or state is not CodeState.VALID:
        raise UserError(f"invite.{state.value}")
    member = await chat_member(session, channel, user_id)
    before = None
    if member is not None and member.active:
        before = await _placement(session, member.role, member.unit_id)
    if member is None:
        member = Member(
            channel=channel,
            channel_user_id=user_id,
            chat_id=chat_id,
            display_name=display_name[:255],
            language=language,
            created_at=now,
        )
    member.active = True
    member.chat_id = chat_id  # reminders go to the chat the code was redeemed in
    member.reachable = True
    member.unreachable_reason = None
    member.unreachable_at = None
    if display_name:
        member.display_name = display_name[:255]
    member.unit_id = invite.unit_id
    member.role = invite.role
    session.add(member)
    await session.flush()
    invite.used_at = now
    invite.used_by_member_id = member.id
    session.add(invite)
    after = await _placement(session, invite.role, invite.unit_id)
    audit.record(
        session,
        now,
        "invite.redeem",
        actor=member.display_name or actor,
        member_id=member.id,
        target=after.unit_code or "",
        details={
            "invite_id": invite.id,
            "channel": channel,
            "role_before": before.role.value if before else None,
            "unit_before": before.unit_code if before else None,
            "role": after.role.value,
            "unit": after.unit_code,
        },
    )
    await session.flush()
    unit = await session.get(Unit, invite.unit_id) if invite.unit_id is not None else None
    return Redeemed(member, unit, InviteChange(before, after))
