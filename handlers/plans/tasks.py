"""Single tasks and listings (*nhiệm vụ lẻ, danh sách*): a task written in a plan's prose added
by hand (``dondoc task add``), the date of a task that waits for an event (``task set-date``),
and the lists of plans and tasks with what is next for each. Phrases and unit names are read
exactly as the plan importer reads them; the database is reached through ``storage.plans``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from dondoc.handlers.plans.proposal import (
    TaskResult,
    interpret_row,
    materialise_until,
    next_due,
)
from dondoc.handlers.plans.saving import MANUAL, write_results
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.occurrences import sync_task_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Task
from dondoc.storage.plan_listings import PlanLine, TaskLine
from dondoc.storage.plan_listings import list_plans as stored_plans
from dondoc.storage.plan_listings import list_tasks as stored_tasks
from dondoc.storage.plan_tables import PlanRow
from dondoc.storage.plans import (
    Engine,
    active_units,
    find_task,
    plan_tasks,
    require_plan,
    set_schedule,
)
from dondoc.storage.unit_names import UnitDirectory


def _next_ordinal(tasks: list[Task]) -> str:
    numbers = [int(t.ordinal) for t in tasks if re.fullmatch(r"\d+", t.ordinal or "")]
    keys = {t.key for t in tasks}
    candidate = max(max(numbers, default=0), len(tasks)) + 1
    while str(candidate) in keys:
        candidate += 1
    return str(candidate)


async def add_task(
    engine: Engine,
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
    """Add one task written in prose to an existing plan (same phrase and unit reading); a
    re-import of the plan keeps it."""
    title = re.sub(r"\s+", " ", title or "").strip()
    if not title:
        raise UserError("task.title_empty")
    if not lead.strip():
        raise UserError("task.lead_empty")
    today = calendar.local_date(now)
    async with transaction(engine) as session:
        plan = await require_plan(session, plan_code)
        tasks = await plan_tasks(session, plan.id)  # type: ignore[arg-type]
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
            source="",
            key=ordinal,
        )
        directory = UnitDirectory.of(await active_units(session))
        result = interpret_row(row, directory, plan.year or today.year, None)
        result.origin = MANUAL
        result.quote = ""
        result.next_due = next_due(result.schedule, plan.year, today, rules, calendar)
        await write_results(
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


@dataclass(frozen=True)
class DatedTask:
    plan_code: str
    key: str
    title: str
    due: date  # the date as set
    previous: date | None
    working_due: date  # the day it is due once a day off moves it (``DueRules.shift``)


async def set_event_date(
    engine: Engine,
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
        plan = await require_plan(session, plan_code)
        task = await find_task(session, plan, task_ref)
        schedule = Schedule.from_dict(task.schedule or {})
        if schedule.kind is not ScheduleKind.EVENT:
            raise UserError(
                "task.not_event", task=task.key, plan=plan.code, kind=schedule.kind.value
            )
        previous = schedule.due
        await set_schedule(session, task, schedule.with_event_date(when).to_dict(), now)
        until = max(materialise_until(today, plan.year), when)
        occurrences = await sync_task_occurrences(session, task, plan.year, until, rules, calendar)
        working = next((o.due for o in occurrences if o.due is not None), when)
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
        return DatedTask(plan.code, task.key, task.title, when, previous, working)


# -------------------------------------------------------------------------- listings


async def list_plans(engine: Engine, today: date) -> list[PlanLine]:
    async with transaction(engine) as session:
        return await stored_plans(session, today)


async def list_tasks(
    engine: Engine, today: date, *, plan_code: str | None = None, unit_code: str | None = None
) -> list[TaskLine]:
    """Active tasks (of one plan, or naming one unit), each with what is next."""
    async with transaction(engine) as session:
        return await stored_tasks(session, today, plan_code=plan_code, unit_code=unit_code)
