"""Invite codes (*mã mời*): short, typeable on a phone, safe in a Telegram ``/start`` payload.

Only a SHA-256 hash of a code is stored. A code is used once, before it expires. Codes use an
alphabet without look-alike characters (no 0/O, 1/I/L) and are read case-insensitively, with
spaces and dashes ignored, so "k7m2-qx9p" typed on Zalo finds "K7M2QX9P".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

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


async def redeem_invite(session: AsyncSession, code: str, member: Member, now: datetime) -> Invite:
    """Use ``code`` for ``member``: sets the member's unit and role. Single use, expiry checked."""
    invite = (await session.exec(select(Invite).where(Invite.code_hash == hash_code(code)))).first()
    if invite is None:
        raise UserError("invite.unknown_code")
    if invite.used_at is not None:
        raise UserError("invite.already_used")
    if invite.revoked_at is not None:
        raise UserError("invite.revoked")
    if invite.expires_at <= now:
        raise UserError("invite.expired")
    invite.used_at = now
    invite.used_by_member_id = member.id
    member.unit_id = invite.unit_id
    member.role = invite.role
    session.add(invite)
    session.add(member)
    await session.flush()
    return invite
