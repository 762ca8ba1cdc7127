"""The summary's SQL (*tổng hợp trong cơ sở dữ liệu*): the one expression that decides the
category of an item, and the statements built on it — totals grouped in the database, rows of
items for the views that list them. Portable SQL, run on SQLite and PostgreSQL alike.

* **An item** is an assignment of an active task to a known, active unit, times the task's
  occurrences in the window. A unit named twice in one task (lead and cooperating) is one item
  (``count(DISTINCT occurrence)`` in the totals; the lead row first in the lists).
* **The latest report** of an item is found by a correlated ``ORDER BY created_at DESC, id
  DESC LIMIT 1`` on the index ``ix_report_occ_unit_latest (occurrence_id, unit_id,
  created_at, id, status)``: one index seek per item, read from the index alone.
* **The item code** (``storage.summary_model.ItemCode``) is decided by ``reported_code`` for an
  item with a report and ``unreported_code`` for one without: the rules of
  ``storage.summary_model``. A "done" is on time when the report came before the end of the
  due day in the deployment's timezone (``day_end``); when the latest "done" came after it,
  the completion may still be earlier (a note corrected after the deadline): the first "done"
  with no other report after it decides (``_completed_before``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import FunctionElement

from dondoc.storage.assignments import counts, latest_of
from dondoc.storage.models import Assignment, Occurrence, Report, ReportStatus, Task, Unit
from dondoc.storage.summary_model import ItemCode

DONE = ReportStatus.DONE.value
BLOCKED = ReportStatus.BLOCKED.value


class day_end(FunctionElement[datetime]):  # noqa: N801 - a SQL function, named like one
    """``date + minutes`` as a UTC moment: the end of a local day (``minutes`` = 24 h minus
    the zone's offset on that day). SQLite: ``datetime(d, '+N minutes')``, comparable with
    the stored UTC text; PostgreSQL: a ``timestamptz``."""

    type = DateTime()
    inherit_cache = True

    def __init__(self, day: Any, minutes: int) -> None:
        self.minutes = int(minutes)
        super().__init__(day)


@compiles(day_end, "sqlite")
def _day_end_sqlite(element: day_end, compiler: Any, **kw: Any) -> str:
    day = compiler.process(list(element.clauses)[0], **kw)
    return f"datetime({day}, '{element.minutes:+d} minutes')"


@compiles(day_end)
def _day_end_default(element: day_end, compiler: Any, **kw: Any) -> str:
    day = compiler.process(list(element.clauses)[0], **kw)
    return f"(({day} + make_interval(mins => {element.minutes})) AT TIME ZONE 'UTC')"


class local_serial_day(FunctionElement[int]):  # noqa: N801 - a SQL function, named like one
    """A stored UTC moment as the serial day number (days since 30/12/1899, as spreadsheets
    count them) of its date in a zone ``minutes`` ahead of UTC: the report date of a cell,
    computed by the database."""

    type = Integer()
    inherit_cache = True

    def __init__(self, moment: Any, minutes: int) -> None:
        self.minutes = int(minutes)
        super().__init__(moment)


@compiles(local_serial_day, "sqlite")
def _serial_sqlite(element: local_serial_day, compiler: Any, **kw: Any) -> str:
    moment = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(julianday({moment}, '{element.minutes:+d} minutes') - 2415018.5 AS INTEGER)"


@compiles(local_serial_day)
def _serial_default(element: local_serial_day, compiler: Any, **kw: Any) -> str:
    moment = compiler.process(list(element.clauses)[0], **kw)
    return (
        f"(((({moment}) AT TIME ZONE 'UTC') + make_interval(mins => {element.minutes}))::date"
        " - DATE '1899-12-30')"
    )


def fixed_offset_minutes(zone: ZoneInfo, years: range) -> int | None:
    """The zone's offset from UTC in minutes when it is the same all through ``years``
    (Việt Nam: 420), else None (zones with summer time)."""
    offsets = {
        int((datetime(year, month, 15, tzinfo=zone).utcoffset() or timedelta()).total_seconds())
        // 60
        for year in years
        for month in range(1, 13)
    }
    return offsets.pop() if len(offsets) == 1 else None


def day_end_minutes(day: date, zone: ZoneInfo) -> int:
    """Minutes from ``day`` 00:00 UTC to the end of ``day`` in ``zone`` (1020 in Hà Nội)."""
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    offset = end.utcoffset() or timedelta()
    return int((timedelta(days=1) - offset).total_seconds() // 60)


def cutoff_expression(due: Any, dues: Sequence[date], zone: ZoneInfo) -> ColumnElement[Any]:
    """The end of the due day in ``zone`` as a UTC moment, for the due dates ``dues`` in the
    window: one expression when the zone's offset is the same for all (Việt Nam), else a
    ``CASE`` over the date ranges of each offset (zones with summer time)."""
    ranges: list[tuple[date, date, int]] = []
    for day in sorted(set(dues)):
        minutes = day_end_minutes(day, zone)
        if ranges and ranges[-1][2] == minutes:
            ranges[-1] = (ranges[-1][0], day, minutes)
        else:
            ranges.append((day, day, minutes))
    if len(ranges) <= 1:
        minutes = ranges[0][2] if ranges else day_end_minutes(date(2000, 1, 1), zone)
        return day_end(due, minutes)
    whens = [(and_(due >= lo, due <= hi), day_end(due, m)) for lo, hi, m in ranges]
    return case(*whens, else_=day_end(due, ranges[-1][2]))


def _final_done(done: Any, occurrence_id: Any, unit_id: Any) -> list[ColumnElement[bool]]:
    """Conditions on ``done`` (an alias of the report table) for a "done" report of the item
    that counts, with no report of another status that counts after it: the moment the work
    was finished (a note corrected afterwards does not move it)."""
    other = aliased(Report)
    reopened = (
        select(other.id)
        .where(
            other.occurrence_id == done.occurrence_id,
            other.unit_id == done.unit_id,
            counts(other),
            other.status != DONE,
            other.created_at > done.created_at,
        )
        .correlate_except(other)
        .exists()
    )
    return [
        done.occurrence_id == occurrence_id,
        done.unit_id == unit_id,
        counts(done),
        done.status == DONE,
        ~reopened,
    ]


def completion_moment(occurrence_id: Any, unit_id: Any) -> Any:
    """When a "done" item was completed: the first "done" report after which no other status
    was reported (a correlated scalar subquery)."""
    done = aliased(Report)
    return (
        select(func.min(done.created_at))
        .where(*_final_done(done, occurrence_id, unit_id))
        .correlate_except(done)
        .scalar_subquery()
    )


def _completed_before(
    occurrence_id: Any, unit_id: Any, cutoff: ColumnElement[Any]
) -> ColumnElement[bool]:
    """A "done" report before ``cutoff`` with no other status reported after it. Everything
    but the reports it reads is taken from the enclosing statements, however deep."""
    done = aliased(Report)
    return (
        select(done.id)
        .where(*_final_done(done, occurrence_id, unit_id), done.created_at < cutoff)
        .correlate_except(done)
        .exists()
    )


def _overdue(due: Any, today: date) -> ColumnElement[bool]:
    return and_(due.is_not(None), due < today)


def reported_code(
    status: Any,
    reported_at: Any,
    due: Any,
    today: date,
    cutoff: ColumnElement[Any],
    occurrence_id: Any,
    unit_id: Any,
) -> ColumnElement[int]:
    """The ``ItemCode`` of an item whose latest report has ``status`` and ``reported_at``."""
    on_time = or_(
        due.is_(None),
        reported_at < cutoff,
        _completed_before(occurrence_id, unit_id, cutoff),
    )
    blocked = status == BLOCKED
    return case(
        (
            status == DONE,
            case((on_time, int(ItemCode.DONE_ON_TIME)), else_=int(ItemCode.DONE_LATE)),
        ),
        (
            _overdue(due, today),
            case((blocked, int(ItemCode.OVERDUE_BLOCKED)), else_=int(ItemCode.OVERDUE)),
        ),
        else_=case((blocked, int(ItemCode.IN_PROGRESS_BLOCKED)), else_=int(ItemCode.IN_PROGRESS)),
    )


def unreported_code(due: Any, today: date) -> ColumnElement[int]:
    """The ``ItemCode`` of an item nobody reported on."""
    return case(
        (_overdue(due, today), int(ItemCode.OVERDUE_UNREPORTED)),
        else_=int(ItemCode.NOT_REPORTED),
    )


def item_code(
    occurrence: Any, unit_id: Any, today: date, cutoff: ColumnElement[Any]
) -> ColumnElement[int]:
    """The ``ItemCode`` of each (occurrence, unit), from its latest report, as one scalar
    subquery read from the report index alone (the totals' form)."""
    latest = aliased(Report)
    code = reported_code(
        latest.status, latest.created_at, occurrence.due, today, cutoff, occurrence.id, unit_id
    )
    reported = latest_of(latest, occurrence.id, unit_id, code)
    return func.coalesce(reported, unreported_code(occurrence.due, today))


def in_window(first: date | None, last: date | None) -> ColumnElement[bool]:
    """Due in [first, last], or no due date and the start in it."""
    due_cond = [Occurrence.due.is_not(None)]  # type: ignore[union-attr]
    start_cond = [Occurrence.due.is_(None)]  # type: ignore[union-attr]
    if first is not None:
        due_cond.append(Occurrence.due >= first)  # type: ignore[operator]
        start_cond.append(Occurrence.start >= first)
    if last is not None:
        due_cond.append(Occurrence.due <= last)  # type: ignore[operator]
        start_cond.append(Occurrence.start <= last)
    return or_(and_(*due_cond), and_(*start_cond))


def item_filters(
    window: ColumnElement[bool], plan_id: int | None, unit_id: int | None
) -> list[ColumnElement[bool]]:
    """The conditions every item statement shares (joined: occurrence, task, assignment)."""
    closed = aliased(Unit)
    inactive = select(closed.id).where(closed.active.is_(False)).scalar_subquery()  # type: ignore[attr-defined]
    filters = [
        Task.active.is_(True),  # type: ignore[attr-defined]
        window,
        Assignment.unit_id.is_not(None),  # type: ignore[union-attr]
        Assignment.unit_id.not_in(inactive),  # type: ignore[union-attr]
    ]
    if plan_id is not None:
        filters.append(Task.plan_id == plan_id)
    if unit_id is not None:
        filters.append(Assignment.unit_id == unit_id)
    return filters


def totals_by_unit(
    filters: list[ColumnElement[bool]], today: date, cutoff: ColumnElement[Any]
) -> Any:
    """(unit id, item code, items) for every unit and code: the numbers of every view."""
    code = item_code(Occurrence, Assignment.unit_id, today, cutoff).label("code")
    inner = (
        select(Assignment.unit_id.label("unit_id"), Occurrence.id.label("occ"), code)
        .select_from(Occurrence)
        .join(Task, Task.id == Occurrence.task_id)
        .join(Assignment, Assignment.task_id == Occurrence.task_id)
        .where(*filters)
        .offset(0)  # evaluated once per row, not flattened into the grouping (SQLite)
        .subquery()
    )
    return select(
        inner.c.unit_id, inner.c.code, func.count(func.distinct(inner.c.occ)).label("n")
    ).group_by(inner.c.unit_id, inner.c.code)
