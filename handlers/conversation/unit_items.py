"""What a unit owes (*việc của đơn vị*): the occurrences assigned to a member's unit with the
unit's latest report on each, and the words that show them (due dates, status, task names).

Officers see and report only for their own unit: every occurrence chosen — by button, number
or a typed "/baocao 123" — is checked here (``owned_item``) against the unit's assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, literal, or_
from sqlmodel import select

from dondoc.handlers.conversation.turn import Turn
from dondoc.scheduler.messaging import Option
from dondoc.storage.errors import UserError
from dondoc.storage.models import (
    Assignment,
    AssignmentRole,
    Occurrence,
    Plan,
    ReminderLog,
    Report,
    ReportStatus,
    Task,
)

STATUS_ORDER = ("done", "in_progress", "blocked", "not_started")
_DONE = ReportStatus.DONE.value
ONGOING_LOOKBACK = timedelta(days=100)
TITLE_IN_OPTION = 48


@dataclass
class UnitItem:
    """One occurrence owed by the unit, with the unit's latest report on it (if any).

    Plain values (not ORM objects): lists are read on every message, so they stay cheap.
    """

    id: int  # the occurrence
    task_id: int
    period: str
    start: date
    due: date | None
    ordinal: str  # the task's key in its plan ("II.3"; the ordinal when they do not restart)
    title: str
    position: int
    plan_code: str
    role: str
    reminded: bool = False
    status: str | None = None
    percent: int | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.status == _DONE


# ---- queries -------------------------------------------------------------------------------


async def unit_items(
    turn: Turn,
    *,
    occurrence_ids: list[int] | None = None,
    include_done: bool = False,
    reminded_since: datetime | None = None,
) -> list[UnitItem]:
    """The unit's occurrences: open ones in the horizon (overdue, due soon, ongoing check-ins),
    or exactly ``occurrence_ids`` (any, to check that they belong to the unit).

    With ``reminded_since``, occurrences this member was reminded of since then are included
    too and flagged ``reminded`` (one query for what a short reply is about)."""
    assert turn.unit is not None
    today = turn.today
    kind = "ids" if occurrence_ids is not None else "window"
    if occurrence_ids is None and reminded_since is not None:
        kind = "reminded"
    params: dict[str, Any] = {
        "unit_id": turn.unit.id,
        "member_id": turn.member.id if turn.member else None,
        "since": reminded_since,
        "until": today + timedelta(days=turn.ctx.horizon_days),
        "today": today,
        "lookback": today - ONGOING_LOOKBACK,
    }
    if occurrence_ids is not None:
        params["ids"] = list(occurrence_ids)
    query = _items_query(kind)
    items: dict[int, UnitItem] = {}
    for row in (await turn.session.exec(query, params=params)).all():
        occ_id, task_id, period, start, due, ordinal, title, position, plan_code, role = row[:10]
        current = items.get(occ_id)
        if current is None or role == AssignmentRole.LEAD.value:
            reminded, status, percent, note = row[10:]
            items[occ_id] = UnitItem(
                occ_id,
                task_id,
                period,
                start,
                due,
                ordinal,
                title,
                position,
                plan_code,
                role,
                bool(reminded),
                status,
                percent,
                "" if note is None else note,  # no report yet
            )
    if occurrence_ids is None:
        # An ongoing task owes only its current check-in, not the previous periods'.
        latest: dict[int, date] = {}
        for item in items.values():
            if item.due is None:
                latest[item.task_id] = max(latest.get(item.task_id, date.min), item.start)
        items = {
            key: item
            for key, item in items.items()
            if item.due is not None or item.reminded or item.start == latest.get(item.task_id)
        }
    result = [i for i in items.values() if include_done or not i.done]
    result.sort(key=lambda i: (i.due or date.max, i.plan_code, i.position, i.id))
    return result


_OCC = Occurrence.__table__  # type: ignore[attr-defined]
_TASK = Task.__table__  # type: ignore[attr-defined]
_PLAN = Plan.__table__  # type: ignore[attr-defined]
_ASSIGNMENT = Assignment.__table__  # type: ignore[attr-defined]
_REPORT = Report.__table__  # type: ignore[attr-defined]
_REMINDER = ReminderLog.__table__  # type: ignore[attr-defined]


@cache
def _items_query(kind: str) -> Any:
    """The unit's items, built once with bound parameters (the statement and its compiled
    form are reused by every message): ``ids``, ``window`` or ``reminded`` (window + the
    occurrences this member was reminded of). Tables' columns, not the models' attributes:
    a plain statement skips the ORM's per-execution set-up and row loading."""
    reminded = _OCC.c.id.in_(
        select(_REMINDER.c.occurrence_id).where(
            _REMINDER.c.member_id == bindparam("member_id"),
            _REMINDER.c.created_at >= bindparam("since"),
            _REMINDER.c.status != "skipped",  # steps superseded after downtime were never sent
        )
    )
    flag = reminded if kind == "reminded" else literal(False)
    # The unit's latest report on each occurrence, joined in the same statement.
    earlier = _REPORT.alias("earlier")
    latest = (
        select(earlier.c.id)
        .where(earlier.c.occurrence_id == _OCC.c.id, earlier.c.unit_id == bindparam("unit_id"))
        .order_by(earlier.c.created_at.desc(), earlier.c.id.desc())
        .limit(1)
        .correlate(_OCC)
        .scalar_subquery()
    )
    query = (
        select(
            _OCC.c.id,
            _OCC.c.task_id,
            _OCC.c.period,
            _OCC.c.start,
            _OCC.c.due,
            _TASK.c.key,  # "II.3" where ordinals restart per section: unambiguous, as /viec shows
            _TASK.c.title,
            _TASK.c.position,
            _PLAN.c.code,
            _ASSIGNMENT.c.role,
            flag.label("reminded"),
            _REPORT.c.status,
            _REPORT.c.percent,
            _REPORT.c.note,
        )
        .select_from(
            _OCC.join(_TASK, _TASK.c.id == _OCC.c.task_id)
            .join(_PLAN, _PLAN.c.id == _TASK.c.plan_id)
            .join(_ASSIGNMENT, _ASSIGNMENT.c.task_id == _TASK.c.id)
            .outerjoin(_REPORT, _REPORT.c.id == latest)
        )
        .where(_ASSIGNMENT.c.unit_id == bindparam("unit_id"), _TASK.c.active.is_(True))
    )
    if kind == "ids":
        return query.where(_OCC.c.id.in_(bindparam("ids", expanding=True)))
    window = or_(
        and_(_OCC.c.due.is_not(None), _OCC.c.due <= bindparam("until")),
        and_(
            _OCC.c.due.is_(None),
            _OCC.c.start <= bindparam("today"),
            _OCC.c.start > bindparam("lookback"),
        ),
    )
    return query.where(or_(window, reminded) if kind == "reminded" else window)


async def pending_items(turn: Turn) -> list[UnitItem]:
    """What a short reply is about: the tasks this member was reminded of recently and the
    unit has not finished, else the unit's open ones."""
    items = await unit_items(turn, reminded_since=turn.now - turn.ctx.reply_window)
    return [i for i in items if i.reminded] or items


async def owned_item(turn: Turn, occurrence_id: int) -> UnitItem:
    """The unit's item for ``occurrence_id``; refuses another unit's occurrence."""
    found = await unit_items(turn, occurrence_ids=[occurrence_id], include_done=True)
    if not found:
        raise UserError("conv.report.not_yours")
    return found[0]


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


def page_of(turn: Turn, items: list[UnitItem], page: int) -> ItemPage:
    """Page ``page`` of ``items`` (brought within the pages there are)."""
    size = turn.ctx.page_size
    count = max(1, (len(items) + size - 1) // size)
    number = max(1, min(page, count))
    offset = (number - 1) * size
    return ItemPage(items[offset : offset + size], number, count, offset)


# ---- words ---------------------------------------------------------------------------------


def status_words(turn: Turn, status: str | None, percent: int | None = None) -> str:
    if status is None:
        return turn.t("conv.status.none")
    words = turn.t(f"conv.status.{status}")
    if percent is not None and status != "done":
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
    """Plan and item number as the plan writes them: "84/KH-UBND, mục 3"."""
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
