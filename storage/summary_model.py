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
* **Never reported** (*trong đó chưa báo cáo*): of the *overdue* items, those with no report
  at all. They stay in the official category; every view shows their number beside it.
* **Unreachable** (*không liên lạc được*), two facts, one per unit (``Unreachable``): nobody of
  the roles reminders go to (``REMINDED_ROLES``) is linked yet (``UNLINKED``), or some are and
  every one of them blocked the bot (``BLOCKED``).

The decision is made once, in SQL (``storage.summary_sql``), as an ``ItemCode`` that carries the
category and both flags; ``categorise`` is the same rule for one item in Python, and a test
proves the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum, StrEnum
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


class ItemCode(IntEnum):
    """What the database says of one item: its category and its flags, in one small number
    (``storage.summary_sql.item_code``); ``CODES`` reads it back."""

    DONE_ON_TIME = 1
    DONE_LATE = 2
    IN_PROGRESS = 3
    IN_PROGRESS_BLOCKED = 4
    OVERDUE = 5
    OVERDUE_BLOCKED = 6
    OVERDUE_UNREPORTED = 7  # past due and nothing ever reported
    NOT_REPORTED = 8


@dataclass(frozen=True)
class CodeMeaning:
    category: Category
    blocked: bool = False
    unreported: bool = False  # overdue and never reported


CODES: dict[int, CodeMeaning] = {
    ItemCode.DONE_ON_TIME: CodeMeaning(Category.DONE_ON_TIME),
    ItemCode.DONE_LATE: CodeMeaning(Category.DONE_LATE),
    ItemCode.IN_PROGRESS: CodeMeaning(Category.IN_PROGRESS),
    ItemCode.IN_PROGRESS_BLOCKED: CodeMeaning(Category.IN_PROGRESS, blocked=True),
    ItemCode.OVERDUE: CodeMeaning(Category.OVERDUE),
    ItemCode.OVERDUE_BLOCKED: CodeMeaning(Category.OVERDUE, blocked=True),
    ItemCode.OVERDUE_UNREPORTED: CodeMeaning(Category.OVERDUE, unreported=True),
    ItemCode.NOT_REPORTED: CodeMeaning(Category.NOT_REPORTED),
}


DONE_CODES = (ItemCode.DONE_ON_TIME, ItemCode.DONE_LATE)
OVERDUE_CODES = (ItemCode.OVERDUE, ItemCode.OVERDUE_BLOCKED, ItemCode.OVERDUE_UNREPORTED)
LATE_CODES = (*OVERDUE_CODES, ItemCode.DONE_LATE)
BLOCKED_CODES = (ItemCode.IN_PROGRESS_BLOCKED, ItemCode.OVERDUE_BLOCKED)


class Unreachable(StrEnum):
    """Why reminders reach nobody of a unit; the words are ``status.unreachable.<value>``."""

    UNLINKED = "unlinked"  # nobody of the reminded roles linked yet
    BLOCKED = "blocked"  # every linked member blocked the bot


def empty_counts() -> dict[Category, int]:
    return dict.fromkeys(CATEGORIES, 0)


@dataclass(slots=True)
class SummaryItem:
    """One (task occurrence, assigned unit) and its status, with what the unit last wrote."""

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
    report_id: int | None = None  # the latest report's number (``dondoc attachment <n>``)
    reporter: str = ""  # who sent the latest report
    evidence: str | None = None  # the latest attached file: a link (Zalo) or a file id
    evidence_kind: str | None = None  # photo | document
    evidence_report_id: int | None = None  # the report that carries it

    @property
    def unreported(self) -> bool:
        """Past due and nothing ever reported (*quá hạn, chưa báo cáo*)."""
        return self.category is Category.OVERDUE and self.status is None

    def label(self, limit: int = 0) -> str:
        """How lists name the task: "II.3. Title" (the key is unambiguous, the ordinal not);
        a title longer than ``limit`` characters (when given) is cut with "…"."""
        title = " ".join(self.title.split())
        if limit and len(title) > limit:
            title = title[: limit - 1].rstrip() + "…"
        number = self.key or self.ordinal
        return f"{number}. {title}" if number else title


@dataclass(frozen=True, slots=True)
class UnreachableUnit:
    """A unit reminders reach nobody of, and why (an ``Unreachable`` value)."""

    id: int
    code: str
    name: str
    reason: str


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
    overdue_unreported: int = 0
    unreachable_reason: str = ""

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

    def add(self, meaning: CodeMeaning, count: int = 1) -> None:
        self.counts[meaning.category] += count
        self.total += count
        if meaning.blocked:
            self.blocked += count
        if meaning.unreported:
            self.overdue_unreported += count


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
    overdue_unreported: int = 0


@dataclass(frozen=True)
class SummaryScope:
    """What a summary covers, resolved (ids, not codes as typed): a view that lists items
    asks ``storage.summary`` for them with this."""

    today: date
    first: date | None
    last: date | None
    plan_id: int | None
    unit_id: int | None
    tz: ZoneInfo


@dataclass(frozen=True)
class PlanRef:
    id: int
    code: str
    title: str
    issuer: str = ""
    issued_date: date | None = None


@dataclass
class Summary:
    """Everything a coordinator's summary shows, from one computation.

    The numbers (``counts``, ``per_unit``, ``total``, ``blocked_count``,
    ``overdue_unreported``, ``unreachable_units``) are always there. ``items`` (and ``blocked``,
    ``per_task``, computed from them) only when the summary was computed with its items
    (``items_loaded``); otherwise a view asks ``storage.summary`` for the rows it shows.
    """

    today: date
    first: date | None
    last: date | None
    label: str | None  # the period's label, None for a --from/--to window or the default
    plan_code: str | None
    unit_code: str | None
    items: list[SummaryItem]
    counts: dict[Category, int]
    blocked: list[SummaryItem]
    unreachable_units: list[UnreachableUnit]
    per_unit: list[UnitTotals]
    per_task: list[TaskTotals]
    plans: list[PlanRef]
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    total_count: int = 0
    blocked_count: int = 0
    overdue_unreported: int = 0
    items_loaded: bool = True
    coordinator_units: list[UnitRef] = field(default_factory=list)  # where coordinators sit
    scope: SummaryScope | None = None

    def local_date(self, moment: datetime | None) -> date | None:
        """A stored UTC moment as a date in the deployment's timezone."""
        return moment.astimezone(self.tz).date() if moment is not None else None

    @property
    def total(self) -> int:
        return self.total_count

    @property
    def on_time_rate(self) -> float | None:
        c = self.counts
        denominator = c[Category.DONE_ON_TIME] + c[Category.DONE_LATE] + c[Category.OVERDUE]
        return c[Category.DONE_ON_TIME] / denominator if denominator else None

    @property
    def late_units(self) -> list[UnitTotals]:
        return [u for u in self.per_unit if u.late]

    def unreachable_by(self, reason: Unreachable) -> list[UnreachableUnit]:
        """The unreachable units for one of the two reasons."""
        return [u for u in self.unreachable_units if u.reason == reason.value]


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
    unreachable: dict[int, str] | None = None,
) -> Summary:
    """The summary of ``items``: counts, totals per unit and per task, blocked items and
    unreachable units (``unreachable``: unit id → ``Unreachable`` value)."""
    reasons = unreachable or {}
    counts = empty_counts()
    per_unit: dict[int, UnitTotals] = {}
    per_task: dict[int, TaskTotals] = {}
    blocked: list[SummaryItem] = []
    unreported = 0
    for item in items:
        counts[item.category] += 1
        totals = per_unit.get(item.unit_id)
        if totals is None:
            reason = reasons.get(item.unit_id, "")
            totals = per_unit[item.unit_id] = UnitTotals(
                item.unit_id,
                item.unit_code,
                item.unit_name,
                unreachable=item.unreachable,
                unreachable_reason=reason,
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
        if item.unreported:
            unreported += 1
            totals.overdue_unreported += 1
            task.overdue_unreported += 1
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
        unreachable_units=unreachable_refs(units),
        per_unit=units,
        per_task=list(per_task.values()),
        plans=sorted(plans, key=lambda p: p.code),
        tz=zone,
        total_count=len(items),
        blocked_count=len(blocked),
        overdue_unreported=unreported,
    )


def unreachable_refs(units: Iterable[UnitTotals]) -> list[UnreachableUnit]:
    """The unreachable units among ``units`` (each once), with their reason."""
    return [
        UnreachableUnit(u.unit_id, u.unit_code, u.unit_name, u.unreachable_reason)
        for u in units
        if u.unreachable
    ]
