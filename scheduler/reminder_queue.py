"""Queueing reminders (*xếp hàng tin nhắc*): the database side of the planner.

``compute_tick`` reads what is near ``now`` (``scheduler.plan_inputs``), asks the pure
``scheduler.planner.plan`` what is due, drops keys already in ``ReminderLog`` and groups what
remains into ONE message per recipient; ``write_tick`` writes the ``Outbox`` and
``ReminderLog`` rows in the caller's transaction (``plan_tick``: both). The ticks plan in
slices (``scheduler.waves``); the coordinator's manual reminder (``scheduler.nudge``) shares
the wording and the queueing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler import outbox
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.messages import ItemView, reminder_message
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.scheduler.plan_inputs import PlanInputs, load_inputs, occurrence_filter
from dondoc.scheduler.planner import OccurrenceRow, Reminder, ReportRow, plan
from dondoc.scheduler.policy import (
    ReminderPolicy,
)
from dondoc.storage.models import (
    Member,
    Outbox,
    ReminderLog,
)


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
