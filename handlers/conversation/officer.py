"""Officers and unit heads (*cán bộ, thủ trưởng*): ``/viec`` — what my unit owes, soonest first.
Reporting on a task (``/baocao`` and short replies) is ``conversation.report_flow``.
"""

from __future__ import annotations

from dondoc.handlers.conversation.items import item_block, list_page, open_items, page_of
from dondoc.handlers.conversation.menus import help_options
from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import OutgoingMessage


async def tasks_command(turn: Turn, args: str) -> list[OutgoingMessage]:
    """``/viec [trang]`` (``/tasks``): the unit's open tasks, soonest first, paged."""
    assert turn.unit is not None
    items = await open_items(turn)
    if not items:
        return [
            turn.say(
                "conv.tasks.none",
                options=help_options(turn),
                unit=turn.unit.name,
                days=turn.ctx.horizon_days,
            )
        ]
    page = page_of(turn, items, list_page(args))
    lines = [
        turn.t(
            "conv.tasks.title",
            unit=turn.unit.name,
            count=len(items),
            page=page.number,
            pages=page.count,
        )
    ]
    lines += [item_block(turn, page.offset + i, it) for i, it in enumerate(page.items, 1)]
    options = [turn.option("conv.opt.report", "/baocao")]
    if page.has_next:
        options.insert(0, turn.option("conv.opt.next_page", f"/viec {page.number + 1}"))
    return [OutgoingMessage("\n\n".join(lines), tuple(options))]
