"""Deadline phrases (*thời gian, tiến độ hoàn thành*) → schedules.

Pure functions. ``parse_deadline("trước ngày 15 tháng 7 năm 2024", year=2024)`` gives the
``Schedule`` and any warnings. Never invents a date: an unreadable phrase is ``unknown``.

This first version reads schedule kind names and explicit dates; the full table of Vietnamese
phrases extends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from scheduler.schedules import Schedule, ScheduleKind
from storage.text import fold


@dataclass(frozen=True)
class ParsedDeadline:
    schedule: Schedule
    warnings: list[str] = field(default_factory=list)


_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _explicit_date(folded: str) -> date | None:
    for pattern, order in ((_ISO, (0, 1, 2)), (_DATE, (2, 1, 0))):
        match = pattern.search(folded)
        if match:
            parts = [int(g) for g in match.groups()]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


def parse_deadline(text: str, year: int | None = None) -> ParsedDeadline:
    """Read a deadline phrase or a schedule kind name."""
    folded = fold(text)
    if not folded:
        return ParsedDeadline(Schedule(ScheduleKind.UNKNOWN), ["deadline.empty"])
    start = date(year, 1, 1) if year else None
    end = date(year, 12, 31) if year else None
    if folded in {k.value for k in ScheduleKind}:
        kind = ScheduleKind(folded)
        if kind in (ScheduleKind.MONTHLY, ScheduleKind.QUARTERLY, ScheduleKind.PERIODIC):
            return ParsedDeadline(Schedule(kind, start=start, end=end))
        if kind in (ScheduleKind.ANNUAL, ScheduleKind.ONGOING):
            return ParsedDeadline(Schedule(kind, start=start))
        if kind is ScheduleKind.ONCE:
            return ParsedDeadline(Schedule(ScheduleKind.UNKNOWN), ["deadline.once_needs_date"])
        return ParsedDeadline(Schedule(kind))
    found = _explicit_date(folded)
    if found is not None:
        return ParsedDeadline(Schedule(ScheduleKind.ONCE, due=found))
    return ParsedDeadline(Schedule(ScheduleKind.UNKNOWN), ["deadline.unreadable"])
