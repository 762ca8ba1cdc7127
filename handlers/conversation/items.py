"""A unit's items as a member sees them (*việc của đơn vị*): which of them a message is about,
and the words that show them (due dates, status, task names, pages of a list).

The items themselves come from ``storage.unit_items`` (one statement; the unit's latest report
on each). Officers see and report only for their own unit: ``owned_item`` refuses an
occurrence of another unit, whether it was chosen by button, number or a typed "/baocao 123".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import Option
from dondoc.storage.errors import UserError
from dondoc.storage.models import ReportStatus
from dondoc.storage.text import fold
from dondoc.storage.unit_work import UnitItem, unit_items

# The statuses a member can report, in the order they are offered.
STATUS_ORDER = (
    ReportStatus.DONE,
    ReportStatus.IN_PROGRESS,
    ReportStatus.BLOCKED,
    ReportStatus.NOT_STARTED,
)
TITLE_IN_OPTION = 48


# ---- which items -----------------------------------------------------------------------------


async def open_items(turn: Turn, *, reminded_within: timedelta | None = None) -> list[UnitItem]:
    """The member's unit's open items: overdue, due within the horizon, current check-ins
    (with ``reminded_within``: also those the member was reminded of lately, flagged)."""
    assert turn.unit is not None
    return await unit_items(
        turn.session,
        turn.unit.id,
        turn.today,
        turn.today + timedelta(days=turn.ctx.horizon_days),
        member_id=turn.member.id if turn.member else None,
        reminded_since=turn.now - reminded_within if reminded_within is not None else None,
    )


async def pending_items(turn: Turn) -> list[UnitItem]:
    """What a short reply is about: the tasks this member was reminded of recently and the
    unit has not finished, else the unit's open ones."""
    items = await open_items(turn, reminded_within=turn.ctx.reply_window)
    return [i for i in items if i.reminded] or items


async def owned_item(turn: Turn, occurrence_id: int) -> UnitItem:
    """The unit's item for ``occurrence_id``; refuses another unit's occurrence."""
    assert turn.unit is not None
    found = await unit_items(
        turn.session,
        turn.unit.id,
        turn.today,
        turn.today,
        occurrence_ids=[occurrence_id],
        include_done=True,
    )
    if not found:
        raise UserError("conv.report.not_yours")
    return found[0]


# ---- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One page of a list of items (``page_size`` a page, Zalo shows 2000 characters)."""

    items: list[UnitItem]
    number: int  # 1-based, within 1..count
    count: int  # pages in all
    offset: int  # items before this page

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def list_page(args: str) -> int:
    """The page a list command asks for: "/viec 2", "/viec trang 2", "/baocao p2" → 2."""
    match = re.search(r"(?:^|\s)(?:p|trang|page)?\s*(\d{1,4})\s*$", fold(args))
    return max(1, int(match.group(1))) if match else 1


def page_of(turn: Turn, items: list[UnitItem], page: int) -> ItemPage:
    """Page ``page`` of ``items`` (brought within the pages there are)."""
    size = turn.ctx.page_size
    count = max(1, (len(items) + size - 1) // size)
    number = max(1, min(page, count))
    offset = (number - 1) * size
    return ItemPage(items[offset : offset + size], number, count, offset)


# ---- words -----------------------------------------------------------------------------------


def status_words(turn: Turn, status: str | None, percent: int | None = None) -> str:
    if status is None:
        return turn.t("conv.status.none")
    words = turn.t(f"conv.status.{status}")
    if percent is not None and status != ReportStatus.DONE.value:
        words = turn.t("conv.status.with_percent", status=words, percent=percent)
    return words


def due_words(turn: Turn, item: UnitItem) -> str:
    due = item.due
    if due is None:
        return turn.t("conv.due.ongoing", period=item.period)
    today = turn.today
    if due < today and not item.done:
        return turn.t("conv.due.late", day=turn.day(due), days=(today - due).days)
    if due == today:
        return turn.t("conv.due.today", day=turn.day(due))
    return turn.t("conv.due.on", day=turn.day(due))


def task_name(item: UnitItem, limit: int | None = None) -> str:
    """The task's title (shortened to ``limit`` characters)."""
    title = " ".join(item.title.split())
    if limit is not None and len(title) > limit:
        title = title[: limit - 1].rstrip() + "…"
    return title


def task_ref(item: UnitItem) -> str:
    """Plan and item number as the plan writes them: "84/KH-UBND #II.3"."""
    return f"{item.plan_code} #{item.ordinal}" if item.ordinal else item.plan_code


def item_option(turn: Turn, item: UnitItem, value: str) -> Option:
    due = item.due
    when = due.strftime("%d/%m") if due else item.period
    return Option(f"{task_name(item, TITLE_IN_OPTION)} ({when})", value)


def item_block(turn: Turn, number: int, item: UnitItem) -> str:
    return turn.t(
        "conv.tasks.item",
        number=number,
        title=task_name(item, 110),
        plan=task_ref(item),
        role=turn.t(f"conv.assignment.{item.role}"),
        due=due_words(turn, item),
        status=status_words(turn, item.status, item.percent),
    )
