"""Schedules: every kind's occurrences for a sample year, labels, due-day rules, shifting."""

from __future__ import annotations

from datetime import date

import pytest

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind, occurrences

YEAR = (date(2024, 1, 1), date(2024, 12, 31))
NO_SHIFT = DueRules(shift="none")


def labels(
    schedule: Schedule,
    rules: DueRules = NO_SHIFT,
    cal: WorkingCalendar | None = None,
    span: tuple[date, date] = YEAR,
) -> list[tuple[str, str | None]]:
    return [
        (o.period, o.due.isoformat() if o.due else None)
        for o in occurrences(schedule, *span, rules, cal)
    ]


def test_once() -> None:
    s = Schedule(ScheduleKind.ONCE, due=date(2024, 7, 15))
    assert labels(s) == [("2024-07-15", "2024-07-15")]
    named = Schedule(ScheduleKind.ONCE, due=date(2024, 6, 30), label="2024-06")
    assert labels(named) == [("2024-06", "2024-06-30")]
    assert labels(s, span=(date(2024, 8, 1), date(2024, 12, 31))) == []


def test_monthly_uses_the_deployment_day_and_short_months() -> None:
    s = Schedule(ScheduleKind.MONTHLY, start=date(2024, 1, 1), end=date(2024, 12, 31))
    got = labels(s, DueRules(monthly_day=31, shift="none"))
    assert len(got) == 12
    assert got[0] == ("2024-01", "2024-01-31")
    assert got[1] == ("2024-02", "2024-02-29")
    assert got[3] == ("2024-04", "2024-04-30")
    assert labels(s, DueRules(monthly_day=5, shift="none"))[6] == ("2024-07", "2024-07-05")


def test_quarterly_and_written_day_overrides_default() -> None:
    s = Schedule(ScheduleKind.QUARTERLY, start=date(2024, 1, 1))
    assert labels(s) == [
        ("2024-Q1", "2024-03-20"),
        ("2024-Q2", "2024-06-20"),
        ("2024-Q3", "2024-09-20"),
        ("2024-Q4", "2024-12-20"),
    ]
    s5 = Schedule(ScheduleKind.QUARTERLY, start=date(2024, 1, 1), day=5)
    assert labels(s5)[2] == ("2024-Q3", "2024-09-05")


def test_periodic_thanh_xuan_day_05() -> None:
    s = Schedule(ScheduleKind.PERIODIC, start=date(2024, 1, 1), day=5)
    assert labels(s) == [
        ("2024-Q1", "2024-03-05"),
        ("2024-6T", "2024-06-05"),
        ("2024-9T", "2024-09-05"),
        ("2024", "2024-12-05"),
    ]


def test_annual_open_ended_from_start_year() -> None:
    s = Schedule(ScheduleKind.ANNUAL, start=date(2022, 1, 1))
    got = labels(s, span=(date(2021, 1, 1), date(2025, 12, 31)))
    assert got == [
        ("2022", "2022-12-20"),
        ("2023", "2023-12-20"),
        ("2024", "2024-12-20"),
        ("2025", "2025-12-20"),
    ]


def test_ongoing_has_check_ins_without_due() -> None:
    s = Schedule(ScheduleKind.ONGOING, start=date(2022, 1, 1), end=date(2030, 12, 31))
    assert labels(s) == [("2024-Q1", None), ("2024-Q2", None), ("2024-Q3", None), ("2024-Q4", None)]
    monthly = labels(s, DueRules(shift="none", ongoing_period="monthly"))
    assert len(monthly) == 12 and monthly[0] == ("2024-01", None)


def test_event_has_nothing_until_dated() -> None:
    s = Schedule(ScheduleKind.EVENT)
    assert labels(s) == []
    dated = s.with_event_date(date(2024, 5, 19))
    assert labels(dated) == [("2024-05-19", "2024-05-19")]


def test_unknown_yields_nothing() -> None:
    assert labels(Schedule(ScheduleKind.UNKNOWN)) == []


def test_shift_to_working_days(calendar: WorkingCalendar) -> None:
    s = Schedule(ScheduleKind.MONTHLY, start=date(2024, 1, 1))
    nxt = {p: d for p, d in labels(s, DueRules(shift="next"), calendar)}
    prev = {p: d for p, d in labels(s, DueRules(shift="previous"), calendar)}
    assert nxt["2024-07"] == "2024-07-22"  # 20/7/2024 is a Saturday
    assert prev["2024-07"] == "2024-07-19"
    occ = occurrences(s, *YEAR, DueRules(shift="next"), calendar)
    july = next(o for o in occ if o.period == "2024-07")
    assert july.nominal_due == date(2024, 7, 20)


def test_schedule_round_trips_through_json() -> None:
    s = Schedule(
        ScheduleKind.PERIODIC,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        day=5,
        periods=("6T", "year"),
    )
    assert Schedule.from_dict(s.to_dict()) == s
    assert labels(Schedule.from_dict(s.to_dict())) == [
        ("2024-6T", "2024-06-05"),
        ("2024", "2024-12-05"),
    ]


def test_bad_rules_and_range() -> None:
    with pytest.raises(ValueError):
        DueRules(monthly_day=0)
    with pytest.raises(ValueError):
        occurrences(Schedule(ScheduleKind.MONTHLY), date(2024, 2, 1), date(2024, 1, 1))
