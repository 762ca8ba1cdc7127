"""What each page of the web desk shows (*nội dung các trang*), as plain values for the
templates — no HTML here, no HTTP:

* the **overview** (*tổng quan*): the summary's category counts (the same as ``/tonghop``), the
  late units and the blocked items;
* the **matrix** (*bảng theo dõi*): units × task occurrences, each cell the category of that
  unit's latest report, filtered by plan, period, unit and category;
* a **unit** (*đơn vị*): its items, every report it sent (note, evidence), the reminders it was
  sent and whether they arrived, its members and whether each can be reached;
* a **task** (*nhiệm vụ*): the plan's words and where they come from, every unit's latest
  report and the whole history.

Every number comes from the one summary (``filters.summary_for``); the fence is
``access.Viewer``'s.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from dondoc.handlers.desk.access import Fenced, Viewer
from dondoc.storage.db import Session
from dondoc.storage.desk import (
    ReminderLine,
    ReportLine,
    TaskSource,
    reminders_of_unit,
    reports_of,
    task_source,
    unit_by_id,
)
from dondoc.storage.evidence import KeptEvidence, evidence_of
from dondoc.storage.models import UnitRef
from dondoc.storage.people import Person, list_people
from dondoc.storage.summary_model import Category, Summary, SummaryItem, UnitTotals

# ---- overview -----------------------------------------------------------------------------


@dataclass
class Overview:
    summary: Summary
    late_units: list[UnitTotals]  # units with overdue items, most first
    never_reported: int  # overdue items nobody ever reported on ("trong đó chưa báo cáo")


def overview(summary: Summary) -> Overview:
    late = [u for u in summary.per_unit if u.counts[Category.OVERDUE]]
    late.sort(key=lambda u: (-u.counts[Category.OVERDUE], u.unit_name))
    never = sum(1 for i in summary.items if i.category is Category.OVERDUE and i.status is None)
    return Overview(summary, late, never)


# ---- matrix -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One task occurrence (a task in one period)."""

    occurrence_id: int
    task_id: int
    label: str  # the task's key ("II.3")
    title: str
    period: str
    due: date | None
    plan_code: str


@dataclass
class Row:
    unit: UnitRef
    cells: dict[int, SummaryItem]  # occurrence id → item
    totals: UnitTotals
    unreachable: bool


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]
    category: Category | None
    hidden_rows: int = 0  # units left out by the category filter
    page: int = 1
    pages: int = 1
    total_rows: int = 0  # units shown over all pages

    def shows(self, item: SummaryItem | None) -> bool:
        """A cell of the chosen category (or every cell when none is chosen)."""
        return item is not None and (self.category is None or item.category is self.category)


ROWS_PER_PAGE = 50  # units per page of the matrix: a province's thousand stay readable
LIST_LIMIT = 30  # late units and blocked items listed on the overview (the rest: the matrix)


def matrix(
    summary: Summary, category: Category | None, page: int = 1, per_page: int = ROWS_PER_PAGE
) -> Matrix:
    """The matrix of ``summary``: the units with a cell of ``category`` (all when None), the
    ``page``-th slice of ``per_page`` units (a page past the end shows the last), and only
    the columns those units have cells in."""
    columns: dict[int, Column] = {}
    cells: dict[int, dict[int, SummaryItem]] = defaultdict(dict)
    for item in summary.items:
        if item.occurrence_id not in columns:
            columns[item.occurrence_id] = Column(
                item.occurrence_id,
                item.task_id,
                item.key or item.ordinal,
                " ".join(item.title.split()),
                item.period,
                item.due,
                item.plan_code,
            )
        cells[item.unit_id][item.occurrence_id] = item
    rows = [
        Row(UnitRef(u.unit_id, u.unit_code, u.unit_name), cells[u.unit_id], u, u.unreachable)
        for u in summary.per_unit
    ]
    kept = rows
    if category is not None:
        kept = [r for r in rows if any(i.category is category for i in r.cells.values())]
    pages = max(1, -(-len(kept) // per_page))
    page = min(max(1, page), pages)
    shown = kept[(page - 1) * per_page : page * per_page]
    used = {occ for row in shown for occ in row.cells}
    ordered = sorted(
        (c for c in columns.values() if c.occurrence_id in used),
        key=lambda c: (c.plan_code, c.due or date.max, c.label, c.period),
    )
    return Matrix(ordered, shown, category, len(rows) - len(kept), page, pages, len(kept))


# ---- a unit -------------------------------------------------------------------------------


@dataclass
class UnitPage:
    unit: UnitRef
    summary: Summary
    totals: UnitTotals | None
    items: list[SummaryItem]
    reports: list[ReportLine]
    evidence: dict[int, KeptEvidence]
    reminders: list[ReminderLine]
    people: list[Person]


async def unit_page(
    session: Session, viewer: Viewer, unit_id: int, summary: Summary
) -> UnitPage | None:
    """A unit's page (None: no such unit); ``Fenced`` when it is not the viewer's to see.
    ``summary`` is the unit's summary for the page's filters."""
    viewer.require_unit(unit_id)
    unit = await unit_by_id(session, unit_id)
    if unit is None:
        return None
    items = [i for i in summary.items if i.unit_id == unit_id]
    occurrences = sorted({i.occurrence_id for i in items})
    reports = await reports_of(session, occurrences, unit_id=unit_id)
    evidence = await evidence_of(session, [r.id for r in reports if r.has_attachment])
    reminders = await reminders_of_unit(session, unit_id, occurrences)
    people = await list_people(session, unit_id=unit_id, include_inactive=True)
    totals = next((u for u in summary.per_unit if u.unit_id == unit_id), None)
    return UnitPage(unit, summary, totals, items, reports, evidence, reminders, people)


# ---- a task -------------------------------------------------------------------------------


@dataclass
class TaskUnit:
    """One unit of a task: its latest item per occurrence in the window and its history."""

    unit: UnitRef
    role: str
    items: list[SummaryItem]
    history: list[ReportLine] = field(default_factory=list)


@dataclass
class TaskPage:
    source: TaskSource
    summary: Summary
    units: list[TaskUnit]
    evidence: dict[int, KeptEvidence]


async def task_page(
    session: Session, viewer: Viewer, task_id: int, summary: Summary
) -> TaskPage | None:
    """A task's page (None: no such task). An officer sees a task only when their unit is
    named in it, and only their own unit's rows."""
    source = await task_source(session, task_id)
    if source is None:
        return None
    if not viewer.coordinates:
        own = viewer.unit.id if viewer.unit else None
        if own is None or all(m.unit is None or m.unit.id != own for m in source.mentions):
            raise Fenced(f"task {task_id}")
    items = [i for i in summary.items if i.task_id == task_id]
    by_unit: dict[int, TaskUnit] = {}
    for item in items:
        entry = by_unit.get(item.unit_id)
        if entry is None:
            unit = UnitRef(item.unit_id, item.unit_code, item.unit_name)
            entry = by_unit[item.unit_id] = TaskUnit(unit, item.role, [])
        entry.items.append(item)
    occurrences = sorted({i.occurrence_id for i in items})
    unit_filter = None if viewer.coordinates else (viewer.unit.id if viewer.unit else -1)
    history = await reports_of(session, occurrences, unit_id=unit_filter)
    for line in history:
        if line.unit.id in by_unit:
            by_unit[line.unit.id].history.append(line)
    evidence = await evidence_of(session, [r.id for r in history if r.has_attachment])
    units = sorted(by_unit.values(), key=lambda u: (u.role != "lead", u.unit.code))
    return TaskPage(source, summary, units, evidence)
