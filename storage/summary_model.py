"""The summary's values and rules (*tổng hợp tình hình thực hiện*): every (task occurrence,
assigned unit) in the categories of DESIGN.md, with totals per unit and per task, blocked
notes and unreachable units. ``storage.summary.compute_summary`` fills them from the database;
``/summary``, ``dondoc summary`` and every export read them.

Rules, precisely:

* **Categories** (``Category``), for an item with due date ``due`` and latest report ``r``:
  ``r.status == done`` → *done on time* when the unit's completion was reported on or before
  the due date **as a local date** (``tz``, default Asia/Ho_Chi_Minh), else *done late*; the
  moment of completion is the first "done" report after the last report that was not "done"
  (so correcting a note after the deadline does not make an on-time task late). No due date
  → on time. Otherwise (no report, in progress, blocked, not started): past due
  (``today > due``) → *overdue*; not yet due and nothing reported → *not reported*; not yet
  due with a report → *in progress*. The due day itself is still in time.
* **Blocked** (*vướng mắc*): the latest report's status is ``blocked``; a flag on top of the
  category, with the report's note.
* **On-time rate** of a unit = done on time / (done on time + done late + overdue): the items
  that are done or whose due date has passed; items still running in time or not yet due are
  left out. ``None`` when that denominator is 0.
* **Unreachable** (*không liên lạc được*): the unit has no active, reachable member of the
  roles reminders go to (``REMINDED_ROLES``: officers, heads) — nobody linked, every member
  blocked the bot, or only a coordinator linked, whom reminders do not go to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from dondoc.storage.models import ReportStatus, UnitRef

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


class Category(StrEnum):
    """Status of a (task occurrence, unit); the words are ``status.category.<value>``."""

    DONE_ON_TIME = "done_on_time"  # Hoàn thành đúng hạn
    DONE_LATE = "done_late"  # Hoàn thành quá hạn
    IN_PROGRESS = "in_progress"  # Đang thực hiện trong hạn
    OVERDUE = "overdue"  # Đang thực hiện quá hạn
    NOT_REPORTED = "not_reported"  # Chưa báo cáo


CATEGORIES: tuple[Category, ...] = tuple(Category)


def empty_counts() -> dict[Category, int]:
    return dict.fromkeys(CATEGORIES, 0)


@dataclass(slots=True)
class SummaryItem:
    """One (task occurrence, assigned unit) and its status."""

    occurrence_id: int
    task_id: int
    plan_code: str
    ordinal: str
    title: str
    period: str
    due: date | None
    unit_id: int
    unit_code: str
    unit_name: str
    role: str  # lead | cooperating
    category: Category
    status: str | None  # latest report's status, None when nothing was reported
    percent: int | None
    note: str
    reported_at: datetime | None  # latest report, UTC
    blocked: bool
    unreachable: bool
    done_at: datetime | None = None  # completion reported (UTC), for done items
    start: date | None = None
    plan_id: int = 0
    section: str = ""
    position: int = 0
    key: str = ""  # the task's key in its plan ("II.3" where ordinals restart per section)

    def label(self, limit: int = 0) -> str:
        """How lists name the task: "II.3. Title" (the key is unambiguous, the ordinal not);
        a title longer than ``limit`` characters (when given) is cut with "…"."""
        title = " ".join(self.title.split())
        if limit and len(title) > limit:
            title = title[: limit - 1].rstrip() + "…"
        number = self.key or self.ordinal
        return f"{number}. {title}" if number else title


@dataclass
class UnitTotals:
    """A unit's numbers: count per category, blocked items, on-time rate (see module doc)."""

    unit_id: int
    unit_code: str
    unit_name: str
    counts: dict[Category, int] = field(default_factory=empty_counts)
    total: int = 0
    blocked: int = 0
    unreachable: bool = False

    @property
    def rate_denominator(self) -> int:
        c = self.counts
        return c[Category.DONE_ON_TIME] + c[Category.DONE_LATE] + c[Category.OVERDUE]

    @property
    def on_time_rate(self) -> float | None:
        denominator = self.rate_denominator
        return self.counts[Category.DONE_ON_TIME] / denominator if denominator else None

    @property
    def late(self) -> int:
        """Items done late or overdue: what the meeting asks the unit about."""
        return self.counts[Category.DONE_LATE] + self.counts[Category.OVERDUE]


@dataclass
class TaskTotals:
    """A task's numbers over its occurrences in the window and its assigned units."""

    task_id: int
    plan_code: str
    ordinal: str
    title: str
    counts: dict[Category, int] = field(default_factory=empty_counts)
    total: int = 0
    blocked: int = 0
    position: int = 0
    key: str = ""


@dataclass(frozen=True)
class PlanRef:
    id: int
    code: str
    title: str
    issuer: str = ""


@dataclass
class Summary:
    """Everything a coordinator's summary shows, from one computation."""

    today: date
    first: date | None
    last: date | None
    label: str | None  # the period's label, None for a --from/--to window or the default
    plan_code: str | None
    unit_code: str | None
    items: list[SummaryItem]
    counts: dict[Category, int]
    blocked: list[SummaryItem]
    unreachable_units: list[UnitRef]
    per_unit: list[UnitTotals]
    per_task: list[TaskTotals]
    plans: list[PlanRef]
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))

    def local_date(self, moment: datetime | None) -> date | None:
        """A stored UTC moment as a date in the deployment's timezone."""
        return moment.astimezone(self.tz).date() if moment is not None else None

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def on_time_rate(self) -> float | None:
        c = self.counts
        denominator = c[Category.DONE_ON_TIME] + c[Category.DONE_LATE] + c[Category.OVERDUE]
        return c[Category.DONE_ON_TIME] / denominator if denominator else None

    @property
    def late_units(self) -> list[UnitTotals]:
        return [u for u in self.per_unit if u.late]


def categorise(
    status: str | None,
    due: date | None,
    done_at: datetime | None,
    today: date,
    tz: ZoneInfo,
) -> Category:
    """The category of one item (the rules of the module docstring)."""
    if status == ReportStatus.DONE.value:
        if due is None or done_at is None:
            return Category.DONE_ON_TIME
        return Category.DONE_ON_TIME if done_at.astimezone(tz).date() <= due else Category.DONE_LATE
    if due is not None and today > due:
        return Category.OVERDUE
    return Category.NOT_REPORTED if status is None else Category.IN_PROGRESS


def assemble(
    items: list[SummaryItem],
    plans: Iterable[PlanRef],
    today: date,
    first: date | None,
    last: date | None,
    label: str | None,
    plan_code: str | None,
    unit_code: str | None,
    zone: ZoneInfo,
) -> Summary:
    """The summary of ``items``: counts, totals per unit and per task, blocked items and
    unreachable units."""
    counts = empty_counts()
    per_unit: dict[int, UnitTotals] = {}
    per_task: dict[int, TaskTotals] = {}
    blocked: list[SummaryItem] = []
    for item in items:
        counts[item.category] += 1
        totals = per_unit.get(item.unit_id)
        if totals is None:
            totals = per_unit[item.unit_id] = UnitTotals(
                item.unit_id, item.unit_code, item.unit_name, unreachable=item.unreachable
            )
        totals.counts[item.category] += 1
        totals.total += 1
        task = per_task.get(item.task_id)
        if task is None:
            task = per_task[item.task_id] = TaskTotals(
                item.task_id,
                item.plan_code,
                item.ordinal,
                item.title,
                position=item.position,
                key=item.key,
            )
        task.counts[item.category] += 1
        task.total += 1
        if item.blocked:
            blocked.append(item)
            totals.blocked += 1
            task.blocked += 1
    units = sorted(per_unit.values(), key=lambda u: u.unit_code)
    return Summary(
        today=today,
        first=first,
        last=last,
        label=label,
        plan_code=plan_code,
        unit_code=unit_code,
        items=items,
        counts=counts,
        blocked=blocked,
        unreachable_units=[
            UnitRef(u.unit_id, u.unit_code, u.unit_name) for u in units if u.unreachable
        ],
        per_unit=units,
        per_task=list(per_task.values()),
        plans=sorted(plans, key=lambda p: p.code),
        tz=zone,
    )
