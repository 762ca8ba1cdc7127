"""Plans and their tasks in the database (*kế hoạch, nhiệm vụ*): every read and write that the
plan import, ``task add``, ``task set-date`` and the listings need, so that ``handlers.plans``
holds no SQL. Occurrences are computed by the scheduler and handed in (``Materialise``).

Writes happen in the caller's transaction (``storage.db.transaction``): a failed import leaves
the database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.models import Assignment, Occurrence, Plan, Task, Unit

Engine: TypeAlias = AsyncEngine
Session: TypeAlias = AsyncSession
Link = tuple[str, int | None, str]  # (role, unit id or None, name as written)
# The occurrences a new task starts with: (period, start, due) from the scheduler.
Materialise = Callable[[Task], Iterable[tuple[str, date, date | None]]]
Resync = Callable[[Task], Awaitable[None]]
CHUNK = 500
# Fields a re-import updates without calling the task changed: its place in the list and the
# provenance of the words (a re-typed quote is not a new duty).
QUIET = ("position", "quote", "source", "origin")


@dataclass
class TaskWrite:
    """One task as the import wants it stored: its fields and its units."""

    key: str
    fields: dict[str, Any]
    links: list[Link]
    change: str = "created"  # set by ``write_tasks``: created | updated | unchanged
    changed_fields: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------- reading


async def active_units(session: AsyncSession) -> list[Unit]:
    return list((await session.exec(select(Unit).where(Unit.active == True))).all())  # noqa: E712


async def unit_ids(session: AsyncSession) -> dict[str, int]:
    units = (await session.exec(select(Unit))).all()
    return {u.code: u.id for u in units if u.id is not None}


async def find_plan(session: AsyncSession, code: str) -> Plan | None:
    return (await session.exec(select(Plan).where(Plan.code == code))).first()


async def require_plan(session: AsyncSession, code: str) -> Plan:
    plan = await find_plan(session, code)
    if plan is None:
        raise UserError("plan.unknown", code=code)
    return plan


async def plan_tasks(session: AsyncSession, plan_id: int) -> list[Task]:
    return list((await session.exec(select(Task).where(Task.plan_id == plan_id))).all())


async def links_of(session: AsyncSession, task_ids: list[int]) -> dict[int, list[Link]]:
    found: dict[int, list[Link]] = {}
    for start in range(0, len(task_ids), CHUNK):
        chunk = task_ids[start : start + CHUNK]
        rows = await session.exec(
            select(
                Assignment.task_id, Assignment.role, Assignment.unit_id, Assignment.name_as_written
            ).where(Assignment.task_id.in_(chunk))  # type: ignore[attr-defined]
        )
        for task_id, role, unit_id, name in rows.all():
            found.setdefault(task_id, []).append((role, unit_id, name))
    return found


async def find_task(session: AsyncSession, plan: Plan, ref: str) -> Task:
    """A task of ``plan`` by key, or by its ordinal as written when that names one task."""
    tasks = await plan_tasks(session, plan.id)  # type: ignore[arg-type]
    ref = ref.strip()
    by_key = [t for t in tasks if t.key == ref or t.key == f"§{ref}"]
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


# ------------------------------------------------------------------------------- writing


async def save_plan(
    session: AsyncSession,
    plan: Plan | None,
    *,
    code: str,
    title: str,
    year: int,
    issued: date | None,
    issuer: str,
    now: datetime,
) -> Plan:
    """Create the plan or update its heading; returns it with its id."""
    if plan is None:
        plan = Plan(
            code=code,
            title=title,
            year=year,
            issued_date=issued,
            issuer=issuer[:255],
            created_at=now,
            updated_at=now,
        )
    else:
        plan.title, plan.year, plan.updated_at = title, year, now
        plan.issued_date = issued or plan.issued_date
        plan.issuer = issuer[:255] or plan.issuer
    session.add(plan)
    await session.flush()
    return plan


def task_fields(task: Task) -> dict[str, Any]:
    """The stored fields an import compares (see ``TaskWrite.fields``)."""
    return {
        "section": task.section,
        "ordinal": task.ordinal,
        "position": task.position,
        "title": task.title,
        "expected_output": task.expected_output,
        "deadline_text": task.deadline_text,
        "schedule_kind": task.schedule_kind,
        "schedule": task.schedule,
        "quote": task.quote,
        "source": task.source,
        "origin": task.origin,
        "active": task.active,
    }


def _signature(fields: dict[str, Any], links: list[Link]) -> dict[str, Any]:
    """What a re-import compares (``schedule_kind`` follows ``schedule``)."""
    shown = {k: v for k, v in fields.items() if k != "schedule_kind"}
    shown["schedule"] = dict(shown["schedule"] or {})
    shown["units"] = sorted(links, key=lambda a: (a[0], a[1] or 0, a[2]))
    return shown


async def write_tasks(
    session: AsyncSession,
    plan: Plan | None,
    writes: list[TaskWrite],
    existing: dict[str, Task],
    *,
    write: bool,
    now: datetime,
    materialise: Materialise,
    resync: Resync,
) -> None:
    """Create or update the tasks of ``writes`` (each gets ``change``/``changed_fields``); with
    ``write`` False only compare. Assignments and new occurrences are inserted in bulk."""
    current = await links_of(session, [t.id for t in existing.values() if t.id is not None])
    created: list[tuple[Task, list[Link]]] = []
    relinked: list[tuple[Task, list[Link]]] = []
    changed_schedule: list[Task] = []
    for item in writes:
        task = existing.get(item.key)
        if task is None:
            item.change = "created"
            if write:
                task = Task(
                    plan_id=plan.id,  # type: ignore[union-attr,arg-type]
                    key=item.key,
                    created_at=now,
                    updated_at=now,
                    **item.fields,
                )
                session.add(task)
                created.append((task, item.links))
            continue
        before = _signature(task_fields(task), current.get(task.id or 0, []))
        after = _signature(item.fields, item.links)
        changed = [k for k in after if after[k] != before[k] and k not in QUIET]
        item.changed_fields = changed
        item.change = "updated" if changed else "unchanged"
        if not write or before == after:
            continue
        for name, value in item.fields.items():
            setattr(task, name, value)
        task.updated_at = now
        session.add(task)
        if "units" in changed:
            relinked.append((task, item.links))
        if "schedule" in changed or "active" in changed:
            changed_schedule.append(task)
    if not write:
        return
    await session.flush()
    connection = await session.connection()
    assignments = Assignment.__table__  # type: ignore[attr-defined]
    stale_ids = [t.id for t, _ in relinked]
    for start in range(0, len(stale_ids), CHUNK):
        chunk = stale_ids[start : start + CHUNK]
        await connection.execute(delete(assignments).where(assignments.c.task_id.in_(chunk)))
    link_rows = [
        {"task_id": t.id, "unit_id": unit_id, "role": role, "name_as_written": name}
        for t, links in created + relinked
        for role, unit_id, name in links
    ]
    if link_rows:
        await connection.execute(insert(assignments), link_rows)
    occurrence_rows = [
        {"task_id": t.id, "period": period, "start": start, "due": due}
        for t, _ in created
        for period, start, due in materialise(t)
    ]
    if occurrence_rows:
        await connection.execute(insert(Occurrence.__table__), occurrence_rows)  # type: ignore[attr-defined]
    for task in changed_schedule:
        await resync(task)


async def deactivate(
    session: AsyncSession, tasks: list[Task], now: datetime, resync: Resync
) -> None:
    """Stop following ``tasks`` (their reports stay)."""
    for task in tasks:
        task.active, task.updated_at = False, now
        session.add(task)
        await session.flush()
        await resync(task)


async def set_schedule(
    session: AsyncSession, task: Task, schedule: dict[str, Any], now: datetime
) -> None:
    task.schedule = schedule
    task.updated_at = now
    session.add(task)
    await session.flush()
