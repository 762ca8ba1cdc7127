"""Listings of plans and tasks (*danh sách kế hoạch, nhiệm vụ*): what ``dondoc plan list`` and
``dondoc tasks list`` show, as named dataclasses — each task with what is next for it (its next
due date, the current period of a task without one, or the last due date of a one-off task that
is past), its units and where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.models import Assignment, AssignmentRole, Occurrence, Plan, Task, Unit
from dondoc.storage.plans import CHUNK, require_plan


@dataclass(frozen=True)
class PlanLine:
    code: str
    title: str
    year: int | None
    tasks: int
    next_due: date | None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "year": self.year,
            "tasks": self.tasks,
            "next_due": self.next_due.isoformat() if self.next_due else None,
        }


@dataclass(frozen=True)
class Named:
    name: str
    unit_code: str | None


@dataclass(frozen=True)
class TaskLine:
    """One active task with what is next: its next due date (or current period without one),
    else the last due date it had (a one-off that is past)."""

    plan: str
    key: str
    ordinal: str
    section: str
    title: str
    deadline_text: str
    kind: str
    schedule: dict[str, Any]
    next_period: str | None
    next_due: date | None
    last_due: date | None
    lead: list[Named]
    cooperating: list[Named]
    origin: str

    def to_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "key": self.key,
            "ordinal": self.ordinal,
            "section": self.section,
            "title": self.title,
            "deadline_text": self.deadline_text,
            "kind": self.kind,
            "event_date": self.schedule.get("due") if self.kind == "event" else None,
            "next_period": self.next_period,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "last_due": self.last_due.isoformat() if self.last_due else None,
            "lead": [{"name": m.name, "unit_code": m.unit_code} for m in self.lead],
            "cooperating": [{"name": m.name, "unit_code": m.unit_code} for m in self.cooperating],
            "origin": self.origin,
        }


async def list_plans(session: AsyncSession, today: date) -> list[PlanLine]:
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
        PlanLine(p.code, p.title, p.year, int(counts.get(p.id, 0)), next_dues.get(p.id))
        for p in plans
    ]


async def list_tasks(
    session: AsyncSession,
    today: date,
    *,
    plan_code: str | None = None,
    unit_code: str | None = None,
) -> list[TaskLine]:
    """Active tasks (of one plan, or naming one unit), each with what is next."""
    query = select(Task, Plan).join(Plan, Plan.id == Task.plan_id).where(Task.active == True)  # type: ignore[arg-type]  # noqa: E712
    if plan_code:
        plan = await require_plan(session, plan_code)
        query = query.where(Task.plan_id == plan.id)
    if unit_code:
        unit = (await session.exec(select(Unit).where(Unit.code == unit_code))).first()
        if unit is None:
            raise UserError("units.unknown_code", code=unit_code)
        named = select(Assignment.task_id).where(Assignment.unit_id == unit.id)
        query = query.where(Task.id.in_(named))  # type: ignore[union-attr]
    rows = (await session.exec(query.order_by(Plan.code, Task.position))).all()
    task_ids = [t.id for t, _ in rows]
    codes = {u.id: u.code for u in (await session.exec(select(Unit))).all()}
    assignments: dict[int, list[Assignment]] = {}
    occurrences: dict[int, list[Occurrence]] = {}
    for start in range(0, len(task_ids), CHUNK):
        chunk = task_ids[start : start + CHUNK]
        for a in (
            await session.exec(select(Assignment).where(Assignment.task_id.in_(chunk)))
        ).all():  # type: ignore[attr-defined]
            assignments.setdefault(a.task_id, []).append(a)
        for o in (
            await session.exec(select(Occurrence).where(Occurrence.task_id.in_(chunk)))
        ).all():  # type: ignore[attr-defined]
            occurrences.setdefault(o.task_id, []).append(o)
    result = []
    for task, plan in rows:
        occs = occurrences.get(task.id or 0, [])
        upcoming = sorted((o for o in occs if o.due and o.due >= today), key=lambda o: o.due)  # type: ignore[arg-type,return-value]
        current = [o for o in occs if o.due is None and o.start <= today]
        past = sorted(o.due for o in occs if o.due and o.due < today)
        nxt = (
            upcoming[0] if upcoming else (max(current, key=lambda o: o.start) if current else None)
        )
        mine = assignments.get(task.id or 0, [])

        def named(role: str, mine: list[Assignment] = mine) -> list[Named]:
            return [Named(a.name_as_written, codes.get(a.unit_id)) for a in mine if a.role == role]

        result.append(
            TaskLine(
                plan=plan.code,
                key=task.key,
                ordinal=task.ordinal,
                section=task.section,
                title=task.title,
                deadline_text=task.deadline_text,
                kind=task.schedule_kind,
                schedule=dict(task.schedule or {}),
                next_period=nxt.period if nxt else None,
                next_due=nxt.due if nxt and nxt.due else None,
                last_due=past[-1] if past and nxt is None else None,
                lead=named(AssignmentRole.LEAD.value),
                cooperating=named(AssignmentRole.COOPERATING.value),
                origin=task.origin,
            )
        )
    return result
