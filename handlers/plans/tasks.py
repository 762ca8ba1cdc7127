"""Single tasks and listings (*nhiệm vụ lẻ, danh sách*): a task written in a plan's prose
(``dondoc task add``), the date of a task that waits for an event (``task set-date``), and the
lists of plans and tasks with each one's next due date. Phrases and unit names are read
exactly as the plan importer (``handlers.plans``) reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.handlers.plans.importer import (
    TaskResult,
    interpret_row,
    materialise_until,
    next_due,
    unit_directory,
    write_tasks,
)
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.occurrences import sync_task_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Assignment, AssignmentRole, Occurrence, Plan, Task, Unit
from dondoc.storage.plan_tables import (
    PlanRow,
)


async def _plan(session: AsyncSession, code: str) -> Plan:
    plan = (await session.exec(select(Plan).where(Plan.code == code))).first()
    if plan is None:
        raise UserError("plan.unknown", code=code)
    return plan


def _next_ordinal(tasks: list[Task]) -> str:
    numbers = [int(t.ordinal) for t in tasks if re.fullmatch(r"\d+", t.ordinal or "")]
    keys = {t.key for t in tasks}
    candidate = max(max(numbers, default=0), len(tasks)) + 1
    while str(candidate) in keys:
        candidate += 1
    return str(candidate)


async def add_task(
    engine: AsyncEngine,
    *,
    plan_code: str,
    title: str,
    deadline: str,
    lead: str,
    cooperating: str = "",
    output: str = "",
    now: datetime,
    rules: DueRules,
    calendar: WorkingCalendar,
    actor: str = "cli",
) -> TaskResult:
    """Add one task written in prose to an existing plan (same phrase and unit reading)."""
    title = re.sub(r"\s+", " ", title or "").strip()
    if not title:
        raise UserError("task.title_empty")
    if not lead.strip():
        raise UserError("task.lead_empty")
    today = calendar.local_date(now)
    async with transaction(engine) as session:
        plan = await _plan(session, plan_code)
        tasks = list((await session.exec(select(Task).where(Task.plan_id == plan.id))).all())
        ordinal = _next_ordinal(tasks)
        row = PlanRow(
            position=len(tasks) + 1,
            section="",
            section_mark="",
            ordinal=ordinal,
            title=title,
            deadline=deadline.strip(),
            lead=lead,
            cooperating=cooperating,
            output=output.strip(),
            source="cli",
            key=ordinal,
        )
        directory = await unit_directory(session)
        result = interpret_row(row, directory, plan.year or today.year, None)
        result.next_due = next_due(result.schedule, plan.year, today, rules, calendar)
        await write_tasks(
            session,
            plan,
            [result],
            {},
            first_position=len(tasks) + 1,
            write=True,
            now=now,
            plan_year=plan.year,
            until=materialise_until(today, plan.year),
            rules=rules,
            calendar=calendar,
        )
        audit.record(
            session,
            now,
            "task.add",
            actor=actor,
            target=f"{plan.code}/{result.key}",
            details={"deadline": deadline, "kind": result.schedule.kind.value},
        )
        return result


async def _find_task(session: AsyncSession, plan: Plan, ref: str) -> Task:
    tasks = list((await session.exec(select(Task).where(Task.plan_id == plan.id))).all())
    ref = ref.strip()
    by_key = [t for t in tasks if t.key == ref]
    if by_key:
        return by_key[0]
    normal = re.sub(r"[.):]+$", "", ref)
    by_ordinal = [t for t in tasks if re.sub(r"[.):]+$", "", t.ordinal or "") == normal]
    if len(by_ordinal) == 1:
        return by_ordinal[0]
    if len(by_ordinal) > 1:
        raise UserError(
            "task.ambiguous", task=ref, plan=plan.code, keys=", ".join(t.key for t in by_ordinal)
        )
    raise UserError("task.unknown", task=ref, plan=plan.code)


@dataclass(frozen=True)
class DatedTask:
    plan_code: str
    key: str
    title: str
    due: date
    previous: date | None


async def set_event_date(
    engine: AsyncEngine,
    *,
    plan_code: str,
    task_ref: str,
    when: date,
    now: datetime,
    rules: DueRules,
    calendar: WorkingCalendar,
    actor: str = "cli",
) -> DatedTask:
    """Give an ``event`` task ("Sau khi ban hành …") its date; its one occurrence follows."""
    today = calendar.local_date(now)
    async with transaction(engine) as session:
        plan = await _plan(session, plan_code)
        task = await _find_task(session, plan, task_ref)
        schedule = Schedule.from_dict(task.schedule or {})
        if schedule.kind is not ScheduleKind.EVENT:
            raise UserError(
                "task.not_event", task=task.key, plan=plan.code, kind=schedule.kind.value
            )
        previous = schedule.due
        task.schedule = schedule.with_event_date(when).to_dict()
        task.updated_at = now
        session.add(task)
        await session.flush()
        await sync_task_occurrences(
            session,
            task,
            plan.year,
            max(materialise_until(today, plan.year), when),
            rules,
            calendar,
        )
        audit.record(
            session,
            now,
            "task.set_date",
            actor=actor,
            target=f"{plan.code}/{task.key}",
            details={
                "due": when.isoformat(),
                "previous": previous.isoformat() if previous else None,
            },
        )
        return DatedTask(plan.code, task.key, task.title, when, previous)


# -------------------------------------------------------------------------- listings


async def list_plans(engine: AsyncEngine, today: date) -> list[dict[str, Any]]:
    async with transaction(engine) as session:
        plans = (await session.exec(select(Plan).order_by(Plan.code))).all()
        counts = dict(
            (
                await session.exec(
                    select(Task.plan_id, func.count())
                    .where(Task.active == True)  # noqa: E712
                    .group_by(Task.plan_id)
                )
            ).all()
        )
        next_dues = dict(
            (
                await session.exec(
                    select(Task.plan_id, func.min(Occurrence.due))
                    .join(Occurrence, Occurrence.task_id == Task.id)  # type: ignore[arg-type]
                    .where(Task.active == True, Occurrence.due >= today)  # type: ignore[operator]  # noqa: E712
                    .group_by(Task.plan_id)
                )
            ).all()
        )
        return [
            {
                "code": p.code,
                "title": p.title,
                "year": p.year,
                "tasks": int(counts.get(p.id, 0)),
                "next_due": next_dues[p.id].isoformat() if next_dues.get(p.id) else None,
            }
            for p in plans
        ]


async def list_tasks(
    engine: AsyncEngine, today: date, *, plan_code: str | None = None, unit_code: str | None = None
) -> list[dict[str, Any]]:
    """Active tasks (of one plan, or naming one unit), each with its next occurrence."""
    async with transaction(engine) as session:
        query = select(Task, Plan).join(Plan, Plan.id == Task.plan_id).where(Task.active == True)  # type: ignore[arg-type]  # noqa: E712
        if plan_code:
            plan = await _plan(session, plan_code)
            query = query.where(Task.plan_id == plan.id)
        if unit_code:
            unit = (await session.exec(select(Unit).where(Unit.code == unit_code))).first()
            if unit is None:
                raise UserError("units.unknown_code", code=unit_code)
            named = select(Assignment.task_id).where(Assignment.unit_id == unit.id)
            query = query.where(Task.id.in_(named))  # type: ignore[union-attr]
        rows = (await session.exec(query.order_by(Plan.code, Task.position))).all()
        task_ids = [t.id for t, _ in rows]
        units = {u.id: u.code for u in (await session.exec(select(Unit))).all()}
        assignments: dict[int, list[Assignment]] = {}
        occurrences: dict[int, list[Occurrence]] = {}
        if task_ids:
            for a in (
                await session.exec(select(Assignment).where(Assignment.task_id.in_(task_ids)))  # type: ignore[attr-defined]
            ).all():
                assignments.setdefault(a.task_id, []).append(a)
            for o in (
                await session.exec(select(Occurrence).where(Occurrence.task_id.in_(task_ids)))  # type: ignore[attr-defined]
            ).all():
                occurrences.setdefault(o.task_id, []).append(o)
        result = []
        for task, plan in rows:
            occs = occurrences.get(task.id or 0, [])
            upcoming = sorted((o for o in occs if o.due and o.due >= today), key=lambda o: o.due)  # type: ignore[arg-type,return-value]
            current = [o for o in occs if o.due is None and o.start <= today]
            nxt = (
                upcoming[0]
                if upcoming
                else (max(current, key=lambda o: o.start) if current else None)
            )

            def mention(a: Assignment) -> dict[str, Any]:
                return {"name": a.name_as_written, "unit_code": units.get(a.unit_id)}

            mine = assignments.get(task.id or 0, [])
            result.append(
                {
                    "plan": plan.code,
                    "key": task.key,
                    "ordinal": task.ordinal,
                    "section": task.section,
                    "title": task.title,
                    "deadline_text": task.deadline_text,
                    "kind": task.schedule_kind,
                    "next_period": nxt.period if nxt else None,
                    "next_due": nxt.due.isoformat() if nxt and nxt.due else None,
                    "lead": [mention(a) for a in mine if a.role == AssignmentRole.LEAD.value],
                    "cooperating": [
                        mention(a) for a in mine if a.role == AssignmentRole.COOPERATING.value
                    ],
                }
            )
        return result
