"""Working calendar: Vietnamese holidays from the ``holidays`` package, quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from dondoc.scheduler.calendar import QuietHours, WorkingCalendar


def test_tet_2025_is_not_working(calendar: WorkingCalendar) -> None:
    day = date(2025, 1, 25)
    while day <= date(2025, 2, 2):
        assert not calendar.is_working_day(day), day
        day += timedelta(days=1)
    assert calendar.is_working_day(date(2025, 1, 24))
    assert calendar.is_working_day(date(2025, 2, 3))


def test_national_days_and_make_up_saturday(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(date(2025, 4, 30))
    assert not calendar.is_working_day(date(2025, 5, 1))
    assert not calendar.is_working_day(date(2025, 9, 2))
    # 26/4/2025 was a Saturday worked in exchange for 2/5/2025.
    assert date(2025, 4, 26).weekday() == 5
    assert calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert not calendar.is_working_day(date(2025, 4, 27))  # an ordinary Sunday


def test_add_working_days_across_tet(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    assert calendar.add_working_days(date(2025, 2, 5), -1) == date(2025, 2, 4)
    assert calendar.add_working_days(date(2025, 2, 5), -3) == date(2025, 1, 24)
    assert calendar.add_working_days(date(2025, 2, 5), -7) == date(2025, 1, 20)
    assert calendar.add_working_days(date(2025, 1, 26), 0) == date(2025, 2, 3)
    assert calendar.working_days_between(date(2025, 1, 24), date(2025, 2, 5)) == 3
    assert calendar.working_days_between(date(2025, 2, 5), date(2025, 1, 24)) == -3


def test_next_and_previous_working_day(calendar: WorkingCalendar) -> None:
    assert calendar.next_working_day(date(2025, 1, 24)) == date(2025, 2, 3)
    assert calendar.previous_working_day(date(2025, 2, 3)) == date(2025, 1, 24)
    assert calendar.next_working_day(date(2025, 4, 25)) == date(2025, 4, 26)


def _local(calendar: WorkingCalendar, *args: int) -> datetime:
    return datetime(*args, tzinfo=calendar.tz)


def test_quiet_hours_shift(calendar: WorkingCalendar) -> None:
    # Before office hours on a working day: same day 07:30 local.
    early = _local(calendar, 2024, 7, 15, 6, 0)
    assert calendar.next_allowed(early) == _local(calendar, 2024, 7, 15, 7, 30)
    # Within office hours: unchanged.
    inside = _local(calendar, 2024, 7, 15, 9, 15)
    assert calendar.next_allowed(inside) == inside
    # After office hours on Friday: Monday 07:30.
    late = _local(calendar, 2024, 7, 12, 17, 0)
    assert calendar.next_allowed(late) == _local(calendar, 2024, 7, 15, 7, 30)
    # During Tết 2025: the first working day after it.
    tet = _local(calendar, 2025, 1, 29, 10, 0)
    assert calendar.next_allowed(tet) == _local(calendar, 2025, 2, 3, 7, 30)
    # Result is UTC.
    assert calendar.next_allowed(early).tzinfo == UTC


def test_custom_quiet_hours_and_validation() -> None:
    cal = WorkingCalendar(quiet_hours=QuietHours(time(8, 0), time(11, 30)))
    moment = datetime(2024, 7, 15, 11, 45, tzinfo=cal.tz)
    assert cal.next_allowed(moment) == datetime(2024, 7, 16, 8, 0, tzinfo=cal.tz)
    with pytest.raises(ValueError):
        QuietHours(time(17, 0), time(7, 30))


def test_naive_datetimes_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.next_allowed(datetime(2024, 7, 15, 9, 0))
