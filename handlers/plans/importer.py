"""Plan import (*nhập kế hoạch*): a plan's appendix table becomes its tasks. Single tasks
and listings are in ``handlers.tasks``, which reads phrases and units the same way.

``import_plan`` turns every row of the table into a ``Task`` with its schedule (from the
deadline phrase, ``scheduler.phrases``), its ``Assignment`` rows (lead / cooperating units,
``storage.unit_names``) and its ``Occurrence`` rows (``scheduler.occurrences``), in one
transaction. Importing the same plan code again updates tasks by key, keeps their reports,
stops following tasks no longer in the table, and says what changed. ``dry_run`` reads and
interprets everything and writes nothing.

Results carry message keys (``Notice``), never sentences: the caller renders them in the
reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.occurrences import specs_for, sync_task_occurrences
from dondoc.scheduler.phrases import parse_deadline
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage import audit
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Assignment, AssignmentRole, Occurrence, Plan, Task, Unit
from dondoc.storage.plan_tables import (
    PlanRow,
    document_date,
    document_number,
    document_title,
    document_years,
    read_plan_file,
)
from dondoc.storage.unit_names import NamedUnits, UnitDirectory

HORIZON_DAYS = 396  # occurrences are materialised about 13 months ahead


@dataclass(frozen=True)
class Notice:
    """A warning about one task: a message key of ``locales/`` and its values."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitMention:
    """One unit a task names: the name as written and the unit's code (None: unresolved)."""

    name: str
    unit_code: str | None


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    """A schedule for JSON output: ``periods`` only where they matter (periodic)."""
    data = schedule.to_dict()
    if schedule.kind is not ScheduleKind.PERIODIC:
        data.pop("periods", None)
    return data


@dataclass
class TaskResult:
    key: str
    ordinal: str
    section: str
    title: str
    deadline_text: str
    schedule: Schedule
    lead: list[UnitMention]
    cooperating: list[UnitMention]
    output: str
    warnings: list[Notice]
    next_due: date | None = None
    change: str = "created"  # created | updated | unchanged
    changed_fields: list[str] = field(default_factory=list)

    def to_json(self, render: Any) -> dict[str, Any]:
        """The object of ``plan import --json`` (``render(notice)`` gives a warning's text)."""
        return {
            "ordinal": self.ordinal,
            "key": self.key,
            "section": self.section,
            "title": self.title,
            "deadline_text": self.deadline_text,
            "schedule": schedule_json(self.schedule),
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "lead": [{"name": m.name, "unit_code": m.unit_code} for m in self.lead],
            "cooperating": [{"name": m.name, "unit_code": m.unit_code} for m in self.cooperating],
            "output": self.output,
            "warnings": [render(n) for n in self.warnings],
            "change": self.change,
            "changed_fields": self.changed_fields,
        }


@dataclass
class ImportReport:
    file: str
    plan_code: str
    plan_title: str
    year: int
    last_year: int | None
    dry_run: bool
    plan_created: bool
    tasks: list[TaskResult]
    removed: list[str] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(1 for t in self.tasks if t.change == change)

    @property
    def warning_count(self) -> int:
        return sum(len(t.warnings) for t in self.tasks)


# --------------------------------------------------------------------- interpretation


async def unit_directory(session: AsyncSession) -> UnitDirectory:
    units = (await session.exec(select(Unit).where(Unit.active == True))).all()  # noqa: E712
    return UnitDirectory.of(units)


def _mentions(named: list[NamedUnits], notices: list[Notice]) -> list[UnitMention]:
    result: list[UnitMention] = []
    for item in named:
        if item.codes:
            result.extend(UnitMention(item.written, code) for code in item.codes)
            continue
        result.append(UnitMention(item.written, None))
        if item.ambiguous:
            notices.append(Notice("import.unit_ambiguous", {"name": item.written}))
        elif item.collective:
            notices.append(Notice("import.collective_empty", {"name": item.written}))
        else:
            notices.append(Notice("import.unit_unresolved", {"name": item.written}))
    return result


def interpret_units(
    directory: UnitDirectory, lead_text: str, cooperating_text: str, notices: list[Notice]
) -> tuple[list[UnitMention], list[UnitMention]]:
    """Lead and cooperating units of one task. A unit named by itself keeps the role it is
    named in; one reached only through a collective phrase ("Các cơ quan chuyên môn") of the
    other role is not assigned twice."""
    lead_named = directory.resolve_cell(lead_text)
    coop_named = directory.resolve_cell(cooperating_text)
    lead = _mentions(lead_named, notices)
    cooperating = _mentions(coop_named, notices)
    explicit_lead = {c for n in lead_named if not n.collective for c in n.codes}
    explicit_coop = {c for n in coop_named if not n.collective for c in n.codes}
    only_coop = explicit_coop - explicit_lead
    lead = _unique([m for m in lead if m.unit_code is None or m.unit_code not in only_coop])
    lead_codes = {m.unit_code for m in lead if m.unit_code}
    cooperating = _unique(
        [m for m in cooperating if m.unit_code is None or m.unit_code not in lead_codes]
    )
    if not lead_text.strip():
        notices.append(Notice("import.no_lead"))
    return lead, cooperating


def _unique(mentions: list[UnitMention]) -> list[UnitMention]:
    seen: set[str] = set()
    result = []
    for mention in mentions:
        marker = mention.unit_code or f"?{mention.name}"
        if marker not in seen:
            seen.add(marker)
            result.append(mention)
    return result


def interpret_row(
    row: PlanRow, directory: UnitDirectory, year: int, last_year: int | None
) -> TaskResult:
    notices: list[Notice] = [Notice(key) for key in row.notes]
    parsed = parse_deadline(row.deadline, year, last_year=last_year)
    notices.extend(Notice(w, {"phrase": row.deadline}) for w in parsed.warnings)
    lead, cooperating = interpret_units(directory, row.lead, row.cooperating, notices)
    if not row.title:
        notices.append(Notice("import.no_title"))
    return TaskResult(
        key=row.key,
        ordinal=row.ordinal,
        section=row.section,
        title=row.title,
        deadline_text=row.deadline,
        schedule=parsed.schedule,
        lead=lead,
        cooperating=cooperating,
        output=row.output,
        warnings=notices,
    )


RECURRING = (
    ScheduleKind.MONTHLY,
    ScheduleKind.QUARTERLY,
    ScheduleKind.PERIODIC,
    ScheduleKind.ANNUAL,
    ScheduleKind.ONGOING,
)


def from_issue(schedule: Schedule, issued: date | None, plan_year: int) -> Schedule:
    """A recurring task of a plan issued mid-year starts when the plan does: a plan signed on
    28/10 does not owe the reports of January to September. Only the default start (1 January
    of the plan's year) moves; a start the plan writes itself is kept."""
    if (
        issued is None
        or schedule.kind not in RECURRING
        or schedule.start != date(plan_year, 1, 1)
        or not schedule.start < issued <= (schedule.end or issued)
    ):
        return schedule
    return replace(schedule, start=issued)


def materialise_until(today: date, year: int | None) -> date:
    horizon = today + timedelta(days=HORIZON_DAYS)
    return max(horizon, date(year, 12, 31)) if year else horizon


def next_due(
    schedule: Schedule,
    plan_year: int | None,
    today: date,
    rules: DueRules,
    calendar: WorkingCalendar,
) -> date | None:
    """The first due date on or after ``today`` the schedule yields (None: none due)."""
    probe = Task(plan_id=0, key="", title="", schedule_kind=schedule.kind.value)
    probe.schedule = schedule.to_dict()
    probe.active = True
    until = materialise_until(today, plan_year)
    for spec in specs_for(probe, plan_year, until, rules, calendar):
        if spec.due is not None and spec.due >= today:
            return spec.due
    return None


# -------------------------------------------------------------------------- writing

Link = tuple[str, int | None, str]  # (role, unit id or None, name as written)


def _links(result: TaskResult, unit_ids: dict[str, int]) -> list[Link]:
    return [
        (AssignmentRole.LEAD.value, unit_ids.get(m.unit_code or ""), m.name[:500])
        for m in result.lead
    ] + [
        (AssignmentRole.COOPERATING.value, unit_ids.get(m.unit_code or ""), m.name[:500])
        for m in result.cooperating
    ]


def _fields(result: TaskResult, position: int) -> dict[str, Any]:
    return {
        "section": result.section[:500],
        "ordinal": result.ordinal[:32],
        "position": position,
        "title": result.title,
        "expected_output": result.output,
        "deadline_text": result.deadline_text,
        "schedule_kind": result.schedule.kind.value,
        "schedule": result.schedule.to_dict(),
        "active": True,
    }


def _signature(fields: dict[str, Any], links: list[Link]) -> dict[str, Any]:
    """What a re-import compares (``schedule_kind`` follows ``schedule``)."""
    shown = {k: v for k, v in fields.items() if k != "schedule_kind"}
    shown["schedule"] = dict(shown["schedule"] or {})
    shown["units"] = sorted(links, key=lambda a: (a[0], a[1] or 0, a[2]))
    return shown


def _task_fields(task: Task) -> dict[str, Any]:
    return {
        "section": task.section,
        "ordinal": task.ordinal,
        "position": task.position,
        "title": task.title,
        "expected_output": task.expected_output,
        "deadline_text": task.deadline_text,
        "schedule_kind": task.schedule_kind,
        "schedule": task.schedule,
        "active": task.active,
    }


async def _links_of(session: AsyncSession, task_ids: list[int]) -> dict[int, list[Link]]:
    found: dict[int, list[Link]] = {}
    for start in range(0, len(task_ids), 500):
        chunk = task_ids[start : start + 500]
        rows = await session.exec(
            select(
                Assignment.task_id, Assignment.role, Assignment.unit_id, Assignment.name_as_written
            ).where(Assignment.task_id.in_(chunk))  # type: ignore[attr-defined]
        )
        for task_id, role, unit_id, name in rows.all():
            found.setdefault(task_id, []).append((role, unit_id, name))
    return found


async def write_tasks(
    session: AsyncSession,
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
    """Create or update the tasks of ``results`` (set ``change``/``changed_fields``); with
    ``write`` False only compare. Assignments and new occurrences are inserted in bulk."""
    unit_ids = await _unit_ids(session)
    current = await _links_of(session, [t.id for t in existing.values() if t.id is not None])
    created: list[tuple[Task, list[Link]]] = []
    relinked: list[tuple[Task, list[Link]]] = []
    resync: list[Task] = []
    for position, result in enumerate(results, start=first_position):
        links = _links(result, unit_ids)
        task = existing.get(result.key)
        if task is None:
            result.change = "created"
            if write:
                task = Task(
                    plan_id=plan.id,  # type: ignore[union-attr,arg-type]
                    key=result.key,
                    created_at=now,
                    updated_at=now,
                    **_fields(result, position),
                )
                session.add(task)
                created.append((task, links))
            continue
        old = Schedule.from_dict(task.schedule or {})
        # A date the coordinator set for an event survives a re-import of the same phrase.
        if old.kind is ScheduleKind.EVENT and result.schedule.kind is ScheduleKind.EVENT:
            if old.due is not None and result.schedule.due is None:
                result.schedule = result.schedule.with_event_date(old.due)
        fields = _fields(result, position)
        before = _signature(_task_fields(task), current.get(task.id or 0, []))
        after = _signature(fields, links)
        changed = [k for k in after if after[k] != before[k] and k != "position"]
        result.changed_fields = changed
        result.change = "updated" if changed else "unchanged"
        if not write or before == after:
            continue
        for name, value in fields.items():
            setattr(task, name, value)
        task.updated_at = now
        session.add(task)
        if "units" in changed:
            relinked.append((task, links))
        if "schedule" in changed or "active" in changed:
            resync.append(task)
    if not write:
        return
    await session.flush()
    connection = await session.connection()
    assignments = Assignment.__table__  # type: ignore[attr-defined]
    stale_ids = [t.id for t, _ in relinked]
    for start in range(0, len(stale_ids), 500):
        await connection.execute(
            delete(assignments).where(assignments.c.task_id.in_(stale_ids[start : start + 500]))
        )
    link_rows = [
        {"task_id": t.id, "unit_id": unit_id, "role": role, "name_as_written": name}
        for t, links in created + relinked
        for role, unit_id, name in links
    ]
    if link_rows:
        await connection.execute(insert(assignments), link_rows)
    occurrence_rows = [
        {"task_id": t.id, "period": spec.period, "start": spec.start, "due": spec.due}
        for t, _ in created
        for spec in specs_for(t, plan_year, until, rules, calendar)
    ]
    if occurrence_rows:
        await connection.execute(insert(Occurrence.__table__), occurrence_rows)  # type: ignore[attr-defined]
    for task in resync:
        await sync_task_occurrences(session, task, plan_year, until, rules, calendar)


async def import_plan(
    engine: AsyncEngine,
    path: Path,
    *,
    code: str | None = None,
    title: str | None = None,
    year: int | None = None,
    dry_run: bool = False,
    now: datetime,
    rules: DueRules,
    calendar: WorkingCalendar,
    actor: str = "cli",
) -> ImportReport:
    """Read ``path`` and create or update the plan ``code`` from it, in one transaction."""
    table = read_plan_file(path)
    doc_year, doc_last = document_years(table.preamble)
    code = (code or document_number(table.preamble) or path.stem).strip()[:64]
    if not code:
        raise UserError("import.no_code", file=str(path))
    today = calendar.local_date(now)
    async with transaction(engine) as session:
        plan = (await session.exec(select(Plan).where(Plan.code == code))).first()
        plan_year = year or doc_year or (plan.year if plan else None)
        if plan_year is None:
            raise UserError("import.year_needed", file=str(path))
        last_year = doc_last if doc_last and doc_last > plan_year else None
        plan_title = (title or document_title(table.preamble) or path.stem)[:1000]
        directory = await unit_directory(session)
        issued = document_date(table.preamble)
        results = [interpret_row(row, directory, plan_year, last_year) for row in table.rows]
        for result in results:
            result.schedule = from_issue(result.schedule, issued, plan_year)
            result.next_due = next_due(result.schedule, plan_year, today, rules, calendar)
        report = ImportReport(
            file=str(path),
            plan_code=code,
            plan_title=plan_title,
            year=plan_year,
            last_year=last_year,
            dry_run=dry_run,
            plan_created=plan is None,
            tasks=results,
        )
        existing: dict[str, Task] = {}
        if plan is not None:
            tasks = (await session.exec(select(Task).where(Task.plan_id == plan.id))).all()
            existing = {t.key: t for t in tasks}
        report.removed = sorted(
            (k for k, t in existing.items() if t.active and k not in {r.key for r in results}),
            key=lambda k: existing[k].position,
        )
        until = materialise_until(today, plan_year)
        common = {
            "now": now,
            "plan_year": plan_year,
            "until": until,
            "rules": rules,
            "calendar": calendar,
        }
        if dry_run:
            await write_tasks(
                session, plan, results, existing, first_position=1, write=False, **common
            )
            return report
        if plan is None:
            plan = Plan(
                code=code,
                title=plan_title,
                year=plan_year,
                issued_date=issued,
                created_at=now,
                updated_at=now,
            )
            session.add(plan)
            await session.flush()
        else:
            plan.title, plan.year, plan.updated_at = plan_title, plan_year, now
            plan.issued_date = issued or plan.issued_date
            session.add(plan)
        await write_tasks(session, plan, results, existing, first_position=1, write=True, **common)
        for key in report.removed:
            task = existing[key]
            task.active, task.updated_at = False, now
            session.add(task)
            await session.flush()
            await sync_task_occurrences(session, task, plan_year, until, rules, calendar)
        audit.record(
            session,
            now,
            "plan.import",
            actor=actor,
            target=code,
            details={
                "file": str(path),
                "created": report.count("created"),
                "updated": report.count("updated"),
                "unchanged": report.count("unchanged"),
                "removed": report.removed,
            },
        )
        return report


async def _unit_ids(session: AsyncSession) -> dict[str, int]:
    return {u.code: u.id for u in (await session.exec(select(Unit))).all() if u.id is not None}
