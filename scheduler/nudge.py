"""The coordinator's manual reminder (*nhắc thủ công*, /nhac and the web desk's "Nhắc" buttons):
which items a nudge is about (``choose``: every open item of a unit or a task, or every overdue
item), then the planner's wording, one message per recipient, through the outbox (rate limits,
retries), logged and audited (``nudge``; ``nudge_items`` does both steps' bookkeeping).

The same nudge pressed twice in one second queues once (the keys carry the second); a later
press queues again — a coordinator who nudges means it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
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
from dondoc.storage.models import Occurrence, Unit
from dondoc.storage.summary_model import Category, Summary, SummaryItem

DONE = (Category.DONE_ON_TIME, Category.DONE_LATE)


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
class NudgeOutcome:
    """What a nudge did: messages queued; the units and (occurrence, unit) items it counted
    (those that could be reminded, or, when none could, those chosen); the units nobody of
    which can be reached."""

    queued: int
    units: int
    tasks: int
    unreachable: list[str]
    any_reachable: bool


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
    queued = await nudge(
        session,
        pairs=pairs,
        actor=actor,
        now=now,
        calendar=calendar,
        policy=policy,
        actor_member_id=actor_member_id,
    )
    reachable = [i for i in chosen if not i.unreachable]
    counted = reachable or chosen
    return NudgeOutcome(
        queued,
        len({i.unit_id for i in counted}),
        len({(i.occurrence_id, i.unit_id) for i in counted}),
        sorted({i.unit_name for i in chosen if i.unreachable}),
        bool(reachable),
    )


class DuplicateNudge(Exception):
    """The same nudge was queued at the same moment by another message (a double press)."""


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
    roles = lead_wins((a.task_id, a.unit_id, a.role) for a in inputs.assignments)
    officers, heads = hearers(inputs.members)
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
        details={"pairs": [list(p) for p in wanted], "messages": queued},
    )
    return queued
