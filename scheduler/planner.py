"""The reminder planner (*lập lịch nhắc việc*): which reminders are due, derived from data.

``plan`` is a pure function of (occurrences, assignments, reports, members, policy, calendar,
now): for every (occurrence, unit) not reported done and every recipient, the *current* step
— the latest step whose moment has come and whose successor has not — with a deterministic key
``rem:<occurrence>:<unit>:<member>:<due>:<step>``. Earlier steps never sent are returned as
``superseded``: after downtime only the latest step goes out, the others are logged skipped.

``plan_tick`` is the database side: it loads only occurrences near ``now`` (by due date, which
is indexed), drops keys already in ``ReminderLog``, groups what remains into ONE message per
recipient, and writes ``ReminderLog`` + ``Outbox`` rows in the caller's transaction. With
``since`` (the previous tick), only due dates with a step moment in (since, now] are looked at,
so a tick with nothing new costs almost nothing. ``nudge`` is the coordinator's manual reminder
(*nhắc thủ công*, /nhac) with the same wording, through the outbox, audited.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, insert, or_, select, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from scheduler import outbox
from scheduler.calendar import WorkingCalendar
from scheduler.messages import ItemView, reminder_message
from scheduler.outgoing import OutgoingMessage
from scheduler.policy import (
    CHECKIN_STEP,
    DUE_STEP,
    NUDGE_STEP,
    ReminderPolicy,
    before_step,
    overdue_step,
)
from storage import audit
from storage.errors import UserError
from storage.models import (
    Assignment,
    AssignmentRole,
    Member,
    Occurrence,
    Outbox,
    Plan,
    ReminderLog,
    Report,
    ReportStatus,
    Role,
    Task,
    Unit,
)

# --------------------------------------------------------------------------- pure part


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    id: int
    task_id: int
    period: str
    start: date
    due: date | None


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    task_id: int
    unit_id: int
    role: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The latest report of a unit on an occurrence."""

    occurrence_id: int
    unit_id: int
    status: str
    percent: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class MemberRow:
    id: int
    unit_id: int
    role: str
    language: str = "vi"
    reachable: bool = True
    active: bool = True


@dataclass(frozen=True, slots=True)
class Reminder:
    """One step due for one recipient about one (occurrence, unit)."""

    key: str
    occurrence_id: int
    unit_id: int
    member_id: int
    step: str
    moment: datetime
    due: date | None
    role: str
    escalation: bool
    superseded: tuple[tuple[str, str], ...] = ()  # (key, step) of earlier unsent steps


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    moment: datetime  # UTC, within quiet hours of a working day
    expires: datetime


def reminder_key(
    occurrence_id: int, unit_id: int, member_id: int, due: date | None, step: str
) -> str:
    anchor = due.isoformat() if due else "-"
    return f"rem:{occurrence_id}:{unit_id}:{member_id}:{anchor}:{step}"


def _moment(calendar: WorkingCalendar, day: date, policy: ReminderPolicy) -> datetime:
    return calendar.next_allowed(calendar.at(day, policy.remind_time))


@lru_cache(maxsize=4096)
def _steps_cached(due: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> tuple[Step, ...]:
    named: list[tuple[str, datetime]] = []
    for days in policy.before_sorted:
        named.append(
            (before_step(days), _moment(calendar, calendar.add_working_days(due, -days), policy))
        )
    if policy.on_due:
        named.append((DUE_STEP, _moment(calendar, due, policy)))
    last_day = due
    for index in range(1, policy.overdue_max + 1):
        last_day = calendar.add_working_days(due, policy.overdue_every * index)
        named.append((overdue_step(index), _moment(calendar, last_day, policy)))
    end = _moment(calendar, calendar.add_working_days(last_day, policy.overdue_every), policy)
    # Two steps that land on one moment (e.g. a due date on a Sunday): the later one wins.
    kept: list[tuple[str, datetime]] = []
    for name, moment in named:
        while kept and kept[-1][1] >= moment:
            kept.pop()
        kept.append((name, moment))
    steps = []
    for i, (name, moment) in enumerate(kept):
        expires = kept[i + 1][1] if i + 1 < len(kept) else max(end, moment + timedelta(minutes=1))
        steps.append(Step(name, moment, expires))
    return tuple(steps)


def steps_for_due(due: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> tuple[Step, ...]:
    """Every step of an occurrence due on ``due``, in order, with its moment and expiry."""
    return _steps_cached(due, policy, calendar)


def _period_end(occ: OccurrenceRow) -> date | None:
    """The first day after an ongoing occurrence's period (labels ``2024-Q3``/``2024-07``)."""
    label = occ.period
    try:
        if "-Q" in label:
            year, quarter = label.split("-Q")
            month = 3 * int(quarter) + 1
            return date(int(year) + (month > 12), (month - 1) % 12 + 1, 1)
        year, month = label.split("-")[:2]
        nxt = int(month) + 1
        return date(int(year) + (nxt > 12), (nxt - 1) % 12 + 1, 1)
    except ValueError:
        return None


def checkin_step(
    occ: OccurrenceRow, policy: ReminderPolicy, calendar: WorkingCalendar
) -> Step | None:
    """The check-in of an ongoing occurrence: ``checkin_day`` of its period's last month."""
    end = _period_end(occ)
    if end is None:
        return None
    last_month = end - timedelta(days=1)
    day = date(last_month.year, last_month.month, policy.checkin_day)
    moment = _moment(calendar, day, policy)
    expires = _moment(calendar, end, policy)
    return Step(CHECKIN_STEP, moment, max(expires, moment + timedelta(minutes=1)))


def current_steps(
    occ: OccurrenceRow, policy: ReminderPolicy, calendar: WorkingCalendar, now: datetime
) -> tuple[int, tuple[Step, ...]]:
    """(index of the current step or -1, all steps) of ``occ`` at ``now``."""
    if occ.due is None:
        if not policy.ongoing_checkin:
            return -1, ()
        step = checkin_step(occ, policy, calendar)
        if step is None:
            return -1, ()
        return (0 if step.moment <= now < step.expires else -1), (step,)
    steps = steps_for_due(occ.due, policy, calendar)
    current = -1
    for i, step in enumerate(steps):
        if step.moment <= now:
            current = i
        else:
            break
    if current >= 0 and now >= steps[current].expires:
        current = -1
    return current, steps


def plan(
    occurrences: Iterable[OccurrenceRow],
    assignments: Iterable[AssignmentRow],
    reports: Iterable[ReportRow],
    members: Iterable[MemberRow],
    policy: ReminderPolicy,
    calendar: WorkingCalendar,
    now: datetime,
    since: datetime | None = None,
) -> list[Reminder]:
    """The reminders due at ``now`` (with ``since``: only steps that began after it).

    Units that reported the occurrence done are left out (for ongoing check-ins: units that
    reported anything on the period). Officers get every step; heads get the steps from
    ``policy.head_from_overdue`` on — and every step when their unit has no reachable officer,
    so that someone always hears. Inactive or unreachable members get nothing.
    """
    latest = {(r.occurrence_id, r.unit_id): r for r in reports}
    by_task: dict[int, dict[int, str]] = defaultdict(dict)
    for a in assignments:
        roles = by_task[a.task_id]
        if roles.get(a.unit_id) != AssignmentRole.LEAD.value:
            roles[a.unit_id] = a.role
    officers: dict[int, list[MemberRow]] = defaultdict(list)
    heads: dict[int, list[MemberRow]] = defaultdict(list)
    for m in members:
        if not (m.active and m.reachable):
            continue
        if m.role == Role.OFFICER.value:
            officers[m.unit_id].append(m)
        elif m.role == Role.HEAD.value:
            heads[m.unit_id].append(m)

    result: list[Reminder] = []
    for occ in occurrences:
        units = by_task.get(occ.task_id)
        if not units:
            continue
        index, steps = current_steps(occ, policy, calendar, now)
        if index < 0:
            continue
        step = steps[index]
        if since is not None and step.moment <= since:
            continue
        for unit_id, role in units.items():
            report = latest.get((occ.id, unit_id))
            if report is not None and (report.status == ReportStatus.DONE.value or occ.due is None):
                continue
            unit_officers = officers.get(unit_id, [])
            recipients: list[tuple[MemberRow, bool]] = [(m, False) for m in unit_officers]
            if policy.heads_told(step.name) or not unit_officers:
                recipients += [(m, bool(unit_officers)) for m in heads.get(unit_id, [])]
            for member, escalation in recipients:
                earlier = [
                    s.name for s in steps[:index] if not escalation or policy.heads_told(s.name)
                ]
                result.append(
                    Reminder(
                        key=reminder_key(occ.id, unit_id, member.id, occ.due, step.name),
                        occurrence_id=occ.id,
                        unit_id=unit_id,
                        member_id=member.id,
                        step=step.name,
                        moment=step.moment,
                        due=occ.due,
                        role=role,
                        escalation=escalation,
                        superseded=tuple(
                            (reminder_key(occ.id, unit_id, member.id, occ.due, name), name)
                            for name in earlier
                        ),
                    )
                )
    return result


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


async def load_inputs(
    session: AsyncSession,
    occurrence_filter: object,
) -> PlanInputs:
    """Load what the planner needs for the occurrences matching ``occurrence_filter``."""
    inputs = PlanInputs()
    occ_rows = await session.exec(
        select(
            Occurrence.id,
            Occurrence.task_id,
            Occurrence.period,
            Occurrence.start,
            Occurrence.due,
            Task.title,
            Plan.code,
        )
        .join(Task, Task.id == Occurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(occurrence_filter, col(Task.active).is_(True))
    )
    for occ_id, task_id, period, start, due, title, plan_code in occ_rows.all():
        inputs.occurrences.append(OccurrenceRow(occ_id, task_id, period, start, due))
        inputs.tasks[task_id] = (title, plan_code)
    if not inputs.occurrences:
        return inputs
    occ_ids = (
        select(Occurrence.id)
        .join(Task, Task.id == Occurrence.task_id)
        .where(occurrence_filter, col(Task.active).is_(True))
    )
    task_ids = select(Occurrence.task_id).where(occurrence_filter)
    assigned = await session.exec(
        select(Assignment.task_id, Assignment.unit_id, Assignment.role)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(col(Assignment.task_id).in_(task_ids), col(Unit.active).is_(True))
    )
    inputs.assignments = [AssignmentRow(t, u, r) for t, u, r in assigned.all()]
    unit_ids = select(Assignment.unit_id).where(col(Assignment.task_id).in_(task_ids))
    reports = await session.exec(
        select(Report.occurrence_id, Report.unit_id, Report.status, Report.percent, Report.note)
        .where(col(Report.occurrence_id).in_(occ_ids))
        .order_by(col(Report.created_at), col(Report.id))
    )
    latest: dict[tuple[int, int], ReportRow] = {}
    for occ_id, unit_id, status, percent, note in reports.all():
        latest[(occ_id, unit_id)] = ReportRow(occ_id, unit_id, status, percent, note or "")
    inputs.reports = list(latest.values())
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
            col(Member.unit_id).in_(unit_ids),
            col(Member.role).in_([Role.OFFICER.value, Role.HEAD.value]),
            col(Member.active).is_(True),
        )
    )
    for mid, unit_id, role, language, reachable, active, name in members.all():
        inputs.members.append(MemberRow(mid, unit_id, role, language, reachable, active))
        inputs.names[mid] = name or ""
    units = await session.exec(
        select(Unit.id, Unit.code, Unit.name).where(col(Unit.id).in_(unit_ids))
    )
    inputs.units = {uid: (code, name) for uid, code, name in units.all()}
    logged = await session.exec(
        select(ReminderLog.key).where(col(ReminderLog.occurrence_id).in_(occ_ids))
    )
    inputs.logged = set(logged.scalars().all())
    return inputs


def _occurrence_filter(
    now: datetime, policy: ReminderPolicy, calendar: WorkingCalendar, since: datetime | None
) -> object | None:
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
) -> TickPlan:
    """What a tick at ``now`` would queue (nothing is written).

    Nothing outside working hours: reminders are composed when they can go out, so that
    "còn 3 ngày làm việc" is true when read.
    """
    if not calendar.is_allowed(now):
        return TickPlan([], PlanInputs())
    condition = _occurrence_filter(now, policy, calendar, since)
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


# --------------------------------------------------------------------------- manual nudge


async def nudge(
    session: AsyncSession,
    *,
    pairs: list[tuple[int, int]],
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    actor_member_id: int | None = None,
) -> int:
    """A coordinator's manual reminder (/nhac) to units about occurrences: the planner's
    wording, one message per recipient, through the outbox, logged and audited.

    Returns the number of messages queued (0 when nobody of those units can be reached).
    Raises ``UserError`` for an unknown occurrence or unit, or a unit not assigned the task.
    """
    if not pairs:
        return 0
    wanted = sorted(set(pairs))
    occ_ids = sorted({o for o, _u in wanted})
    unit_ids = sorted({u for _o, u in wanted})
    inputs = await load_inputs(session, col(Occurrence.id).in_(occ_ids))
    found = {o.id for o in inputs.occurrences}
    for occ_id in occ_ids:
        if occ_id not in found:
            raise UserError("reminders.nudge.unknown_occurrence", occurrence=occ_id)
    known_units = {
        uid
        for uid in (
            await session.exec(
                select(Unit.id).where(col(Unit.id).in_(unit_ids), col(Unit.active).is_(True))
            )
        )
        .scalars()
        .all()
    }
    for unit_id in unit_ids:
        if unit_id not in known_units:
            raise UserError("reminders.nudge.unknown_unit", unit=unit_id)
    occs = {o.id: o for o in inputs.occurrences}
    roles: dict[tuple[int, int], str] = {}
    for a in inputs.assignments:
        if roles.get((a.task_id, a.unit_id)) != AssignmentRole.LEAD.value:
            roles[(a.task_id, a.unit_id)] = a.role
    members_by_unit: dict[int, list[MemberRow]] = defaultdict(list)
    for m in inputs.members:
        if m.active and m.reachable:
            members_by_unit[m.unit_id].append(m)
    stamp = now.isoformat(timespec="seconds")
    reminders: list[Reminder] = []
    for occ_id, unit_id in wanted:
        occ = occs[occ_id]
        role = roles.get((occ.task_id, unit_id))
        if role is None:
            raise UserError(
                "reminders.nudge.not_assigned",
                occurrence=occ_id,
                unit=inputs.units.get(unit_id, (str(unit_id), ""))[0],
            )
        index, steps = current_steps(occ, policy, calendar, now)
        step_name = steps[index].name if index >= 0 else NUDGE_STEP
        escalate = policy.heads_told(step_name)
        people = members_by_unit.get(unit_id, [])
        officers = [m for m in people if m.role == Role.OFFICER.value]
        chosen = officers + [
            m for m in people if m.role == Role.HEAD.value and (escalate or not officers)
        ]
        for member in chosen:
            reminders.append(
                Reminder(
                    key=f"nudge:{occ_id}:{unit_id}:{member.id}:{stamp}",
                    occurrence_id=occ_id,
                    unit_id=unit_id,
                    member_id=member.id,
                    step=NUDGE_STEP,
                    moment=now,
                    due=occ.due,
                    role=role,
                    escalation=False,
                )
            )
    reminders = [r for r in reminders if r.key not in inputs.logged]  # same nudge, same second
    messages = group_messages(
        inputs,
        reminders,
        now=now,
        calendar=calendar,
        policy=policy,
        prefix=f"nudge:{stamp}",
        manual=True,
    )
    queued = await write_tick(session, TickPlan(messages, inputs), now=now, kind="nudge")
    audit.record(
        session,
        now,
        "reminders.nudge",
        actor=actor,
        member_id=actor_member_id,
        target=",".join(f"{o}:{u}" for o, u in wanted),
        details={"pairs": [list(p) for p in wanted], "messages": queued},
    )
    return queued
