"""Saving a proposal (*lưu kế hoạch*): the plan and its tasks written through
``storage.plans``, occurrences computed by the scheduler, all in the caller's transaction.

A re-import updates tasks by key and keeps their reports; it stops following the tasks the file
no longer gives — except those added by hand (``dondoc task add``), which it never drops. A
date the coordinator set for an event task survives a re-import of the same phrase. A dry run
compares and writes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dondoc.handlers.plans.proposal import ImportReport, TaskResult, materialise_until
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.occurrences import specs_for, sync_task_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage import audit
from dondoc.storage.models import AssignmentRole, Plan, Task
from dondoc.storage.plans import (
    Link,
    Session,
    TaskWrite,
    deactivate,
    plan_tasks,
    save_plan,
    unit_ids,
    write_tasks,
)

MANUAL = "manual"


def links(result: TaskResult, ids: dict[str, int]) -> list[Link]:
    lead = AssignmentRole.LEAD.value
    coop = AssignmentRole.COOPERATING.value
    return [(lead, ids.get(m.unit_code or ""), m.name[:500]) for m in result.lead] + [
        (coop, ids.get(m.unit_code or ""), m.name[:500]) for m in result.cooperating
    ]


def fields(result: TaskResult, position: int) -> dict[str, Any]:
    return {
        "section": result.section[:500],
        "ordinal": result.ordinal[:32],
        "position": position,
        "title": result.title,
        "expected_output": result.output,
        "deadline_text": result.deadline_text,
        "schedule_kind": result.schedule.kind.value,
        "schedule": result.schedule.to_dict(),
        "quote": result.quote,
        "source": result.source[:64],
        "origin": result.origin,
        "active": True,
    }


def keep_event_date(result: TaskResult, task: Task | None) -> None:
    """A date the coordinator set for an event survives a re-import of the same phrase."""
    if task is None:
        return
    old = Schedule.from_dict(task.schedule or {})
    if old.kind is ScheduleKind.EVENT and result.schedule.kind is ScheduleKind.EVENT:
        if old.due is not None and result.schedule.due is None:
            result.schedule = result.schedule.with_event_date(old.due)


async def write_results(
    session: Session,
    plan: Plan | None,
    results: list[TaskResult],
    existing: dict[str, Task],
    *,
    first_position: int,
    write: bool,
    now: datetime,
    plan_year: int | None,
    until: date,
    rules: DueRules,
    calendar: WorkingCalendar,
) -> None:
    """Write (or, with ``write`` False, compare) ``results``; sets each one's change."""
    ids = await unit_ids(session)
    writes = []
    for position, result in enumerate(results, start=first_position):
        keep_event_date(result, existing.get(result.key))
        writes.append(TaskWrite(result.key, fields(result, position), links(result, ids)))

    def materialise(task: Task) -> list[tuple[str, date, date | None]]:
        return [
            (s.period, s.start, s.due) for s in specs_for(task, plan_year, until, rules, calendar)
        ]

    async def resync(task: Task) -> None:
        await sync_task_occurrences(session, task, plan_year, until, rules, calendar)

    await write_tasks(
        session,
        plan,
        writes,
        existing,
        write=write,
        now=now,
        materialise=materialise,
        resync=resync,
    )
    for result, item in zip(results, writes, strict=True):
        result.change, result.changed_fields = item.change, item.changed_fields


async def save_report(
    session: Session,
    report: ImportReport,
    plan: Plan | None,
    *,
    now: datetime,
    rules: DueRules,
    calendar: WorkingCalendar,
    actor: str,
    today: date,
) -> None:
    """Compare ``report`` with what is stored and, unless it is a dry run, write it."""
    existing: dict[str, Task] = {}
    if plan is not None:
        existing = {t.key: t for t in await plan_tasks(session, plan.id)}  # type: ignore[arg-type]
    given = {r.key for r in report.tasks}
    gone = sorted(
        (t for k, t in existing.items() if t.active and k not in given),
        key=lambda t: t.position,
    )
    report.removed = [t.key for t in gone if t.origin != MANUAL]
    report.kept_manual = [t.key for t in gone if t.origin == MANUAL]
    until = materialise_until(today, report.year)
    common = {
        "now": now,
        "plan_year": report.year,
        "until": until,
        "rules": rules,
        "calendar": calendar,
    }
    if report.dry_run:
        await write_results(
            session, plan, report.tasks, existing, first_position=1, write=False, **common
        )
        return
    plan = await save_plan(
        session,
        plan,
        code=report.plan_code,
        title=report.plan_title,
        year=report.year,
        issued=report.issued,
        issuer=report.issuer,
        now=now,
    )
    await write_results(
        session, plan, report.tasks, existing, first_position=1, write=True, **common
    )
    manual = [existing[k] for k in report.kept_manual]
    for offset, task in enumerate(manual, start=len(report.tasks) + 1):
        task.position = offset  # hand-added tasks stay, after the plan's own

    async def resync(task: Task) -> None:
        await sync_task_occurrences(session, task, report.year, until, rules, calendar)

    await deactivate(session, [existing[k] for k in report.removed], now, resync)
    audit.record(
        session,
        now,
        "plan.import",
        actor=actor,
        target=report.plan_code,
        details={
            "file": report.file,
            "created": report.count("created"),
            "updated": report.count("updated"),
            "unchanged": report.count("unchanged"),
            "removed": report.removed,
            "kept_manual": report.kept_manual,
        },
    )
