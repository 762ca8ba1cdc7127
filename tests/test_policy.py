"""Reminder policy: the issue's defaults, settings, and step dates on the working calendar."""

from __future__ import annotations

from datetime import date, time

import pytest

from dondoc.bot.settings import Settings
from dondoc.scheduler.planner import steps_for_due
from dondoc.scheduler.policy import ReminderPolicy


def test_defaults_follow_the_issue():
    policy = ReminderPolicy()
    assert policy.step_names() == [
        "T-7", "T-3", "T-1", "due",
        "overdue-1", "overdue-2", "overdue-3", "overdue-4", "overdue-5",
    ]  # fmt: skip
    assert not policy.heads_told("overdue-1") and not policy.heads_told("due")
    assert policy.heads_told("overdue-2") and policy.heads_told("overdue-5")


def test_settings_build_the_policy(monkeypatch):
    monkeypatch.setenv("DONDOC_REMIND_BEFORE", "[5, 2]")
    monkeypatch.setenv("DONDOC_REMIND_OVERDUE_MAX", "3")
    monkeypatch.setenv("DONDOC_REMIND_HEAD_FROM_OVERDUE", "1")
    monkeypatch.setenv("DONDOC_DIGEST_TIME", "07:45")
    policy = Settings().reminder_policy()
    assert policy.step_names() == ["T-5", "T-2", "due", "overdue-1", "overdue-2", "overdue-3"]
    assert policy.heads_told("overdue-1")
    assert policy.digest_time == time(7, 45)


@pytest.mark.parametrize(
    "changes",
    [{"before": (0,)}, {"overdue_every": 0}, {"overdue_max": -1}, {"checkin_day": 31}],
)
def test_nonsense_is_refused(changes):
    with pytest.raises(ValueError):
        ReminderPolicy(**changes)


def local_days(due: date, calendar) -> dict[str, date]:
    return {
        s.name: calendar.local_date(s.moment)
        for s in steps_for_due(due, ReminderPolicy(), calendar)
    }


def test_steps_of_an_ordinary_month(calendar):
    days = local_days(date(2024, 7, 15), calendar)
    assert days == {
        "T-7": date(2024, 7, 4), "T-3": date(2024, 7, 10), "T-1": date(2024, 7, 12),
        "due": date(2024, 7, 15), "overdue-1": date(2024, 7, 17), "overdue-2": date(2024, 7, 19),
        "overdue-3": date(2024, 7, 23), "overdue-4": date(2024, 7, 25),
        "overdue-5": date(2024, 7, 29),
    }  # fmt: skip
    for step in steps_for_due(date(2024, 7, 15), ReminderPolicy(), calendar):
        assert calendar.is_allowed(step.moment)
        assert calendar.local(step.moment).time() == time(8, 0)


def test_tet_2025_working_days(calendar):
    days = local_days(date(2025, 2, 5), calendar)
    assert days["T-1"] == date(2025, 2, 4)
    assert days["T-3"] == date(2025, 1, 24)  # the break 25/1–2/2 has no working day
    assert days["T-7"] == date(2025, 1, 20)
    for day in days.values():
        assert not date(2025, 1, 25) <= day <= date(2025, 2, 2)
    # A task due just before the break: its first overdue reminder waits for 3/2/2025.
    assert local_days(date(2025, 1, 23), calendar)["overdue-1"] == date(2025, 2, 3)


def test_due_date_on_a_sunday_is_reminded_on_the_next_working_morning(calendar):
    days = local_days(date(2024, 7, 21), calendar)  # a Sunday (due dates not shifted)
    assert days["T-1"] == date(2024, 7, 19)
    assert days["due"] == date(2024, 7, 22)
    assert days["overdue-1"] == date(2024, 7, 23)
