"""Onboarding (*liên kết tài khoản*): ``/start <mã mời>`` links this chat to the invite's unit and
role (single use, expiry checked); ``/start`` without a code, and any message from someone not
linked yet, explains how to get a code — and nothing else.
"""

from __future__ import annotations

from sqlmodel import select

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.turn import Turn, UnitRef, Who
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage import audit
from dondoc.storage.invites import redeem_invite
from dondoc.storage.models import Member, Role, Unit


def not_linked(turn: Turn) -> list[OutgoingMessage]:
    """The one answer people not linked yet get, whatever they wrote."""
    return [turn.say("conv.onboarding.not_linked")]


async def start_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/start [code]`` (``/batdau``)."""
    code = args.strip()
    if not code:
        if turn.member is None:
            return not_linked(turn)
        return [_welcome(turn, "conv.onboarding.welcome_back")]
    member = await turn.session.get(Member, turn.member.id) if turn.member else None
    if member is None:
        # A person deactivated earlier comes back with a new code: reuse their row.
        member = (
            await turn.session.exec(
                select(Member).where(
                    Member.channel == turn.msg.channel,
                    Member.channel_user_id == turn.msg.user_id,
                )
            )
        ).first()
        if member is None:
            member = Member(
                channel=turn.msg.channel,
                channel_user_id=turn.msg.user_id,
                chat_id=turn.msg.chat_id,
                display_name=turn.msg.display_name[:255],
                language=turn.language,
                created_at=turn.now,
            )
        member.active = True
        member.chat_id = turn.msg.chat_id
        turn.session.add(member)
        await turn.session.flush()
    invite = await redeem_invite(turn.session, code, member, turn.now)
    member.chat_id = turn.msg.chat_id  # reminders go to the chat the code was redeemed in
    member.reachable = True
    member.unreachable_reason = None
    member.unreachable_at = None
    if turn.msg.display_name:
        member.display_name = turn.msg.display_name[:255]
    turn.session.add(member)
    turn.member = Who.of(member)
    unit = await turn.session.get(Unit, member.unit_id) if member.unit_id else None
    turn.unit = UnitRef.of(unit) if unit is not None else None
    audit.record(
        turn.session,
        turn.now,
        "invite.redeem",
        actor=turn.actor,
        member_id=member.id,
        target=turn.unit.code if turn.unit else "",
        details={"role": member.role, "invite_id": invite.id, "channel": member.channel},
    )
    return [_welcome(turn, "conv.onboarding.linked")]


def _welcome(turn: Turn, key: str) -> OutgoingMessage:
    assert turn.member is not None
    role = Role(turn.member.role)
    unit = turn.unit.name if turn.unit else turn.t("conv.onboarding.no_unit")
    lines = [turn.t(key, unit=unit, role=turn.t(f"role.{role.value}"))]
    if role in (Role.COORDINATOR, Role.ADMIN):
        lines.append(turn.t("conv.onboarding.next_coordinator"))
    if turn.unit is not None:
        lines.append(turn.t("conv.onboarding.next_officer"))
    return OutgoingMessage("\n".join(lines), tuple(help_options(turn)))
