"""Coordinators manage people from the chat (*quản lý cán bộ qua tin nhắn*):

* ``/canbo [đơn vị]`` (``/members``): who is linked, with role, channel and whether dondoc can
  reach them; ``/canbo nghi <số>`` deactivates someone who left (their reports stay);
  ``/canbo chuyen <số> <đơn vị>`` moves someone to another unit;
* ``/mamoi`` (``/invites``): the invite codes not used yet; ``/mamoi huy <số>`` revokes one.

The rules (who may manage whom) are ``handlers.desk.people``'s, shared with the web desk and
the command line.
"""

from __future__ import annotations

from dondoc.handlers.conversation.coordinator import _paged
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.desk.people import (
    Manager,
    deactivate_person,
    describe,
    members,
    move_person,
    open_invites,
    revoke,
)
from dondoc.locales import format_short_day
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.people import OpenInvite
from dondoc.storage.text import fold

_DEACTIVATE = {"nghi", "thoi", "ngung", "off", "deactivate", "remove", "xoa"}
_MOVE = {"chuyen", "move"}
_REVOKE = {"huy", "thu hoi", "thuhoi", "revoke"}


def _manager(turn: Turn) -> Manager:
    assert turn.member is not None
    return Manager(turn.member.role, turn.actor, turn.member.id)


async def members_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/canbo [đơn vị] | nghi <số> | chuyen <số> <đơn vị>``."""
    text = args.strip()
    word, _sep, rest = text.partition(" ")
    action = fold(word)
    if action in _DEACTIVATE and rest.strip():
        gone = await deactivate_person(turn.session, rest.strip(), by=_manager(turn), now=turn.now)
        return [
            turn.say(
                "people.chat.deactivated",
                name=gone.label,
                unit=gone.unit.name if gone.unit else turn.t("people.no_unit"),
            )
        ]
    if action in _MOVE and rest.strip():
        ref, _sep, unit_text = rest.strip().partition(" ")
        if not unit_text.strip():
            return [turn.say("people.chat.usage")]
        before, after = await move_person(
            turn.session, ref, unit_text, by=_manager(turn), now=turn.now
        )
        return [
            turn.say(
                "people.chat.moved",
                name=after.label,
                old=before.unit.name if before.unit else turn.t("people.no_unit"),
                new=after.unit.name if after.unit else "",
            )
        ]
    people = await members(turn.session, text or None)
    scope = people[0].unit.name if text and people and people[0].unit else text
    if not people:
        return [turn.say("people.chat.none", scope=scope or turn.t("people.all_units"))]
    lines: list[str] = []
    current = None
    for person in people:
        unit_name = person.unit.name if person.unit else turn.t("people.no_unit")
        if unit_name != current:
            lines += [""] if lines else []
            lines.append(f"{unit_name}:")
            current = unit_name
        lines.append(describe(person, turn.language))
    lines.append("\n" + turn.t("people.chat.hint"))
    head = turn.t("people.chat.title", scope=scope or turn.t("people.all_units"), count=len(people))
    return _paged(turn, head, lines, 1, "/canbo")


def invite_line(turn: Turn, invite: OpenInvite) -> str:
    expires = turn.ctx.calendar.local(invite.expires_at)
    return turn.t(
        "invites.line",
        id=invite.id,
        unit=invite.unit.name if invite.unit else "-",
        role=turn.t(f"role.{invite.role}"),
        expires=f"{expires:%H:%M} {format_short_day(expires, turn.language)}",
        by=invite.created_by or "-",
    )


async def invites_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/mamoi | huy <số>``: the invite codes not used yet; revoke one."""
    text = args.strip()
    word, _sep, rest = text.partition(" ")
    if fold(word) in _REVOKE or fold(text.rsplit(" ", 1)[0]) in _REVOKE:
        number = text.rsplit(" ", 1)[-1]
        gone = await revoke(turn.session, number, by=_manager(turn), now=turn.now)
        return [
            turn.say(
                "invites.chat.revoked",
                id=gone.id,
                unit=gone.unit.name if gone.unit else "-",
                role=turn.t(f"role.{gone.role}"),
            )
        ]
    if text:
        return [turn.say("invites.chat.usage")]
    invites = await open_invites(turn.session, turn.now)
    if not invites:
        return [turn.say("invites.chat.none")]
    lines = [invite_line(turn, invite) for invite in invites]
    lines.append("\n" + turn.t("invites.chat.hint"))
    return _paged(turn, turn.t("invites.chat.title", count=len(invites)), lines, 1, "/mamoi")
