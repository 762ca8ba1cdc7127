"""Materialise occurrences (*kỳ báo cáo*): write the ``Occurrence`` rows a task's schedule yields.

Occurrences are derived from the schedule and the deployment's due rules; they are stored so
that the planner, ``/viec`` and summaries can query them by due date. ``sync_task_occurrences``
is idempotent: it inserts missing periods, updates due dates that changed (new due rules, a
re-imported schedule) and removes periods the schedule no longer yields unless a unit has
already reported on them (reports are never lost).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.schedules import DueRules, OccurrenceSpec, Schedule, ScheduleKind, occurrences
from dondoc.storage.models import Occurrence, Plan, Report, Task


def task_window(schedule: Schedule, plan_year: int | None, until: date) -> tuple[date, date]:
    """The dates whose occurrences a task should have: from its start (or its plan's year, or
    the year of ``until``) to ``until``. One-off dates are always included."""
    if schedule.kind in (ScheduleKind.ONCE, ScheduleKind.EVENT) and schedule.due:
        return min(schedule.due, until), max(schedule.due, until)
    first_year = schedule.start.year if schedule.start else (plan_year or until.year)
    first = schedule.start or date(first_year, 1, 1)
    ends = schedule.then.end if schedule.then is not None else schedule.end  # "then": goes on
    if schedule.then is not None and schedule.then.end is None:
        ends = None
    last = min(until, ends) if ends else until
    return first, max(first, last)


def specs_for(
    task: Task, plan_year: int | None, until: date, rules: DueRules, working: WorkingCalendar
) -> list[OccurrenceSpec]:
    schedule = Schedule.from_dict(task.schedule)
    first, last = task_window(schedule, plan_year, until)
    return occurrences(schedule, first, last, rules, working)


async def sync_task_occurrences(
    session: AsyncSession,
    task: Task,
    plan_year: int | None,
    until: date,
    rules: DueRules,
    working: WorkingCalendar,
) -> list[Occurrence]:
    """Bring the stored occurrences of ``task`` in line with its schedule up to ``until``."""
    wanted = (
        {s.period: s for s in specs_for(task, plan_year, until, rules, working)}
        if task.active
        else {}
    )
    existing = {
        o.period: o
        for o in (await session.exec(select(Occurrence).where(Occurrence.task_id == task.id))).all()
    }
    for period, spec in wanted.items():
        occ = existing.get(period)
        if occ is None:
            occ = Occurrence(task_id=task.id, period=period, start=spec.start, due=spec.due)
            session.add(occ)
            existing[period] = occ
        elif (occ.start, occ.due) != (spec.start, spec.due):
            occ.start, occ.due = spec.start, spec.due
            session.add(occ)
    stale = [o for p, o in existing.items() if p not in wanted and o.id is not None]
    # Stale periods beyond ``until`` of a recurring schedule are simply not materialised yet.
    stale = [o for o in stale if o.due is None or o.due <= until or not task.active]
    if stale:
        reported = set(
            (
                await session.exec(
                    select(Report.occurrence_id)
                    .where(Report.occurrence_id.in_([o.id for o in stale]))  # type: ignore[union-attr]
                    .group_by(Report.occurrence_id)
                )
            ).all()
        )
        removable = [o.id for o in stale if o.id not in reported]
        if removable:
            await session.exec(delete(Occurrence).where(Occurrence.id.in_(removable)))  # type: ignore[call-overload,union-attr]
            for period in [p for p, o in existing.items() if o.id in removable]:
                del existing[period]
    await session.flush()
    return sorted(existing.values(), key=lambda o: (o.due or o.start, o.period))


async def sync_all_occurrences(
    session: AsyncSession,
    until: date,
    rules: DueRules,
    working: WorkingCalendar,
    plan_id: int | None = None,
) -> int:
    """Materialise every active task (of one plan, or all) up to ``until``; returns the count
    of stored occurrences afterwards."""
    query = select(Task, Plan.year).join(Plan, Plan.id == Task.plan_id)  # type: ignore[arg-type]
    if plan_id is not None:
        query = query.where(Task.plan_id == plan_id)
    for task, plan_year in (await session.exec(query)).all():
        await sync_task_occurrences(session, task, plan_year, until, rules, working)
    count_query = select(func.count()).select_from(Occurrence)
    return int((await session.exec(count_query)).one())
