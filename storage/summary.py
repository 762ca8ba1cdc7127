"""The summary query layer (*tổng hợp tình hình thực hiện*): what a summary covers, its numbers
computed in the database, and the rows of items a view shows — built into a
``storage.summary_model.Summary``. ``/summary``, ``dondoc summary`` and every export use it.

Rules, precisely:

* **Which occurrences.** The assignments of active tasks to a known, active unit (an
  assignment whose unit name resolved to no unit is not counted). An occurrence belongs to a
  window [first, last] when its due date lies in it; an occurrence with no due date (an
  *ongoing* task's progress check-in) belongs when its start lies in it. With a ``period``,
  the window is the period's days; with ``first``/``last`` it is those days (either may be
  None: open on that side). **Default** (no period, no dates): everything due up to the last
  day of the current month (``today``'s month), without a lower bound.
* **The category** of each item is decided once, in SQL (``storage.summary_sql``).
* **Numbers without rows.** ``compute_summary(items=False)`` groups in the database (one
  statement, whatever the size) and returns the numbers only; ``load_items`` and
  ``stream_items`` then fetch just the rows a view shows (a page, the late units, the blocked
  items, a workbook streamed chunk by chunk). ``items=True`` (the default) also loads every
  item, for the views that still walk them all.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.models import (
    Occurrence,
    Plan,
    Task,
    Unit,
)
from dondoc.storage.periods import Period, current_month
from dondoc.storage.summary_items import (
    coordinator_units,
    cutoff_for,
    load_items,
    scope_filters,
    stream_cells,
    stream_items,
    unreachable_reasons,
)
from dondoc.storage.summary_layout import plan_layouts
from dondoc.storage.summary_model import (
    BLOCKED_CODES,
    CODES,
    DEFAULT_TIMEZONE,
    DONE_CODES,
    LATE_CODES,
    OVERDUE_CODES,
    Category,
    PlanRef,
    Summary,
    SummaryScope,
    UnitTotals,
    assemble,
    empty_counts,
    unreachable_refs,
)
from dondoc.storage.summary_sql import in_window, totals_by_unit


def _window(
    period: Period | None, first: date | None, last: date | None, today: date
) -> tuple[date | None, date | None, str | None]:
    if period is not None:
        if first is not None or last is not None:
            raise ValueError("give a period or first/last, not both")
        return period.first, period.last, period.label
    if first is None and last is None:
        return None, current_month(today).last, None
    if first is not None and last is not None and last < first:
        raise UserError("summary.range_reversed", first=first.isoformat(), last=last.isoformat())
    return first, last, None


async def _plan_by_code(session: AsyncSession, code: str) -> Plan:
    plan = (await session.exec(select(Plan).where(Plan.code == code))).first()
    if plan is None:
        # People type "84/kh-ubnd" or with stray spaces: try a relaxed match before failing.
        wanted = "".join(code.split()).casefold()
        plans = list((await session.exec(select(Plan).order_by(Plan.code))).all())
        matches = [p for p in plans if "".join(p.code.split()).casefold() == wanted]
        if len(matches) == 1:
            return matches[0]
        listed = ", ".join(p.code for p in plans[:20]) + (" …" if len(plans) > 20 else "")
        raise UserError("summary.unknown_plan", code=code, plans=listed or "—")
    return plan


async def _unit_by_code(session: AsyncSession, code: str) -> Unit:
    unit = (await session.exec(select(Unit).where(Unit.code == code))).first()
    if unit is None:
        unit = (
            await session.exec(select(Unit).where(func.lower(Unit.code) == code.lower()))
        ).first()
    if unit is None:
        raise UserError("summary.unknown_unit", code=code)
    return unit


async def compute_summary(
    session: AsyncSession,
    *,
    today: date,
    plan_code: str | None = None,
    period: Period | None = None,
    first: date | None = None,
    last: date | None = None,
    unit_code: str | None = None,
    tz: ZoneInfo | str = DEFAULT_TIMEZONE,
    items: bool = True,
) -> Summary:
    """The summary for a plan (or all plans), a window and optionally one unit.

    ``today`` is the local date of the deployment (``calendar.local_date(clock.now())``);
    ``tz`` the deployment's timezone, in which a report's moment becomes a date. With
    ``items=False`` only the numbers (grouped in the database). Raises ``UserError`` for an
    unknown plan or unit code.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    lo, hi, label = _window(period, first, last, today)
    plan = await _plan_by_code(session, plan_code) if plan_code else None
    unit = await _unit_by_code(session, unit_code) if unit_code else None
    scope = SummaryScope(today, lo, hi, plan.id if plan else None, unit.id if unit else None, zone)
    known = [_plan_ref(plan)] if plan else []
    reasons = await unreachable_reasons(session)
    coordinators = await coordinator_units(session)
    if items:
        rows = [item async for chunk in stream_items(session, scope, reasons=reasons,
                                                     evidence=True) for item in chunk]  # fmt: skip
        plans = {p.id: p for p in known}
        plans.update({p.id: p for p in await _plans_of(session, {i.plan_id for i in rows})})
        summary = assemble(rows, plans.values(), today, lo, hi, label,
                           plan.code if plan else None, unit.code if unit else None, zone,
                           reasons)  # fmt: skip
    else:
        summary = await _totals(session, scope, label, plan, unit, known, reasons)
    summary.scope = scope
    summary.coordinator_units = coordinators
    return summary


def _plan_ref(plan: Plan) -> PlanRef:
    return PlanRef(plan.id or 0, plan.code, plan.title or "", plan.issuer or "", plan.issued_date)


async def _plans_of(session: AsyncSession, ids: Collection[int]) -> list[PlanRef]:
    if not ids:
        return []
    rows = await session.exec(select(Plan).where(col(Plan.id).in_(sorted(ids))))
    return [_plan_ref(p) for p in rows.all()]


async def _totals(
    session: AsyncSession,
    scope: SummaryScope,
    label: str | None,
    plan: Plan | None,
    unit: Unit | None,
    known: list[PlanRef],
    reasons: dict[int, str],
) -> Summary:
    cutoff = await cutoff_for(session, scope)
    connection = await session.connection()
    rows = (
        await connection.execute(totals_by_unit(scope_filters(scope), scope.today, cutoff))
    ).all()
    names = {
        uid: (code, name)
        for uid, code, name in (
            await connection.execute(select(Unit.id, Unit.code, Unit.name))
        ).all()
    }
    per_unit: dict[int, UnitTotals] = {}
    for unit_id, code, n in rows:
        totals = per_unit.get(unit_id)
        if totals is None:
            u_code, u_name = names[unit_id]
            reason = reasons.get(unit_id, "")
            totals = per_unit[unit_id] = UnitTotals(
                unit_id, u_code, u_name, unreachable=bool(reason), unreachable_reason=reason
            )
        totals.add(CODES[code], n)
    units = sorted(per_unit.values(), key=lambda u: u.unit_code)
    counts = empty_counts()
    for totals in units:
        for category, n in totals.counts.items():
            counts[category] += n
    plan_ids = (
        select(Task.plan_id)
        .join(Occurrence, Occurrence.task_id == Task.id)
        .where(in_window(scope.first, scope.last), col(Task.active).is_(True))
    )
    if scope.plan_id is not None:
        plan_ids = plan_ids.where(Task.plan_id == scope.plan_id)
    ids = {i for (i,) in (await connection.execute(plan_ids.distinct())).all()} if units else set()
    plans = {p.id: p for p in known}
    plans.update({p.id: p for p in await _plans_of(session, ids)})
    return Summary(
        today=scope.today,
        first=scope.first,
        last=scope.last,
        label=label,
        plan_code=plan.code if plan else None,
        unit_code=unit.code if unit else None,
        items=[],
        counts=counts,
        blocked=[],
        unreachable_units=unreachable_refs(units),
        per_unit=units,
        per_task=[],
        plans=sorted(plans.values(), key=lambda p: p.code),
        tz=scope.tz,
        total_count=sum(u.total for u in units),
        blocked_count=sum(u.blocked for u in units),
        overdue_unreported=sum(u.overdue_unreported for u in units),
        items_loaded=False,
    )


__all__ = [
    "BLOCKED_CODES",
    "DONE_CODES",
    "LATE_CODES",
    "OVERDUE_CODES",
    "Category",
    "compute_summary",
    "coordinator_units",
    "load_items",
    "plan_layouts",
    "stream_cells",
    "stream_items",
    "unreachable_reasons",
]
