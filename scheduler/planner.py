"""The reminder planner (*lập lịch nhắc việc*): which reminders are due, derived from data.

``plan`` is a pure function of (occurrences, assignments, reports, members, policy, calendar,
now): for every (occurrence, unit) not reported done and every recipient, the *current* step
— the latest step whose moment has come and whose successor has not — with a deterministic key
``rem:<occurrence>:<unit>:<member>:<due>:<step>``. Earlier steps never sent are returned as
``superseded``: after downtime only the latest step goes out, the others are logged skipped.

Reading the inputs from the database and queueing what ``plan`` decides is
``scheduler.reminder_queue``'s work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.policy import (
    CHECKIN_STEP,
    DUE_STEP,
    ReminderPolicy,
    before_step,
    overdue_step,
)
from dondoc.storage.assignments import lead_wins
from dondoc.storage.models import (
    ReportStatus,
    Role,
)

# --------------------------------------------------------------------------- pure part


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    id: int
    task_id: int
    period: str
    start: date
    due: date | None


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    task_id: int
    unit_id: int
    role: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The latest report of a unit on an occurrence."""

    occurrence_id: int
    unit_id: int
    status: str
    percent: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    unit_id: int
    role: str
    language: str = "vi"
    reachable: bool = True
    active: bool = True


@dataclass(frozen=True, slots=True)
class Reminder:
    """One step due for one recipient about one (occurrence, unit)."""

    key: str
    occurrence_id: int
    unit_id: int
    member_id: int
    step: str
    moment: datetime
    due: date | None
    role: str
    escalation: bool
    superseded: tuple[tuple[str, str], ...] = ()  # (key, step) of earlier unsent steps


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    moment: datetime  # UTC, within quiet hours of a working day
    expires: datetime


def reminder_key(
    occurrence_id: int, unit_id: int, member_id: int, due: date | None, step: str
) -> str:
    anchor = due.isoformat() if due else "-"
    return f"rem:{occurrence_id}:{unit_id}:{member_id}:{anchor}:{step}"


def _moment(calendar: WorkingCalendar, day: date, policy: ReminderPolicy) -> datetime:
    return calendar.next_allowed(calendar.at(day, policy.remind_time))


@lru_cache(maxsize=4096)
def _steps_cached(due: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> tuple[Step, ...]:
    named: list[tuple[str, datetime]] = []
    for days in policy.before_sorted:
        named.append(
            (before_step(days), _moment(calendar, calendar.add_working_days(due, -days), policy))
        )
    if policy.on_due:
        named.append((DUE_STEP, _moment(calendar, due, policy)))
    last_day = due
    for index in range(1, policy.overdue_max + 1):
        last_day = calendar.add_working_days(due, policy.overdue_every * index)
        named.append((overdue_step(index), _moment(calendar, last_day, policy)))
    end = _moment(calendar, calendar.add_working_days(last_day, policy.overdue_every), policy)
    # Two steps that land on one moment (e.g. a due date on a Sunday): the later one wins.
    kept: list[tuple[str, datetime]] = []
    for name, moment in named:
        while kept and kept[-1][1] >= moment:
            kept.pop()
        kept.append((name, moment))
    steps = []
    for i, (name, moment) in enumerate(kept):
        expires = kept[i + 1][1] if i + 1 < len(kept) else max(end, moment + timedelta(minutes=1))
        steps.append(Step(name, moment, expires))
    return tuple(steps)


def steps_for_due(due: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> tuple[Step, ...]:
    """Every step of an occurrence due on ``due``, in order, with its moment and expiry."""
    return _steps_cached(due, policy, calendar)


def _period_end(occ: OccurrenceRow) -> date | None:
    """The first day after an ongoing occurrence's period (labels ``2024-Q3``/``2024-07``)."""
    label = occ.period
    try:
        if "-Q" in label:
            year, quarter = label.split("-Q")
            month = 3 * int(quarter) + 1
            return date(int(year) + (month > 12), (month - 1) % 12 + 1, 1)
        year, month = label.split("-")[:2]
        nxt = int(month) + 1
        return date(int(year) + (nxt > 12), (nxt - 1) % 12 + 1, 1)
    except ValueError:
        return None


def checkin_step(
    occ: OccurrenceRow, policy: ReminderPolicy, calendar: WorkingCalendar
) -> Step | None:
    """The check-in of an ongoing occurrence: ``checkin_day`` of its period's last month."""
    end = _period_end(occ)
    if end is None:
        return None
    last_month = end - timedelta(days=1)
    day = date(last_month.year, last_month.month, policy.checkin_day)
    moment = _moment(calendar, day, policy)
    expires = _moment(calendar, end, policy)
    return Step(CHECKIN_STEP, moment, max(expires, moment + timedelta(minutes=1)))


def current_steps(
    occ: OccurrenceRow, policy: ReminderPolicy, calendar: WorkingCalendar, now: datetime
) -> tuple[int, tuple[Step, ...]]:
    """(index of the current step or -1, all steps) of ``occ`` at ``now``."""
    if occ.due is None:
        if not policy.ongoing_checkin:
            return -1, ()
        step = checkin_step(occ, policy, calendar)
        if step is None:
            return -1, ()
        return (0 if step.moment <= now < step.expires else -1), (step,)
    steps = steps_for_due(occ.due, policy, calendar)
    current = -1
    for i, step in enumerate(steps):
        if step.moment <= now:
            current = i
        else:
            break
    if current >= 0 and now >= steps[current].expires:
        current = -1
    return current, steps


def hearers(
    members: Iterable[MemberRow],
) -> tuple[dict[int, list[MemberRow]], dict[int, list[MemberRow]]]:
    """The members who can hear a reminder (active, reachable), per unit: its officers and
    its heads (the two lists ``ReminderPolicy.recipients`` chooses from)."""
    officers: dict[int, list[MemberRow]] = defaultdict(list)
    heads: dict[int, list[MemberRow]] = defaultdict(list)
    for m in members:
        if not (m.active and m.reachable):
            continue
        if m.role == Role.OFFICER.value:
            officers[m.unit_id].append(m)
        elif m.role == Role.HEAD.value:
            heads[m.unit_id].append(m)
    return officers, heads


def plan(
    occurrences: Iterable[OccurrenceRow],
    assignments: Iterable[AssignmentRow],
    reports: Iterable[ReportRow],
    members: Iterable[MemberRow],
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    now: datetime,
    since: datetime | None = None,
) -> list[Reminder]:
    """The reminders due at ``now`` (with ``since``: only steps that began after it).

    Units that reported the occurrence done are left out (for ongoing check-ins: units that
    reported anything on the period). Officers get every step; heads get the steps from
    ``policy.head_from_overdue`` on — and every step when their unit has no reachable officer,
    so that someone always hears. Inactive or unreachable members get nothing.
    """
    latest = {(r.occurrence_id, r.unit_id): r for r in reports}
    by_task: dict[int, dict[int, str]] = defaultdict(dict)
    for (task_id, unit_id), role in lead_wins(
        (a.task_id, a.unit_id, a.role) for a in assignments
    ).items():
        by_task[task_id][unit_id] = role
    officers, heads = hearers(members)

    result: list[Reminder] = []
    for occ in occurrences:
        units = by_task.get(occ.task_id)
        if not units:
            continue
        index, steps = current_steps(occ, policy, calendar, now)
        if index < 0:
            continue
        step = steps[index]
        if since is not None and step.moment <= since:
            continue
        for unit_id, role in units.items():
            report = latest.get((occ.id, unit_id))
            if report is not None and (report.status == ReportStatus.DONE.value or occ.due is None):
                continue
            recipients = policy.recipients(
                step.name, officers.get(unit_id, []), heads.get(unit_id, [])
            )
            for member, escalation in recipients:
                earlier = [
                    s.name for s in steps[:index] if not escalation or policy.heads_told(s.name)
                ]
                result.append(
                    Reminder(
                        key=reminder_key(occ.id, unit_id, member.id, occ.due, step.name),
                        occurrence_id=occ.id,
                        unit_id=unit_id,
                        member_id=member.id,
                        step=step.name,
                        moment=step.moment,
                        due=occ.due,
                        role=role,
                        escalation=escalation,
                        superseded=tuple(
                            (reminder_key(occ.id, unit_id, member.id, occ.due, name), name)
                            for name in earlier
                        ),
                    )
                )
    return result
