"""The options offered after an answer (*gợi ý thao tác*): what this member can do next."""

from __future__ import annotations

from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import Option
from dondoc.storage.models import Role


def help_options(turn: Turn) -> list[Option]:
    """The most useful next steps for this member, as options."""
    if turn.member is None:
        return []
    options: list[Option] = []
    if turn.unit is not None:
        options += [
            turn.option("conv.opt.tasks", "/viec"),
            turn.option("conv.opt.report", "/baocao"),
        ]
    if turn.role in (Role.COORDINATOR, Role.ADMIN):
        options += [
            turn.option("conv.opt.summary", "/tonghop"),
            turn.option("conv.opt.overdue", "/quahan"),
        ]
    options.append(turn.option("conv.opt.help", "/trogiup"))
    return options
