"""Working calendar (*ngày làm việc*): Vietnamese public holidays and make-up Saturdays from the
``holidays`` package, weekends, and quiet hours (the office hours in which reminders may go out).

All reasoning here is in the deployment's timezone (default Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class QuietHours:
    """Messages go out only on working days between ``start`` and ``end`` (local time)."""

    start: time = time(7, 30)
    end: time = time(17, 0)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError("quiet hours: the start must be before the end")


class WorkingCalendar:
    """Which days are working days, and the next moment a message may go out."""

    def __init__(
        self, timezone: str = DEFAULT_TIMEZONE, quiet_hours: QuietHours | None = None
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.quiet_hours = quiet_hours or QuietHours()

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return holidays.country_holidays("VN")

    def holiday_name(self, day: date) -> str | None:
        return self._holidays.get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday–Friday that is not a holiday, or a make-up Saturday (e.g. 26/4/2025)."""
        return self._holidays.is_working_day(day)

    def next_working_day(self, day: date, include_today: bool = False) -> date:
        current = day if include_today else day + timedelta(days=1)
        while not self.is_working_day(current):
            current += timedelta(days=1)
        return current

    def previous_working_day(self, day: date, include_today: bool = False) -> date:
        current = day if include_today else day - timedelta(days=1)
        while not self.is_working_day(current):
            current -= timedelta(days=1)
        return current

    def add_working_days(self, day: date, n: int) -> date:
        """The day ``n`` working days after ``day`` (before it for negative ``n``).

        ``add_working_days(d, 0)`` is ``d`` itself when it is a working day, else the next one.
        """
        if n == 0:
            return self.next_working_day(day, include_today=True)
        step = 1 if n > 0 else -1
        current = day
        remaining = abs(n)
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how far ``end`` lies after ``start``."""
        if end <= start:
            return -self.working_days_between(end, start) if end < start else 0
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: dondoc reasons only about aware moments")
        return moment.astimezone(self.tz)

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()

    def at(self, day: date, moment: time) -> datetime:
        """The UTC instant of local ``day`` at local ``moment``."""
        return datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)

    def is_allowed(self, moment: datetime) -> bool:
        """May a message go out at ``moment``: a working day, within quiet hours."""
        local = self.local(moment)
        quiet = self.quiet_hours
        return (
            self.is_working_day(local.date())
            and quiet.start <= local.time().replace(tzinfo=None) < quiet.end
        )

    def next_allowed(self, moment: datetime) -> datetime:
        """``moment`` itself if a message may go out then, else the next moment one may (UTC)."""
        if self.is_allowed(moment):
            return moment.astimezone(UTC)
        local = self.local(moment)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.quiet_hours.start:
            return self.at(day, self.quiet_hours.start)
        return self.at(self.next_working_day(day), self.quiet_hours.start)
