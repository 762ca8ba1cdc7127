"""Schedules (*thời hạn, tiến độ*) and the occurrences (*kỳ báo cáo*) they yield.

A task's deadline phrase becomes a ``Schedule``; a schedule lists its occurrences between two
dates, each with a stable period label and a due date:

========== ============================================ ===========================
kind       occurrences                                  period labels
========== ============================================ ===========================
once       one, due on the given date                   ``2024-07-15``, ``2024-06``,
                                                        ``2025-Q4``, ``2024``
monthly    every month, due on the monthly day          ``2024-07``
quarterly  every quarter, day N of its last month       ``2024-Q3``
periodic   Q1, 6 months, 9 months, year; day N of the   ``2024-Q1``, ``2024-6T``,
           period's last month                          ``2024-9T``, ``2024``
annual     every year, day N of December                ``2024``
ongoing    a progress check-in every reporting period,  ``2024-Q3`` (or ``2024-07``)
           no due date
event      none until the coordinator sets the date;    ``2024-07-15``
           then one, due that date
unknown    none
========== ============================================ ===========================

Labels are stable strings: summaries, exports and reminder keys rely on them.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from dondoc.scheduler.calendar import WorkingCalendar


class ScheduleKind(StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    PERIODIC = "periodic"
    ANNUAL = "annual"
    ONGOING = "ongoing"
    EVENT = "event"
    UNKNOWN = "unknown"


DueShift = Literal["none", "next", "previous"]


@dataclass(frozen=True)
class DueRules:
    """The deployment's report due days (settings ``DONDOC_MONTHLY_DUE_DAY`` …).

    ``monthly_day``: day of the month a monthly report is due. ``period_day``: day N of the
    period's last month for quarterly, periodic and annual reports. ``shift``: what happens
    to a due date that is not a working day (``next`` working day — the usual legal reading —,
    ``previous``, or ``none``). ``ongoing_period``: how often ongoing tasks check in.
    """

    monthly_day: int = 20
    period_day: int = 20
    shift: DueShift = "next"
    ongoing_period: Literal["monthly", "quarterly"] = "quarterly"

    def __post_init__(self) -> None:
        for name in ("monthly_day", "period_day"):
            value = getattr(self, name)
            if not 1 <= value <= 31:
                raise ValueError(f"{name} must be a day of the month (1–31), not {value}")


@dataclass(frozen=True)
class Schedule:
    """A task's schedule: its kind and the parameters that kind needs.

    ``due``: the date of a ``once`` schedule, or of an ``event`` once the coordinator sets it.
    ``label``: the period label of a ``once`` schedule when the phrase named a period
    ("Tháng 6/2024" → ``2024-06``); by default the due date itself.
    ``start``/``end``: the first and last day of recurring schedules (``end`` None: open).
    ``day``: a due day written in the plan ("chậm nhất ngày 05 …"), overriding the default.
    ``periods``: for ``periodic``, which of ``Q1``, ``6T``, ``9T``, ``year`` apply.
    ``then``: the schedule that takes over after ``end`` — a plan that reports monthly in 2025
    only ("hằng quý (riêng năm 2025 báo cáo hàng tháng)") goes back to quarterly afterwards.
    """

    kind: ScheduleKind
    due: date | None = None
    label: str | None = None
    start: date | None = None
    end: date | None = None
    day: int | None = None
    periods: tuple[str, ...] = ("Q1", "6T", "9T", "year")
    note: str = field(default="", compare=False)
    then: Schedule | None = None  # what follows after ``end`` ("riêng năm 2025 hàng tháng")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        for key in ("due", "start", "end"):
            if data[key] is not None:
                data[key] = data[key].isoformat()
        data["periods"] = list(self.periods)
        data["then"] = self.then.to_dict() if self.then is not None else None
        return {k: v for k, v in data.items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        def _date(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            kind=ScheduleKind(data.get("kind", "unknown")),
            due=_date(data.get("due")),
            label=data.get("label"),
            start=_date(data.get("start")),
            end=_date(data.get("end")),
            day=data.get("day"),
            periods=tuple(data.get("periods") or ("Q1", "6T", "9T", "year")),
            note=data.get("note", ""),
            then=cls.from_dict(data["then"]) if data.get("then") else None,
        )

    def with_event_date(self, when: date) -> Schedule:
        if self.kind is not ScheduleKind.EVENT:
            raise ValueError("only an event schedule takes a date")
        return replace(self, due=when)


@dataclass(frozen=True)
class OccurrenceSpec:
    """One occurrence a schedule yields: period label, period start, due date (None: no due)."""

    period: str
    start: date
    due: date | None
    nominal_due: date | None = None  # the date as the rule gives it, before shifting


def _day_in_month(year: int, month: int, day: int) -> date:
    """Day ``day`` of the month, or its last day when the month is shorter (31 → 30/2/28)."""
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _last_day(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _shift(day: date, rules: DueRules, working: WorkingCalendar | None) -> date:
    if working is None or rules.shift == "none" or working.is_working_day(day):
        return day
    if rules.shift == "next":
        return working.next_working_day(day)
    return working.previous_working_day(day)


def _months(first: date, last: date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def _raw_occurrences(
    schedule: Schedule, first: date, last: date, rules: DueRules
) -> Iterator[tuple[str, date, date | None]]:
    """(label, start, nominal due) for every period that touches [first, last]."""
    kind = schedule.kind
    if kind is ScheduleKind.ONCE:
        if schedule.due is not None:
            start = schedule.start or date(schedule.due.year, schedule.due.month, 1)
            yield schedule.label or schedule.due.isoformat(), start, schedule.due
        return
    if kind is ScheduleKind.EVENT:
        if schedule.due is not None:
            yield schedule.label or schedule.due.isoformat(), schedule.due, schedule.due
        return
    if kind is ScheduleKind.UNKNOWN:
        return

    lo = max(first, schedule.start) if schedule.start else first
    hi = min(last, schedule.end) if schedule.end else last
    if hi < lo:
        return
    # A period belongs to the window when its due (or, for ongoing, its start) falls in it;
    # look one period beyond on each side so that long periods are not missed.
    months = list(_months(date(lo.year, lo.month, 1), hi))
    day = schedule.day

    if kind is ScheduleKind.MONTHLY:
        for year, month in months:
            yield (
                f"{year}-{month:02d}",
                date(year, month, 1),
                _day_in_month(year, month, day or rules.monthly_day),
            )
    elif kind is ScheduleKind.QUARTERLY or (
        kind is ScheduleKind.ONGOING and rules.ongoing_period == "quarterly"
    ):
        seen: set[tuple[int, int]] = set()
        for year, month in months:
            quarter = (month - 1) // 3 + 1
            if (year, quarter) in seen:
                continue
            seen.add((year, quarter))
            start = date(year, 3 * quarter - 2, 1)
            due = (
                None
                if kind is ScheduleKind.ONGOING
                else _day_in_month(year, 3 * quarter, day or rules.period_day)
            )
            yield f"{year}-Q{quarter}", start, due
    elif kind is ScheduleKind.ONGOING:  # monthly check-ins
        for year, month in months:
            yield f"{year}-{month:02d}", date(year, month, 1), None
    elif kind is ScheduleKind.PERIODIC:
        spans = {"Q1": (3, "Q1"), "6T": (6, "6T"), "9T": (9, "9T"), "year": (12, "")}
        for year in range(lo.year, hi.year + 1):
            for name in schedule.periods:
                last_month, suffix = spans[name]
                label = f"{year}-{suffix}" if suffix else f"{year}"
                yield (
                    label,
                    date(year, 1, 1),
                    _day_in_month(year, last_month, day or rules.period_day),
                )
    elif kind is ScheduleKind.ANNUAL:
        for year in range(lo.year, hi.year + 1):
            yield f"{year}", date(year, 1, 1), _day_in_month(year, 12, day or rules.period_day)


def occurrences(
    schedule: Schedule,
    first: date,
    last: date,
    rules: DueRules | None = None,
    working: WorkingCalendar | None = None,
) -> list[OccurrenceSpec]:
    """The occurrences of ``schedule`` due in [first, last] (ongoing: starting in it).

    Due dates that fall on a non-working day are shifted per ``rules.shift`` when a working
    calendar is given. Sorted by due date (ongoing: by start).
    """
    rules = rules or DueRules()
    if last < first:
        raise ValueError("the end of the range is before its start")
    if schedule.then is not None:
        own = occurrences(replace(schedule, then=None), first, last, rules, working)
        after = occurrences(schedule.then, first, last, rules, working)
        taken = {o.period for o in own}
        merged = own + [o for o in after if o.period not in taken]
        return sorted(merged, key=lambda o: (o.due or o.start, o.period))
    result: list[OccurrenceSpec] = []
    seen: set[str] = set()
    # Periodic and annual periods start in January but are due at the end: widen the search.
    search_first = date(first.year - 1, 1, 1)
    search_last = date(last.year + 1, 12, 31)
    if schedule.kind in (ScheduleKind.MONTHLY, ScheduleKind.QUARTERLY, ScheduleKind.ONGOING):
        search_first = date(first.year, first.month, 1)
        search_last = _last_day(last.year, last.month)
    for label, start, nominal in _raw_occurrences(schedule, search_first, search_last, rules):
        anchor = nominal if nominal is not None else start
        if not first <= anchor <= last or label in seen:
            continue
        if schedule.kind not in (ScheduleKind.ONCE, ScheduleKind.EVENT):
            if schedule.start and anchor < schedule.start:
                continue
            if schedule.end and anchor > schedule.end:
                continue
        seen.add(label)
        due = _shift(nominal, rules, working) if nominal is not None else None
        result.append(OccurrenceSpec(label, start, due, nominal))
    result.sort(key=lambda o: (o.due or o.start, o.period))
    return result


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)
