"""Managing people, one set of rules for the chat, the web desk and the command line
(*quản lý cán bộ*): list the members of a unit or of all units; deactivate someone who left
(their reports stay); move someone to another unit; list and revoke unused invite codes.

Who may do what: a coordinator manages officers and heads (*cán bộ, thủ trưởng*); only an
admin (the command line is one) may deactivate, move or revoke the invite of a coordinator or
an admin — the same line as for creating their invites. Nobody deactivates themselves (the last
coordinator would lock the desk). The storage functions audit every change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dondoc.locales import _, format_short_day
from dondoc.storage.db import Session
from dondoc.storage.directory import find_unit
from dondoc.storage.errors import UserError
from dondoc.storage.models import Role
from dondoc.storage.people import (
    OpenInvite,
    Person,
    deactivate,
    list_people,
    move,
    person,
    revoke_invite,
    unused_invites,
)

MANAGED_BY_COORDINATORS = (Role.OFFICER.value, Role.HEAD.value)


@dataclass(frozen=True, slots=True)
class Manager:
    """Who manages: their role, how the audit log names them, their member id (None: CLI)."""

    role: str
    actor: str
    member_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


CLI_MANAGER = Manager(Role.ADMIN.value, "cli")


def _may_manage(by: Manager, target_role: str) -> None:
    if not by.is_admin and target_role not in MANAGED_BY_COORDINATORS:
        raise UserError("people.admin_only")


async def members(session: Session, unit_text: str | None = None) -> list[Person]:
    """The active members of the unit people name ("VHXH", "văn hóa") or of every unit."""
    if unit_text and unit_text.strip():
        unit = await find_unit(session, unit_text)
        if unit is None:
            raise UserError("conv.unit.unknown", value=unit_text[:60])
        return await list_people(session, unit_id=unit.id)
    return await list_people(session)


async def deactivate_person(session: Session, ref: str, *, by: Manager, now: datetime) -> Person:
    """Deactivate the member ``ref`` names (id or ``channel:user``)."""
    target = await person(session, ref)
    if by.member_id is not None and target.id == by.member_id:
        raise UserError("people.not_yourself")
    _may_manage(by, target.role)
    return await deactivate(
        session, target.id, now=now, actor=by.actor, actor_member_id=by.member_id
    )


async def move_person(
    session: Session, ref: str, unit_text: str, *, by: Manager, now: datetime
) -> tuple[Person, Person]:
    """Move the member ``ref`` names to the unit ``unit_text`` names: (before, after)."""
    target = await person(session, ref)
    _may_manage(by, target.role)
    unit = await find_unit(session, unit_text) if unit_text.strip() else None
    if unit is None:
        raise UserError("conv.unit.unknown", value=unit_text[:60])
    return await move(
        session, target.id, unit, now=now, actor=by.actor, actor_member_id=by.member_id
    )


async def open_invites(session: Session, now: datetime) -> list[OpenInvite]:
    return await unused_invites(session, now)


async def revoke(session: Session, invite_ref: str, *, by: Manager, now: datetime) -> OpenInvite:
    """Revoke the unused invite numbered ``invite_ref``."""
    text = invite_ref.strip().lstrip("#")
    if not text.isdigit() or len(text) > 12:
        raise UserError("people.invite_bad_number", value=invite_ref[:20])
    return await revoke_invite(
        session,
        int(text),
        now=now,
        actor=by.actor,
        actor_member_id=by.member_id,
        only_roles=None if by.is_admin else MANAGED_BY_COORDINATORS,
    )


CHANNELS = ("zalo", "telegram", "console")


def reach_words(person: Person, language: str) -> str:
    """Whether dondoc can reach a member, in words ("liên lạc được", "không liên lạc được từ
    12/11/2025", "đã nghỉ")."""
    if not person.active:
        return _("people.left", language)
    if person.reachable:
        return _("people.reachable", language)
    if person.unreachable_at is not None:
        day = format_short_day(person.unreachable_at, language)
        return _("people.unreachable_since", language, day=day)
    return _("people.unreachable", language)


def channel_name(channel: str, language: str) -> str:
    return _(f"channel.{channel}", language) if channel in CHANNELS else channel


def describe(person: Person, language: str) -> str:
    """One member as the chat and the command line show them."""
    return _(
        "people.line",
        language,
        id=person.id,
        name=person.label,
        role=_(f"role.{person.role}", language),
        channel=channel_name(person.channel, language),
        reach=reach_words(person, language),
    )
