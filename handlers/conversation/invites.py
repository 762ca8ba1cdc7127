"""Invite codes from the chat (*cấp mã mời*): ``/moi <đơn vị> [vai trò]`` (``/invite``).

"Unit role" is read however it is typed — "/moi VHXH can bo", "/moi Phòng Văn hóa - Xã hội
thủ trưởng", extra spaces, no diacritics: the role is the last words when they name one, the
unit the rest (a code, a name or an alias, ``storage.directory.find_unit``). When only one part
is understood, the answer says which part was and which was not. Coordinators and admins are
invited by an admin only.
"""

from __future__ import annotations

from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage import audit
from dondoc.storage.directory import find_unit
from dondoc.storage.errors import UserError
from dondoc.storage.invites import create_invite
from dondoc.storage.models import Role, Unit
from dondoc.storage.text import fold, shorten

ROLE_WORDS: dict[Role, tuple[str, ...]] = {
    Role.OFFICER: ("officer", "can bo", "cong chuc", "chuyen vien", "cb", "cbcc", "nhan vien"),
    Role.HEAD: (
        "head",
        "thu truong",
        "lanh dao",
        "truong",
        "chu tich",
        "truong phong",
        "pho truong phong",
        "pho chu tich",
        "giam doc",
    ),
    Role.COORDINATOR: (
        "coordinator",
        "dau moi",
        "dau moi tong hop",
        "tong hop",
        "theo doi",
        "dieu phoi",  # understood when typed; dondoc itself says "đầu mối tổng hợp"
    ),
    Role.ADMIN: ("admin", "quan tri", "quan tri vien"),
}
_LONGEST_ROLE = max(len(words.split()) for names in ROLE_WORDS.values() for words in names)


def role_named(text: str) -> Role | None:
    """The role ``text`` names ("thủ trưởng", "can bo", "đầu mối"), or None."""
    wanted = fold(text)
    return next((role for role, words in ROLE_WORDS.items() if wanted in words), None)


async def _unit_or_none(turn: Turn, text: str) -> Unit | None:
    """The unit ``text`` names; None when it names none or several."""
    try:
        return await find_unit(turn.session, text)
    except UserError:
        return None


async def unit_and_role(turn: Turn, text: str) -> tuple[Unit, Role]:
    """The unit and the role of "/moi <unit> [role]"; ``UserError`` saying which part was not
    understood."""
    unit = await find_unit(turn.session, text)  # the whole text: a unit, role officer
    if unit is not None:
        return unit, Role.OFFICER
    words = text.split()
    for size in range(min(_LONGEST_ROLE, len(words) - 1), 0, -1):
        role = role_named(" ".join(words[-size:]))
        if role is None:
            continue
        head = " ".join(words[:-size])
        unit = await find_unit(turn.session, head)
        if unit is None:
            raise UserError(
                "conv.invite.unknown_unit",
                value=shorten(head, 60),
                role=turn.t(f"role.{role.value}"),
            )
        return unit, role
    for size in range(len(words) - 1, 0, -1):  # a unit first, then words that are no role
        unit = await _unit_or_none(turn, " ".join(words[:size]))
        if unit is not None:
            rest = " ".join(words[size:])
            raise UserError("conv.invite.unknown_role", value=shorten(rest, 40), unit=unit.name)
    raise UserError("conv.unit.unknown", value=shorten(text, 60))


async def invite_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/moi <đơn vị> [vai trò]`` (``/invite``): a single-use invite code for a unit."""
    text = " ".join(args.split())
    if not text:
        return [turn.say("conv.invite.usage")]
    unit, role = await unit_and_role(turn, text)
    if role in (Role.COORDINATOR, Role.ADMIN) and turn.role is not Role.ADMIN:
        raise UserError("conv.invite.admin_only", role=turn.t(f"role.{role.value}"))
    invite = await create_invite(
        turn.session, unit, role, turn.ctx.invite_lifetime, turn.now, created_by=turn.actor
    )
    assert turn.member is not None
    audit.record(
        turn.session,
        turn.now,
        "invite.create",
        actor=turn.actor,
        member_id=turn.member.id,
        target=unit.code,
        details={"role": role.value, "channel": turn.msg.channel},
    )
    expires = turn.ctx.calendar.local(invite.expires_at)
    lines = [
        turn.t(
            "conv.invite.created",
            code=invite.code,
            unit=unit.name,
            role=turn.t(f"role.{role.value}"),
            expires=f"{expires:%H:%M} {turn.day(expires)}",
        )
    ]
    username = turn.ctx.telegram_bot_username
    if username:
        link = f"https://t.me/{username.lstrip('@')}?start={invite.code}"
        lines.append(turn.t("conv.invite.telegram_link", link=link))
    return [OutgoingMessage("\n".join(lines))]
