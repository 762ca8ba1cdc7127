"""The coordinator's manual reminder (*nhắc thủ công*, /nhac and the web desk's "Nhắc" buttons):
which items a nudge is about (``choose``: every open item of a unit or a task, or every overdue
item), then the planner's wording, one message per recipient, through the outbox (rate limits,
retries), logged and audited (``nudge``; ``nudge_items`` does both steps' bookkeeping).

**Not twice in a row.** A unit is not nudged again about a task while a reminder of that task
is still waiting in the outbox for it, nor within ``NUDGE_GAP`` of the last nudge: pressing
/nhac again would only pile the same message up in the officer's chat. Those (task, unit)
pairs are left out and returned with the moment they were reminded ("vừa nhắc lúc …"); the
same nudge pressed twice in one second is one of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.plan_inputs import load_inputs
from dondoc.scheduler.planner import Reminder, current_steps, hearers
from dondoc.scheduler.policy import (
    NUDGE_STEP,
    ReminderPolicy,
)
from dondoc.scheduler.reminder_queue import TickPlan, group_messages, write_tick
from dondoc.storage import audit
from dondoc.storage.assignments import lead_wins
from dondoc.storage.errors import UserError
from dondoc.storage.models import Occurrence, Outbox, OutboxStatus, ReminderLog, Unit
from dondoc.storage.summary_model import Category, Summary, SummaryItem

DONE = (Category.DONE_ON_TIME, Category.DONE_LATE)
NUDGE_GAP = timedelta(hours=1)
WAITING = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


def choose(
    summary: Summary,
    *,
    unit_id: int | None = None,
    task_id: int | None = None,
    all_late: bool = False,
) -> list[SummaryItem]:
    """The items a nudge is about: every overdue item (``all_late``), or every item of a unit
    or a task that is not done yet (due soon or overdue alike)."""
    if all_late:
        return [i for i in summary.items if i.category is Category.OVERDUE]
    return [
        i
        for i in summary.items
        if i.category not in DONE
        and (unit_id is None or i.unit_id == unit_id)
        and (task_id is None or i.task_id == task_id)
    ]


@dataclass(frozen=True)
class RecentUnit:
    """A unit left out of a nudge: reminded ``at`` (local time) of ``tasks`` of the items,
    that reminder ``waiting`` in the outbox still or not."""

    unit: str
    at: datetime
    waiting: bool
    tasks: int


@dataclass(frozen=True)
class NudgeOutcome:
    """What a nudge did: messages queued; the units and (occurrence, unit) items it counted
    (those reminded now, or, when none could be, those chosen); the units nobody of which can
    be reached; the units left out because they were reminded a moment ago (``recent``), and
    whether any item was still to remind (``fresh``); ``today`` in the deployment's zone."""

    queued: int
    units: int
    tasks: int
    unreachable: list[str]
    any_reachable: bool
    recent: list[RecentUnit] = field(default_factory=list)
    fresh: bool = True
    today: date | None = None


async def nudge_items(
    session: AsyncSession,
    chosen: list[SummaryItem],
    *,
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    actor_member_id: int | None = None,
) -> NudgeOutcome:
    """Nudge the units of ``chosen`` about those items (``nudge``) and count what it did.
    Raises ``DuplicateNudge`` for the same nudge in the same second."""
    pairs = sorted({(i.occurrence_id, i.unit_id) for i in chosen})
    result = await nudge(
        session,
        pairs=pairs,
        actor=actor,
        now=now,
        calendar=calendar,
        policy=policy,
        actor_member_id=actor_member_id,
    )
    recent = result.recent
    reachable = [i for i in chosen if not i.unreachable]
    fresh = [i for i in reachable if (i.occurrence_id, i.unit_id) not in recent]
    counted = fresh or chosen
    left_out: dict[str, list[Reminded]] = defaultdict(list)
    for item in chosen:
        mark = recent.get((item.occurrence_id, item.unit_id))
        if mark is not None:
            left_out[item.unit_name].append(mark)
    return NudgeOutcome(
        result.messages,
        len({i.unit_id for i in counted}),
        len({(i.occurrence_id, i.unit_id) for i in counted}),
        sorted({i.unit_name for i in chosen if i.unreachable}),
        bool(reachable),
        [
            RecentUnit(
                unit,
                calendar.local(max(m.at for m in marks)),
                any(m.waiting for m in marks),
                len(marks),
            )
            for unit, marks in sorted(left_out.items())
        ],
        bool(fresh),
        calendar.local_date(now),
    )


class DuplicateNudge(Exception):
    """The same nudge was queued at the same moment by another message (a double press)."""


@dataclass(frozen=True)
class Reminded:
    """When a (task, unit) pair was last reminded, and whether that message is still waiting."""

    at: datetime
    waiting: bool


@dataclass(frozen=True)
class NudgeResult:
    """``messages`` queued now; ``recent``: the pairs left out, reminded a moment ago."""

    messages: int
    recent: dict[tuple[int, int], Reminded] = field(default_factory=dict)


async def recently_reminded(
    session: AsyncSession, pairs: list[tuple[int, int]], now: datetime
) -> dict[tuple[int, int], Reminded]:
    """The (occurrence, unit) pairs of ``pairs`` nudged within ``NUDGE_GAP`` of ``now``, or with
    a reminder still waiting in the outbox; the latest such moment of each."""
    if not pairs:
        return {}
    wanted = set(pairs)
    rows = await session.exec(
        select(
            ReminderLog.occurrence_id,
            ReminderLog.unit_id,
            ReminderLog.created_at,
            Outbox.status,
        )
        .join(Outbox, col(Outbox.id) == ReminderLog.outbox_id)
        .where(
            col(ReminderLog.occurrence_id).in_(sorted({o for o, _u in wanted})),
            col(ReminderLog.unit_id).in_(sorted({u for _o, u in wanted})),
            or_(
                and_(ReminderLog.step == NUDGE_STEP, ReminderLog.created_at > now - NUDGE_GAP),
                col(Outbox.status).in_(WAITING),
            ),
        )
    )
    found: dict[tuple[int, int], Reminded] = {}
    for occurrence_id, unit_id, at, status in rows.all():
        pair = (occurrence_id, unit_id)
        if pair not in wanted:
            continue
        before = found.get(pair)
        waiting = status in WAITING or (before is not None and before.waiting)
        latest = at if before is None or at > before.at else before.at
        found[pair] = Reminded(latest, waiting)
    return found


async def nudge(
    session: AsyncSession,
    *,
    pairs: list[tuple[int, int]],
    actor: str,
    now: datetime,
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
    actor_member_id: int | None = None,
) -> NudgeResult:
    """A coordinator's manual reminder (/nhac) to units about occurrences: the planner's
    wording, one message per recipient, through the outbox, logged and audited.

    Returns the number of messages queued (0 when nobody of those units can be reached) and
    the pairs left out because they were reminded a moment ago (see the module). Raises
    ``UserError`` for an unknown occurrence or unit, or a unit not assigned the task.
    """
    if not pairs:
        return NudgeResult(0)
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
    roles = lead_wins((a.task_id, a.unit_id, a.role) for a in inputs.assignments)
    for occ_id, unit_id in wanted:
        if (occs[occ_id].task_id, unit_id) not in roles:
            raise UserError(
                "reminders.nudge.not_assigned",
                occurrence=occ_id,
                unit=inputs.units.get(unit_id, (str(unit_id), ""))[0],
            )
    recent = await recently_reminded(session, wanted, now)
    officers, heads = hearers(inputs.members)
    stamp = now.isoformat(timespec="seconds")
    reminders: list[Reminder] = []
    for occ_id, unit_id in wanted:
        if (occ_id, unit_id) in recent:
            continue
        occ = occs[occ_id]
        role = roles[(occ.task_id, unit_id)]
        index, steps = current_steps(occ, policy, calendar, now)
        step_name = steps[index].name if index >= 0 else NUDGE_STEP
        chosen = policy.recipients(step_name, officers.get(unit_id, []), heads.get(unit_id, []))
        for member, _escalation in chosen:
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
    try:
        queued = await write_tick(session, TickPlan(messages, inputs), now=now, kind="nudge")
    except IntegrityError:
        raise DuplicateNudge() from None
    audit.record(
        session,
        now,
        "reminders.nudge",
        actor=actor,
        member_id=actor_member_id,
        target=",".join(f"{o}:{u}" for o, u in wanted),
        details={
            "pairs": [list(p) for p in wanted],
            "messages": queued,
            **({"recent": sorted(list(p) for p in recent)} if recent else {}),
        },
    )
    return NudgeResult(queued, recent)
