"""Queueing reminders (*xếp hàng tin nhắc*): the database side of the planner.

``plan_tick`` loads only occurrences near ``now`` (by due date, which is indexed), asks the
pure ``scheduler.planner.plan`` what is due, drops keys already in ``ReminderLog``, groups what
remains into ONE message per recipient, and writes ``ReminderLog`` + ``Outbox`` rows in the
caller's transaction. With ``since`` (the previous tick), only due dates with a step moment in
(since, now] are looked at, so a tick with nothing new costs almost nothing. ``nudge`` is the
coordinator's manual reminder (*nhắc thủ công*, /nhac) with the same wording, through the
outbox, audited.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, insert, or_, select, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from scheduler import outbox
from scheduler.calendar import WorkingCalendar
from scheduler.messages import ItemView, reminder_message
from scheduler.outgoing import OutgoingMessage
from scheduler.planner import (
    AssignmentRow,
    MemberRow,
    OccurrenceRow,
    Reminder,
    ReportRow,
    checkin_step,
    plan,
    steps_for_due,
)
from scheduler.policy import (
    ReminderPolicy,
)
from storage.models import (
    Assignment,
    Member,
    Occurrence,
    Outbox,
    Plan,
    ReminderLog,
    Report,
    Role,
    Task,
    Unit,
)

# --------------------------------------------------------------------------- database part


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
    latest: dict[tuple[int, int], ReportRow] = {}
    for part in outbox.chunked(occ_ids):
        reports = await session.exec(
            select(Report.occurrence_id, Report.unit_id, Report.status, Report.percent, Report.note)
            .where(col(Report.occurrence_id).in_(part), *_among(Report.unit_id, units))
            .order_by(col(Report.created_at), col(Report.id))
        )
        for occ_id, unit_id, status, percent, note in reports.all():
            latest[(occ_id, unit_id)] = ReportRow(occ_id, unit_id, status, percent, note or "")
        logged = await session.exec(
            select(ReminderLog.key).where(
                col(ReminderLog.occurrence_id).in_(part), *_among(ReminderLog.unit_id, units)
            )
        )
        inputs.logged.update(logged.scalars().all())
    inputs.reports = list(latest.values())
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
                col(Member.role).in_([Role.OFFICER.value, Role.HEAD.value]),
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


@dataclass
class PlannedMessage:
    """One grouped message for one recipient (what ``dondoc remind --dry-run`` shows)."""

    member_id: int
    outbox_key: str
    reminders: list[Reminder]
    message_text: str
    language: str
    unit_code: str


@dataclass
class TickPlan:
    messages: list[PlannedMessage]
    inputs: PlanInputs
    skipped_steps: int = 0

    @property
    def reminders(self) -> list[Reminder]:
        return [r for m in self.messages for r in m.reminders]


def _outbox_key(prefix: str, member_id: int, keys: Sequence[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]
    return f"{prefix}:{member_id}:{digest}"


def _item(
    inputs: PlanInputs,
    r: Reminder,
    occ: OccurrenceRow,
    reports: dict[tuple[int, int], ReportRow],
) -> ItemView:
    title, plan_code = inputs.tasks.get(occ.task_id, ("", ""))
    report = reports.get((r.occurrence_id, r.unit_id))
    return ItemView(
        title=title,
        plan_code=plan_code,
        period=occ.period,
        due=occ.due,
        step=r.step,
        role=r.role,
        status=report.status if report else None,
        percent=report.percent if report else None,
        note=report.note if report else "",
    )


def group_messages(
    inputs: PlanInputs,
    reminders: Iterable[Reminder],
    *,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    prefix: str = "remind",
    manual: bool = False,
) -> list[PlannedMessage]:
    """One message per recipient listing all their reminders (escalations apart)."""
    occs = {o.id: o for o in inputs.occurrences}
    members = {m.id: m for m in inputs.members}
    grouped: dict[tuple[int, bool], list[Reminder]] = defaultdict(list)
    for r in reminders:
        grouped[(r.member_id, r.escalation)].append(r)
    today = calendar.local_date(now)
    reports = {(p.occurrence_id, p.unit_id): p for p in inputs.reports}
    messages: list[PlannedMessage] = []
    for (member_id, escalation), items in sorted(grouped.items()):
        member = members[member_id]
        unit_code, unit_name = inputs.units.get(member.unit_id, ("", ""))
        views = [_item(inputs, r, occs[r.occurrence_id], reports) for r in items]
        text = reminder_message(
            language=member.language,
            member_name=inputs.names.get(member_id, ""),
            unit_name=unit_name,
            items=views,
            escalation=escalation,
            today=today,
            calendar=calendar,
            policy=policy,
            manual=manual,
        ).text
        messages.append(
            PlannedMessage(
                member_id=member_id,
                outbox_key=_outbox_key(prefix, member_id, [r.key for r in items]),
                reminders=items,
                message_text=text,
                language=member.language,
                unit_code=unit_code,
            )
        )
    return messages


async def compute_tick(
    session: AsyncSession,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    since: datetime | None = None,
    scope: tuple[object, Collection[int]] | None = None,
) -> TickPlan:
    """What a tick at ``now`` would queue (nothing is written); with ``scope`` (the
    ``occurrence_filter`` of the wave, unit ids), only for those units (a slice of a wave).

    Nothing outside working hours: reminders are composed when they can go out, so that
    "còn 3 ngày làm việc" is true when read.
    """
    if not calendar.is_allowed(now):
        return TickPlan([], PlanInputs())
    if scope is not None:
        inputs = await load_inputs(session, scope[0], scope[1])
    else:
        condition = occurrence_filter(now, policy, calendar, since)
        if condition is None:
            return TickPlan([], PlanInputs())
        inputs = await load_inputs(session, condition)
    if not inputs.occurrences:
        return TickPlan([], inputs)
    due = plan(
        inputs.occurrences,
        inputs.assignments,
        inputs.reports,
        inputs.members,
        policy,
        calendar,
        now,
        since,
    )
    fresh = [r for r in due if r.key not in inputs.logged]
    return TickPlan(
        group_messages(inputs, fresh, now=now, calendar=calendar, policy=policy), inputs
    )


async def _supersede_pending(
    session: AsyncSession, superseded_keys: set[str], member_ids: set[int]
) -> None:
    """Skip queued-but-unsent reminder messages whose every item a newer step replaces."""
    if not superseded_keys:
        return
    pending_ids: list[int] = []
    for part in outbox.chunked(sorted(member_ids)):
        pending = await session.exec(
            select(Outbox.id).where(
                Outbox.status == outbox.PENDING,
                Outbox.kind == "reminder",
                col(Outbox.member_id).in_(part),
            )
        )
        pending_ids += list(pending.scalars().all())
    if not pending_ids:
        return
    logs = await session.exec(
        select(ReminderLog.outbox_id, ReminderLog.key).where(
            col(ReminderLog.outbox_id).in_(pending_ids)
        )
    )
    keys_by_row: dict[int, set[str]] = defaultdict(set)
    for row_id, key in logs.all():
        keys_by_row[row_id].add(key)
    stale = [row_id for row_id, keys in keys_by_row.items() if keys <= superseded_keys]
    if stale:
        await outbox.skip_pending(session, row_ids=stale, reason="superseded by a later step")
        await session.exec(
            update(ReminderLog)
            .where(col(ReminderLog.outbox_id).in_(stale))
            .values(status="skipped")
            .execution_options(synchronize_session=False)
        )


async def write_tick(
    session: AsyncSession, tick: TickPlan, *, now: datetime, kind: str = "reminder"
) -> int:
    """Queue the tick's messages and log every step (skipped ones too); returns messages queued."""
    if not tick.messages:
        return 0
    member_ids = sorted({m.member_id for m in tick.messages})
    chats: dict[int, tuple[int, str, str, str]] = {}
    for part in outbox.chunked(member_ids):
        found = await session.exec(
            select(Member.id, Member.channel, Member.chat_id, Member.language).where(
                col(Member.id).in_(part)
            )
        )
        chats.update({row[0]: tuple(row) for row in found.all()})  # type: ignore[misc]
    envelopes = [
        outbox.Envelope(
            key=planned.outbox_key,
            kind=kind,
            chat=chats[planned.member_id],
            message=OutgoingMessage(planned.message_text),
            extra={"reminders": [r.key for r in planned.reminders]},
        )
        for planned in tick.messages
        if planned.member_id in chats
    ]
    ids = await outbox.enqueue_many(session, envelopes, now=now)
    log_rows: list[dict[str, object]] = []
    superseded: set[str] = set()
    for planned in tick.messages:
        row_id = ids.get(planned.outbox_key)
        if row_id is None:
            continue
        for r in planned.reminders:
            log_rows.append(_log(r.key, r, r.step, "queued", row_id, now))
            for key, step in r.superseded:
                if key not in tick.inputs.logged and key not in superseded:
                    superseded.add(key)
                    log_rows.append(_log(key, r, step, "skipped", None, now))
            superseded.update(k for k, _s in r.superseded)
    await _supersede_pending(session, superseded, set(member_ids))
    connection = await session.connection()
    table = ReminderLog.__table__  # type: ignore[attr-defined]
    for part in outbox.chunked(log_rows, 2000):  # Core executemany: one round trip per chunk
        await connection.execute(insert(table), list(part))
    tick.skipped_steps = sum(1 for r in log_rows if r["status"] == "skipped")
    return len(ids)


def _log(
    key: str, r: Reminder, step: str, status: str, outbox_id: int | None, now: datetime
) -> dict[str, object]:
    return {
        "key": key,
        "occurrence_id": r.occurrence_id,
        "unit_id": r.unit_id,
        "member_id": r.member_id,
        "step": step,
        "status": status,
        "outbox_id": outbox_id,
        "created_at": now,
    }


async def plan_tick(
    session: AsyncSession,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    since: datetime | None = None,
) -> TickPlan:
    """Compute and queue the reminders due at ``now``; the caller commits."""
    tick = await compute_tick(session, now=now, calendar=calendar, policy=policy, since=since)
    await write_tick(session, tick, now=now)
    return tick
