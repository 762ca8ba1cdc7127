"""What the web desk reads beyond the summary (*hồ sơ đơn vị, hồ sơ nhiệm vụ*): every report of
a unit or a task with who wrote it (the history, not only the latest), the reminders a unit was
sent and whether they reached anyone, a task's words as the plan wrote them and where they come
from, and the lists the filters offer. Plain values (dataclasses), a few set-based statements.

The status categories are not decided here: the pages take them from
``storage.summary.compute_summary`` like every other view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from dondoc.storage.db import Session
from dondoc.storage.models import (
    Assignment,
    Member,
    Occurrence,
    Outbox,
    Plan,
    ReminderLog,
    Report,
    Task,
    Unit,
    UnitRef,
)
from dondoc.storage.summary_model import PlanRef

CHUNK = 500


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One report as written (the history keeps them all; the latest counts)."""

    id: int
    occurrence_id: int
    period: str
    due: date | None
    task_id: int
    task_key: str
    task_title: str
    unit: UnitRef
    status: str
    percent: int | None
    note: str
    created_at: datetime
    member_name: str
    source: str
    attachment_kind: str | None
    has_attachment: bool


async def reports_of(
    session: Session,
    occurrence_ids: Sequence[int],
    *,
    unit_id: int | None = None,
    limit: int = 1000,
) -> list[ReportLine]:
    """Every report on these occurrences (of one unit, when given), newest first."""
    lines: list[ReportLine] = []
    ids = sorted(set(occurrence_ids))
    for start in range(0, len(ids), CHUNK):
        query = (
            select(Report, Occurrence, Task, Unit, Member)
            .join(Occurrence, col(Occurrence.id) == Report.occurrence_id)
            .join(Task, col(Task.id) == Occurrence.task_id)
            .join(Unit, col(Unit.id) == Report.unit_id)
            .outerjoin(Member, col(Member.id) == Report.member_id)
            .where(col(Report.occurrence_id).in_(ids[start : start + CHUNK]))
        )
        if unit_id is not None:
            query = query.where(Report.unit_id == unit_id)
        for report, occ, task, unit, member in (await session.exec(query)).all():
            assert report.id is not None and occ.id is not None and task.id is not None
            lines.append(
                ReportLine(
                    report.id,
                    occ.id,
                    occ.period,
                    occ.due,
                    task.id,
                    task.key or task.ordinal,
                    task.title,
                    UnitRef.of(unit),
                    report.status,
                    report.percent,
                    report.note,
                    report.created_at,
                    _name(member),
                    report.source,
                    report.attachment_kind,
                    bool(report.attachment_ref),
                )
            )
    lines.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    return lines[:limit]


def _name(member: Member | None) -> str:
    if member is None:
        return ""
    return member.display_name or f"{member.channel}:{member.channel_user_id}"


@dataclass(frozen=True, slots=True)
class ReminderLine:
    """A reminder (or a coordinator's nudge) sent to a member of the unit, and its fate."""

    id: int
    created_at: datetime
    step: str
    occurrence_id: int
    period: str
    due: date | None
    task_id: int
    task_key: str
    task_title: str
    member_name: str
    channel: str
    delivery: str  # sent | pending | sending | failed | skipped | not_queued
    sent_at: datetime | None
    attempts: int
    error: str | None


async def reminders_of_unit(
    session: Session,
    unit_id: int,
    occurrence_ids: Sequence[int] | None = None,
    *,
    limit: int = 200,
) -> list[ReminderLine]:
    """The latest reminders of a unit (about these occurrences, when given), newest first."""
    query = (
        select(ReminderLog, Occurrence, Task, Member, Outbox)
        .join(Occurrence, col(Occurrence.id) == ReminderLog.occurrence_id)
        .join(Task, col(Task.id) == Occurrence.task_id)
        .join(Member, col(Member.id) == ReminderLog.member_id)
        .outerjoin(Outbox, col(Outbox.id) == ReminderLog.outbox_id)
        .where(ReminderLog.unit_id == unit_id, ReminderLog.status != "skipped")
        .order_by(col(ReminderLog.created_at).desc(), col(ReminderLog.id).desc())
        .limit(limit)
    )
    if occurrence_ids is not None:
        wanted = sorted(set(occurrence_ids))
        if not wanted:
            return []
        if len(wanted) <= CHUNK:
            query = query.where(col(ReminderLog.occurrence_id).in_(wanted))
        else:  # a very wide filter: read the unit's latest and keep those of the window
            query = query.limit(limit * 4)
    wanted_set = set(occurrence_ids) if occurrence_ids is not None else None
    lines: list[ReminderLine] = []
    for log, occ, task, member, out in (await session.exec(query)).all():
        if wanted_set is not None and log.occurrence_id not in wanted_set:
            continue
        assert log.id is not None and task.id is not None
        lines.append(
            ReminderLine(
                log.id,
                log.created_at,
                log.step,
                log.occurrence_id,
                occ.period,
                occ.due,
                task.id,
                task.key or task.ordinal,
                task.title,
                _name(member),
                member.channel,
                out.status if out is not None else "not_queued",
                out.sent_at if out is not None else None,
                out.attempts if out is not None else 0,
                out.last_error if out is not None else None,
            )
        )
    return lines[:limit]


@dataclass(frozen=True, slots=True)
class Mention:
    """A unit as the plan names it in a task."""

    role: str  # lead | cooperating
    name_as_written: str
    unit: UnitRef | None  # None: the name matched no unit of the registry


@dataclass(frozen=True)
class TaskSource:
    """A task with the plan's own words and where they come from."""

    id: int
    plan: PlanRef
    plan_issued: date | None
    key: str
    ordinal: str
    section: str
    title: str
    expected_output: str
    deadline_text: str
    schedule_kind: str
    schedule: dict[str, Any]
    active: bool
    mentions: list[Mention] = field(default_factory=list)
    quote: str = ""  # the plan's words the task was read from
    source: str = ""  # where they stand in the file ("p3 ¶12", "t1:5")
    origin: str = "plan"  # plan | manual


async def task_source(session: Session, task_id: int) -> TaskSource | None:
    """A task, its plan and the units it names (None when there is no such task)."""
    row = (
        await session.exec(
            select(Task, Plan).join(Plan, col(Plan.id) == Task.plan_id).where(Task.id == task_id)
        )
    ).first()
    if row is None:
        return None
    task, plan = row
    assert task.id is not None and plan.id is not None
    mentions = [
        Mention(a.role, a.name_as_written, UnitRef.of(u) if u is not None else None)
        for a, u in (
            await session.exec(
                select(Assignment, Unit)
                .outerjoin(Unit, col(Unit.id) == Assignment.unit_id)
                .where(Assignment.task_id == task_id)
                .order_by(col(Assignment.role).desc(), col(Assignment.id))
            )
        ).all()
    ]
    return TaskSource(
        task.id,
        PlanRef(plan.id, plan.code, plan.title, plan.issuer),
        plan.issued_date,
        task.key,
        task.ordinal,
        task.section,
        task.title,
        task.expected_output,
        task.deadline_text,
        task.schedule_kind,
        dict(task.schedule or {}),
        task.active,
        mentions,
        task.quote,
        task.source,
        task.origin,
    )


async def plans(session: Session) -> list[PlanRef]:
    """Every plan, by code (the plan filter)."""
    rows = (await session.exec(select(Plan).order_by(col(Plan.code)))).all()
    return [PlanRef(p.id, p.code, p.title, p.issuer) for p in rows if p.id is not None]


async def units(session: Session) -> list[UnitRef]:
    """Every active unit, by code (the unit filter, the move and invite forms)."""
    rows = (
        await session.exec(select(Unit).where(col(Unit.active).is_(True)).order_by(col(Unit.code)))
    ).all()
    return [UnitRef.of(u) for u in rows]


async def unit_by_id(session: Session, unit_id: int) -> UnitRef | None:
    unit = await session.get(Unit, unit_id)
    return UnitRef.of(unit) if unit is not None and unit.active else None


@dataclass(frozen=True, slots=True)
class EventTask:
    """A task that waits for an event (*khi có …*) and the date set for it, if any."""

    id: int
    plan_code: str
    key: str
    title: str
    deadline_text: str
    due: date | None


async def event_tasks(session: Session, plan_code: str | None = None) -> list[EventTask]:
    """Active tasks of the ``event`` kind (of one plan), by plan and position."""
    query = (
        select(Task, Plan)
        .join(Plan, col(Plan.id) == Task.plan_id)
        .where(Task.schedule_kind == "event", col(Task.active).is_(True))
        .order_by(col(Plan.code), col(Task.position))
    )
    if plan_code:
        query = query.where(Plan.code == plan_code)
    found = []
    for task, plan in (await session.exec(query)).all():
        assert task.id is not None
        due = (task.schedule or {}).get("due")
        found.append(
            EventTask(
                task.id,
                plan.code,
                task.key,
                task.title,
                task.deadline_text,
                date.fromisoformat(due) if isinstance(due, str) and due else None,
            )
        )
    return found
