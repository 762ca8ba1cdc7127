"""Onboarding (*liên kết tài khoản*): ``/start <mã mời>`` links this chat to the invite's unit and
role (single use, expiry checked); ``/start`` without a code, and any message from someone not
linked yet, explains how to get a code — and nothing else.

An invite never silently changes who someone is: a member already linked whose role or unit
the code would change is shown both and asked (the ``onboarding.confirm`` step; an admin or
coordinator who would lose powers is told so), and only their "yes" applies it. Wrong codes
make the chat wait (``storage.invite_attempts``): a code sent while waiting is not looked at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.office import office_words
from dondoc.handlers.conversation.payloads import Payload
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage import audit, invite_attempts, invites
from dondoc.storage.chats import link_by_invite
from dondoc.storage.invites import CodeState, InviteChange, Placement
from dondoc.storage.models import Role

CONFIRM = "onboarding.confirm"


@dataclass(frozen=True)
class AcceptInvite(Payload, prefix="inv"):
    invite: int


@dataclass(frozen=True)
class KeepAsIs(Payload, prefix="keep"):
    pass


async def not_linked(turn: Turn) -> list[OutgoingMessage]:
    """The one answer people not linked yet get, whatever they wrote: who gives the codes."""
    return [turn.say("conv.onboarding.not_linked", office=await office_words(turn))]


async def start_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/start [code]`` (``/batdau``)."""
    code = args.strip()
    if not code:
        if turn.member is None:
            return await not_linked(turn)
        return [_welcome(turn, "conv.onboarding.welcome_back")]
    who = invite_attempts.chat_key(turn.msg.channel, turn.msg.user_id)
    member_id = turn.member.id if turn.member else None
    waiting = await invite_attempts.gate(turn.session, who, turn.now)
    if waiting.until is not None:
        await invite_attempts.record_throttled(
            turn.session, who, waiting, turn.now, actor=turn.actor, member_id=member_id
        )
        key = f"conv.onboarding.wait_{waiting.reason}"
        return [turn.say(key, minutes=_minutes(waiting, turn))]
    member = await invites.chat_member(turn.session, turn.msg.channel, turn.msg.user_id)
    check = await invites.check_code(turn.session, code, member, turn.now)
    if check.state is not CodeState.VALID or check.change is None or check.invite_id is None:
        after = await invite_attempts.record_failure(
            turn.session, who, check.state.value, turn.now, actor=turn.actor, member_id=member_id
        )
        lines = [turn.t(f"invite.{check.state.value}")]
        if after.until is not None:
            lines.append(turn.t("conv.onboarding.wait_next", minutes=_minutes(after, turn)))
        return [OutgoingMessage("\n".join(lines))]
    if check.change.needs_confirmation:
        return _ask(turn, check.invite_id, check.change)
    return await _link(turn, check.invite_id)


def _minutes(waiting: invite_attempts.Gate, turn: Turn) -> int:
    return max(1, math.ceil(waiting.wait(turn.now).total_seconds() / 60))


def _placement(turn: Turn, placement: Placement) -> str:
    unit = placement.unit_name or turn.t("conv.onboarding.no_unit")
    return turn.t("conv.onboarding.placement", unit=unit, role=turn.t(f"role.{placement.role}"))


def _ask(turn: Turn, invite_id: int, change: InviteChange) -> list[OutgoingMessage]:
    """Show what the code would change and ask; the answer is ``_step_confirm``'s."""
    assert change.before is not None
    before = change.before
    turn.set_state(CONFIRM, invite=invite_id, role=before.role.value, unit=before.unit_id)
    lines = [
        turn.t(
            "conv.onboarding.confirm",
            before=_placement(turn, before),
            after=_placement(turn, change.after),
        )
    ]
    if change.lowers:
        lines.append(turn.t("conv.onboarding.confirm_lowers", role=turn.t(f"role.{before.role}")))
    lines.append(turn.t("conv.onboarding.confirm_question"))
    options = (
        turn.option("conv.opt.invite_accept", AcceptInvite(invite_id).pack()),
        turn.option("conv.opt.invite_keep", KeepAsIs().pack()),
    )
    return [OutgoingMessage("\n".join(lines), options)]


async def _step_confirm(turn: Turn, chosen: str | None, text: str) -> list[OutgoingMessage]:
    """The answer to ``_ask``: yes links as the invite says, no keeps all as it is, anything
    else asks again. Asked about one role and unit: if they changed meanwhile, start afresh."""
    data = turn.data
    invite_id = int(data["invite"])
    accepted, kept = AcceptInvite.parse(chosen), KeepAsIs.parse(chosen)
    if accepted is None and kept is None:
        member = await invites.chat_member(turn.session, turn.msg.channel, turn.msg.user_id)
        check = await invites.check_code_by_id(turn.session, invite_id, member, turn.now)
        if check.change is None or not check.change.needs_confirmation:
            turn.clear_state()
            return [turn.say("conv.state_lost", options=help_options(turn))]
        return _ask(turn, invite_id, check.change)
    turn.clear_state()
    assert turn.member is not None
    same = (turn.member.role, turn.member.unit_id) == (data["role"], data["unit"])
    if not same or (accepted is not None and accepted.invite != invite_id):
        return [turn.say("conv.state_lost", options=help_options(turn))]
    if kept is not None:
        audit.record(
            turn.session,
            turn.now,
            "invite.declined",
            actor=turn.actor,
            member_id=turn.member.id,
            details={"invite_id": invite_id},
        )
        unit = turn.unit.name if turn.unit else turn.t("conv.onboarding.no_unit")
        role = turn.t(f"role.{turn.member.role}")
        placement = turn.t("conv.onboarding.placement", unit=unit, role=role)
        return [turn.say("conv.onboarding.kept", options=help_options(turn), placement=placement)]
    return await _link(turn, invite_id)


async def _link(turn: Turn, invite_id: int) -> list[OutgoingMessage]:
    linked = await link_by_invite(
        turn.chat, invite_id, turn.msg.display_name, turn.language, turn.actor
    )
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


FLOW_STEPS = {CONFIRM: _step_confirm}
