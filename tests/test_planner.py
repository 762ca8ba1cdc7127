"""The pure planner: current step only, right recipients, deterministic keys, Tết silence."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.planner import (
    AssignmentRow,
    MemberRow,
    OccurrenceRow,
    ReportRow,
    plan,
)
from dondoc.scheduler.policy import ReminderPolicy

CAL = WorkingCalendar()
POLICY = ReminderPolicy()
LEAD, COOP = "lead", "cooperating"


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return CAL.at(day, time(hour, minute))


OCC = OccurrenceRow(1, 10, "2024-07-15", date(2024, 7, 1), date(2024, 7, 15))
ASSIGNED = [AssignmentRow(10, 100, LEAD), AssignmentRow(10, 200, COOP)]
MEMBERS = [
    MemberRow(1, 100, "officer"),
    MemberRow(2, 100, "officer", language="en"),
    MemberRow(3, 100, "head"),
    MemberRow(4, 200, "officer"),
    MemberRow(5, 200, "officer", reachable=False),
    MemberRow(6, 200, "officer", active=False),
    MemberRow(7, 100, "coordinator"),
]


def run(now: datetime, reports=(), members=MEMBERS, since=None, occs=(OCC,)):
    return plan(occs, ASSIGNED, reports, members, POLICY, CAL, now, since)


def by_member(reminders):
    return {r.member_id: r.step for r in reminders}


def test_before_the_first_step_nothing():
    assert run(at(date(2024, 7, 4), 7, 59)) == []
    assert run(at(date(2024, 7, 3), 12)) == []


def test_officers_get_the_current_step_heads_only_from_second_overdue():
    assert by_member(run(at(date(2024, 7, 4)))) == {1: "T-7", 2: "T-7", 4: "T-7"}
    assert by_member(run(at(date(2024, 7, 11), 15))) == {1: "T-3", 2: "T-3", 4: "T-3"}
    assert by_member(run(at(date(2024, 7, 17), 9))) == {
        1: "overdue-1",
        2: "overdue-1",
        4: "overdue-1",
    }
    late = run(at(date(2024, 7, 19)))
    assert by_member(late) == {1: "overdue-2", 2: "overdue-2", 3: "overdue-2", 4: "overdue-2"}
    head = next(r for r in late if r.member_id == 3)
    assert head.escalation and head.role == LEAD
    # The head never had the earlier steps, so none of them is "superseded" for it.
    assert [step for _k, step in head.superseded] == []
    officer = next(r for r in late if r.member_id == 1)
    assert [step for _k, step in officer.superseded] == [
        "T-7", "T-3", "T-1", "due", "overdue-1",
    ]  # fmt: skip


def test_after_the_last_step_expires_nothing():
    assert by_member(run(at(date(2024, 7, 29)))) == {
        1: "overdue-5",
        2: "overdue-5",
        3: "overdue-5",
        4: "overdue-5",
    }
    assert run(at(date(2024, 7, 31), 8)) == []


def test_done_units_are_not_reminded_other_reports_do_not_stop_reminders():
    now = at(date(2024, 7, 12))
    done = [ReportRow(1, 200, "done")]
    assert by_member(run(now, done)) == {1: "T-1", 2: "T-1"}
    progress = [ReportRow(1, 100, "in_progress", 70), ReportRow(1, 200, "blocked", note="x")]
    assert by_member(run(now, progress)) == {1: "T-1", 2: "T-1", 4: "T-1"}


def test_heads_hear_everything_when_the_unit_has_no_reachable_officer():
    members = [MemberRow(3, 100, "head"), MemberRow(1, 100, "officer", reachable=False)]
    reminders = run(at(date(2024, 7, 4)), members=members)
    assert by_member(reminders) == {3: "T-7"}
    assert not reminders[0].escalation


def test_keys_are_deterministic_and_name_the_step():
    first = run(at(date(2024, 7, 10)))
    again = run(at(date(2024, 7, 10), 16))
    assert [r.key for r in first] == [r.key for r in again]
    assert first[0].key == "rem:1:100:1:2024-07-15:T-3"
    assert {r.role for r in first if r.unit_id == 200} == {COOP}


def test_since_keeps_only_steps_that_began_after_it():
    now = at(date(2024, 7, 10), 9)
    assert run(now, since=at(date(2024, 7, 10), 8, 30)) == []
    assert len(run(now, since=at(date(2024, 7, 10), 7, 59))) == 3


def test_ongoing_tasks_check_in_once_per_period():
    ongoing = OccurrenceRow(2, 10, "2024-Q3", date(2024, 7, 1), None)
    assert run(at(date(2024, 9, 9)), occs=(ongoing,)) == []
    reminders = run(at(date(2024, 9, 10)), occs=(ongoing,))
    assert by_member(reminders) == {1: "checkin", 2: "checkin", 4: "checkin"}
    assert by_member(run(at(date(2024, 9, 30), 16), occs=(ongoing,))) == by_member(reminders)
    assert run(at(date(2024, 10, 1), 9), occs=(ongoing,)) == []
    reported = [ReportRow(2, 100, "in_progress", 40)]
    assert by_member(run(at(date(2024, 9, 10)), reported, occs=(ongoing,))) == {4: "checkin"}


def test_nothing_goes_out_during_tet_2025():
    occs = [
        OccurrenceRow(i, 10, f"p{i}", date(2025, 1, 1), date(2025, 1, 10) + timedelta(days=i))
        for i in range(40)
    ]
    moment = datetime(2025, 1, 24, 10, 0, tzinfo=UTC)  # Friday 17:00 local: quiet from here
    previous = moment
    while moment < datetime(2025, 2, 3, 0, 0, tzinfo=UTC):  # until Monday 3/2 07:00 local
        moment += timedelta(minutes=30)
        assert plan(occs, ASSIGNED, [], MEMBERS, POLICY, CAL, moment, previous) == []
        previous = moment
    woke = plan(occs, ASSIGNED, [], MEMBERS, POLICY, CAL, at(date(2025, 2, 3)), previous)
    assert woke and all(CAL.local_date(r.moment) == date(2025, 2, 3) for r in woke)
