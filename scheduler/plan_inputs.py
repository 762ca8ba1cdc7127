"""What the planner reads (*dữ liệu lập nhắc*): the occurrences near ``now`` and, for them,
assignments, latest reports, members, unit names and the steps already logged.

``occurrence_filter`` is the SQL condition of a tick: due dates in the window around ``now``
(by the due-date index) or, with ``since`` (the previous pass), only those with a step moment
in (since, now], so that a tick with nothing new costs almost nothing; ongoing tasks by their
period's start. ``load_inputs`` reads everything for the occurrences matching it — for a slice
of a planning wave (``scheduler.waves``) starting from the slice's units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler import outbox
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.planner import (
    AssignmentRow,
    MemberRow,
    OccurrenceRow,
    ReportRow,
    checkin_step,
    steps_for_due,
)
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.storage.assignments import latest_reports
from dondoc.storage.models import (
    REMINDED_ROLES,
    Assignment,
    Member,
    Occurrence,
    Plan,
    ReminderLog,
    Task,
    Unit,
)


def candidate_due_dates(
    now: datetime, policy: ReminderPolicy, calendar: WorkingCalendar, since: datetime | None
) -> tuple[date, date, list[date] | None]:
    """The due-date window near ``now`` and, with ``since``, the dates in it with a step
    moment in (since, now] (None: the whole window)."""
    today = calendar.local_date(now)
    first = calendar.add_working_days(today, -(policy.horizon_after + 1)) - timedelta(days=1)
    last = calendar.add_working_days(today, policy.horizon_before + 1)
    if since is None:
        return first, last, None
    dates: list[date] = []
    day = first
    while day <= last:
        if any(since < s.moment <= now for s in steps_for_due(day, policy, calendar)):
            dates.append(day)
        day += timedelta(days=1)
    return first, last, dates


def _ongoing_starts(
    now: datetime, policy: ReminderPolicy, calendar: WorkingCalendar, since: datetime | None
) -> list[date]:
    """Period starts (first days of months) of ongoing occurrences whose check-in is current."""
    today = calendar.local_date(now)
    starts: list[date] = []
    year, month = today.year, today.month
    for _back in range(4):
        start = date(year, month, 1)
        for label in (f"{year}-{month:02d}", f"{year}-Q{(month - 1) // 3 + 1}"):
            if label.endswith(("Q1", "Q2", "Q3", "Q4")) and (month - 1) % 3:
                continue
            step = checkin_step(OccurrenceRow(0, 0, label, start, None), policy, calendar)
            if step is None or not step.moment <= now < step.expires:
                continue
            if since is not None and step.moment <= since:
                continue
            starts.append(start)
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return sorted(set(starts))


@dataclass
class PlanInputs:
    occurrences: list[OccurrenceRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)
    reports: list[ReportRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    tasks: dict[int, tuple[str, str]] = field(default_factory=dict)  # task → (title, plan code)
    units: dict[int, tuple[str, str]] = field(default_factory=dict)  # unit → (code, name)
    names: dict[int, str] = field(default_factory=dict)  # member → display name
    logged: set[str] = field(default_factory=set)


_OCCURRENCE_COLUMNS = (
    Occurrence.id,
    Occurrence.task_id,
    Occurrence.period,
    Occurrence.start,
    Occurrence.due,
    Task.title,
    Plan.code,
)
Found = tuple[int, int, str, date, date | None, str, str, int | None, str | None]
"""(occurrence, task, period, start, due, title, plan code, assigned active unit, role)."""


async def _occurrences_first(session: AsyncSession, condition: object) -> list[Found]:
    """Occurrences matching ``condition`` (by the due-date index), each with its active
    units (None, None when it has none)."""
    rows = await session.exec(
        select(*_OCCURRENCE_COLUMNS, Unit.id, Assignment.role)
        .join(Task, Task.id == Occurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(Assignment, Assignment.task_id == Occurrence.task_id)
        .outerjoin(Unit, and_(Unit.id == Assignment.unit_id, col(Unit.active).is_(True)))
        .where(condition, col(Task.active).is_(True))  # type: ignore[arg-type]
    )
    return [(*row[:7], row[7], row[8] if row[7] is not None else None) for row in rows.all()]


async def _units_first(
    session: AsyncSession, condition: object, units: Collection[int]
) -> list[Found]:
    """The occurrences matching ``condition`` of active tasks assigned to ``units``, each
    with those of ``units`` (active ones) it is assigned to: cost grows with the units."""
    wanted = sorted(units)
    rows = await session.exec(
        select(*_OCCURRENCE_COLUMNS)
        .join(Task, Task.id == Occurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            condition,  # type: ignore[arg-type]
            col(Task.active).is_(True),
            col(Occurrence.task_id).in_(
                select(Assignment.task_id).where(col(Assignment.unit_id).in_(wanted))
            ),
        )
    )
    occurrences = rows.all()
    roles: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for part in outbox.chunked(sorted({row[1] for row in occurrences})):
        assigned = await session.exec(
            select(Assignment.task_id, Assignment.unit_id, Assignment.role)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(
                col(Assignment.task_id).in_(part),
                col(Assignment.unit_id).in_(wanted),
                col(Unit.active).is_(True),
            )
        )
        for task_id, unit_id, role in assigned.all():
            roles[task_id].append((unit_id, role))
    found: list[Found] = []
    for row in occurrences:
        found += [(*row, unit_id, role) for unit_id, role in roles.get(row[1], [(None, None)])]
    return found


async def load_inputs(
    session: AsyncSession,
    occurrence_filter: object,
    units: Collection[int] | None = None,
) -> PlanInputs:
    """Load what the planner needs for the occurrences matching ``occurrence_filter``
    (with ``units``: only for those units, and only their occurrences).

    The occurrences and their assigned active units are found first — from the units' own
    assignments for a slice of a wave, so that a slice costs what is in it, not what is in
    the whole window; the rest (reports, members, unit names, logged keys) goes by the ids
    found.
    """
    inputs = PlanInputs()
    if units is None:
        found = await _occurrences_first(session, occurrence_filter)
    else:
        found = await _units_first(session, occurrence_filter, units)
    seen: set[int] = set()
    unit_ids: set[int] = set()
    for occ_id, task_id, period, start, due, title, code, unit_id, role in found:
        if occ_id not in seen:
            seen.add(occ_id)
            inputs.occurrences.append(OccurrenceRow(occ_id, task_id, period, start, due))
            inputs.tasks[task_id] = (title, code)
        if unit_id is not None:
            inputs.assignments.append(AssignmentRow(task_id, unit_id, role))
            unit_ids.add(unit_id)
    inputs.assignments = list(dict.fromkeys(inputs.assignments))  # a task's, once per occurrence
    if not inputs.occurrences:
        return inputs
    occ_ids = sorted(seen)
    in_units = sorted(unit_ids)
    latest = await latest_reports(session, occ_ids, units)
    inputs.reports = [
        ReportRow(r.occurrence_id, r.unit_id, r.status, r.percent, r.note) for r in latest.values()
    ]
    for part in outbox.chunked(occ_ids):
        logged = await session.exec(
            select(ReminderLog.key).where(
                col(ReminderLog.occurrence_id).in_(part), *_among(ReminderLog.unit_id, units)
            )
        )
        inputs.logged.update(logged.scalars().all())
    for part in outbox.chunked(in_units):
        members = await session.exec(
            select(
                Member.id,
                Member.unit_id,
                Member.role,
                Member.language,
                Member.reachable,
                Member.active,
                Member.display_name,
            ).where(
                col(Member.unit_id).in_(part),
                col(Member.role).in_(REMINDED_ROLES),
                col(Member.active).is_(True),
            )
        )
        for mid, unit_id, role, language, reachable, active, name in members.all():
            inputs.members.append(MemberRow(mid, unit_id, role, language, reachable, active))
            inputs.names[mid] = name or ""
        names = await session.exec(
            select(Unit.id, Unit.code, Unit.name).where(col(Unit.id).in_(part))
        )
        inputs.units.update({uid: (code, name) for uid, code, name in names.all()})
    return inputs


def _among(column: object, units: Collection[int] | None) -> list[object]:
    return [] if units is None else [col(column).in_(sorted(units))]  # type: ignore[call-overload]


def occurrence_filter(
    now: datetime, policy: ReminderPolicy, calendar: WorkingCalendar, since: datetime | None
) -> object | None:
    """The SQL condition on occurrences a tick at ``now`` looks at (None: nothing can be due)."""
    first, last, dates = candidate_due_dates(now, policy, calendar, since)
    parts = []
    if dates is None:
        parts.append(and_(col(Occurrence.due) >= first, col(Occurrence.due) <= last))
    elif dates:
        parts.append(col(Occurrence.due).in_(dates))
    if policy.ongoing_checkin:
        starts = _ongoing_starts(now, policy, calendar, since)
        if starts:
            parts.append(and_(col(Occurrence.due).is_(None), col(Occurrence.start).in_(starts)))
    if not parts:
        return None
    return or_(*parts) if len(parts) > 1 else parts[0]
