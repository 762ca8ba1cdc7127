"""Every chat command of dondoc in one table (see ``conversation.registry`` for how to add one),
plus the commands that belong to no room: ``/trogiup`` (help) and ``/huy`` (cancel).
"""

from __future__ import annotations

from dondoc.handlers.conversation import (
    coordinator,
    exports,
    language,
    officer,
    onboarding,
    people,
    report_flow,
    web,
)
from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.registry import Access, Command, Registry
from dondoc.handlers.conversation.turn import IDLE, Turn
from dondoc.scheduler.messaging import OutgoingMessage


async def help_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/trogiup`` (``/help``): the commands this member may use, one line each."""
    has_unit = turn.unit is not None
    lines = [turn.t("conv.help.title")]
    for command in REGISTRY.commands:
        if command.listed and command.allowed(turn.role, has_unit):
            lines.append(
                turn.t(
                    "conv.help.line",
                    name=command.name,
                    alias=command.alias,
                    text=turn.t(command.help_key),
                )
            )
    if has_unit:
        lines.append("")
        lines.append(turn.t("conv.help.short_replies"))
    return [OutgoingMessage("\n".join(lines), tuple(help_options(turn)))]


async def cancel_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/huy`` (``/cancel``): leave any half-finished conversation; nothing is recorded."""
    if turn.state_name == IDLE:
        return [turn.say("conv.cancel.nothing", options=help_options(turn))]
    turn.clear_state()
    return [turn.say("conv.cancel.done", options=help_options(turn))]


def unknown_command(turn: Turn, word: str) -> list[OutgoingMessage]:
    return [turn.say("conv.unknown_command", options=help_options(turn), command=word[:40])]


REGISTRY = Registry(
    [
        Command("batdau", "start", onboarding.start_command, Access.ANYONE, "conv.help.start"),
        Command("viec", "tasks", officer.tasks_command, Access.UNIT, "conv.help.tasks"),
        Command("baocao", "report", report_flow.report_command, Access.UNIT, "conv.help.report"),
        Command(
            "tonghop",
            "summary",
            coordinator.summary_command,
            Access.COORDINATOR,
            "conv.help.summary",
        ),
        Command(
            "quahan",
            "overdue",
            coordinator.overdue_command,
            Access.COORDINATOR,
            "conv.help.overdue",
        ),
        Command(
            "nhac", "remind", coordinator.remind_command, Access.COORDINATOR, "conv.help.remind"
        ),
        Command(
            "moi", "invite", coordinator.invite_command, Access.COORDINATOR, "conv.help.invite"
        ),
        Command("xuat", "export", exports.export_command, Access.COORDINATOR, "conv.help.export"),
        Command(
            "canbo", "members", people.members_command, Access.COORDINATOR, "people.help.members"
        ),
        Command(
            "mamoi", "invites", people.invites_command, Access.COORDINATOR, "people.help.invites"
        ),
        Command("web", "desk", web.web_command, Access.MEMBER, "web.help.web"),
        Command("dangxuat", "signout", web.sign_out_command, Access.MEMBER, "web.help.signout"),
        Command("ngonngu", "lang", language.language_command, Access.MEMBER, "conv.help.lang"),
        Command("trogiup", "help", help_command, Access.MEMBER, "conv.help.help"),
        Command("huy", "cancel", cancel_command, Access.MEMBER, "conv.help.cancel"),
    ]
)
