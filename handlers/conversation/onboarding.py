"""Onboarding (*liên kết tài khoản*): ``/start <mã mời>`` links this chat to the invite's unit and
role (single use, expiry checked); ``/start`` without a code, and any message from someone not
linked yet, explains how to get a code — and nothing else.
"""

from __future__ import annotations

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.chats import link_by_invite
from dondoc.storage.models import Role


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
    linked = await link_by_invite(turn.chat, code, turn.msg.display_name, turn.language, turn.actor)
    turn.member, turn.unit = linked.member, linked.unit
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
