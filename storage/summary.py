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

from collections.abc import AsyncIterator, Collection
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, case, func, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.errors import UserError
from dondoc.storage.models import (
    REMINDED_ROLES,
    Assignment,
    Member,
    Occurrence,
    Plan,
    Report,
    ReportStatus,
    Role,
    Task,
    Unit,
)
from dondoc.storage.periods import Period, current_month
from dondoc.storage.summary_model import (
    CODES,
    DEFAULT_TIMEZONE,
    Category,
    ItemCode,
    PlanRef,
    Summary,
    SummaryItem,
    SummaryScope,
    UnitRef,
    UnitTotals,
    Unreachable,
    assemble,
    empty_counts,
    unreachable_refs,
)
from dondoc.storage.summary_sql import (
    cutoff_expression,
    in_window,
    item_filters,
    latest_report_id,
    reported_code,
    totals_by_unit,
    unreported_code,
)

CHUNK = 5000  # rows per fetch when streaming


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


async def unreachable_reasons(session: AsyncSession) -> dict[int, str]:
    """Every unit reminders reach nobody of, with the reason (``Unreachable``): no member of
    the reminded roles linked, or every linked one blocked the bot. Units not listed here are
    reachable."""
    linked = (
        select(
            Member.unit_id,
            func.count(),
            func.sum(case((col(Member.reachable).is_(True), 1), else_=0)),
        )
        .where(
            col(Member.active).is_(True),
            col(Member.unit_id).is_not(None),
            col(Member.role).in_(REMINDED_ROLES),
        )
        .group_by(Member.unit_id)
    )
    counts = {unit_id: (n, ok or 0) for unit_id, n, ok in (await session.exec(linked)).all()}
    units = (await session.exec(select(Unit.id).where(col(Unit.active).is_(True)))).all()
    reasons: dict[int, str] = {}
    for unit_id in units:
        n, ok = counts.get(unit_id, (0, 0))
        if not n:
            reasons[unit_id] = Unreachable.UNLINKED.value
        elif not ok:
            reasons[unit_id] = Unreachable.BLOCKED.value
    return reasons


async def coordinator_units(session: AsyncSession) -> list[UnitRef]:
    """The units active coordinators belong to (the office that signs the report)."""
    query = (
        select(Unit.id, Unit.code, Unit.name)
        .join(Member, Member.unit_id == Unit.id)
        .where(col(Member.active).is_(True), Member.role == Role.COORDINATOR.value)
        .distinct()
        .order_by(Unit.code)
    )
    return [UnitRef(i, c, n) for i, c, n in (await session.exec(query)).all()]


async def _cutoff(session: AsyncSession, scope: SummaryScope) -> ColumnElement[Any]:
    window = in_window(scope.first, scope.last)
    dues = select(Occurrence.due).where(window, col(Occurrence.due).is_not(None)).distinct()
    days = list((await session.exec(dues)).all())
    return cutoff_expression(Occurrence.due, days, scope.tz)


def _filters(scope: SummaryScope) -> list[ColumnElement[bool]]:
    return item_filters(in_window(scope.first, scope.last), scope.plan_id, scope.unit_id)


async def _totals(
    session: AsyncSession,
    scope: SummaryScope,
    label: str | None,
    plan: Plan | None,
    unit: Unit | None,
    known: list[PlanRef],
    reasons: dict[int, str],
) -> Summary:
    cutoff = await _cutoff(session, scope)
    connection = await session.connection()
    rows = (await connection.execute(totals_by_unit(_filters(scope), scope.today, cutoff))).all()
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


async def stream_items(
    session: AsyncSession,
    scope: SummaryScope,
    *,
    codes: Collection[int] | None = None,
    unit_ids: Collection[int] | None = None,
    with_writing: bool = False,
    by_unit: bool = False,
    completion: bool = True,
    evidence: bool = False,
    limit: int | None = None,
    reasons: dict[int, str] | None = None,
) -> AsyncIterator[list[SummaryItem]]:
    """The items of ``scope``, in chunks, in the order the lists show them (plan, task,
    period, lead first, unit) or, ``by_unit``, plan then unit then task.

    Filters: ``codes`` (``ItemCode`` values), ``unit_ids``, ``with_writing`` (the latest
    report has a note, or some report has a file). ``completion``: fill ``done_at``;
    ``evidence``: the latest attached file of each item. A unit named twice in one task is
    listed once, as lead.
    """
    if reasons is None:
        reasons = await unreachable_reasons(session)
    query = await _items_query(
        session, scope, codes, unit_ids, with_writing, by_unit, completion, evidence
    )
    if limit is not None:
        query = query.limit(limit)
    connection = await session.connection()
    result = await connection.stream(query)
    seen: set[tuple[int, int]] = set()
    current_occ = -1
    async for rows in result.partitions(CHUNK):
        chunk: list[SummaryItem] = []
        for row in rows:
            occ_id, unit_id = row[0], row[12]
            if by_unit:
                if (occ_id, unit_id) in seen:
                    continue
                seen.add((occ_id, unit_id))
                if len(seen) > 4 * CHUNK:  # rows of one unit come together
                    seen = {(occ_id, unit_id)}
            else:
                if occ_id != current_occ:
                    seen, current_occ = set(), occ_id
                if (occ_id, unit_id) in seen:
                    continue
                seen.add((occ_id, unit_id))
            chunk.append(_item(row, reasons, evidence))
        if chunk:
            yield chunk


async def load_items(session: AsyncSession, summary: Summary, **filters: Any) -> list[SummaryItem]:
    """The items of ``summary`` a view shows (the filters of ``stream_items``)."""
    if summary.scope is None:
        raise ValueError("a summary computed by compute_summary is needed")
    return [item async for chunk in stream_items(session, summary.scope, **filters)
            for item in chunk]  # fmt: skip


_DONE = ReportStatus.DONE.value


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _item(row: Any, reasons: dict[int, str], evidence: bool) -> SummaryItem:
    (occ_id, task_id, period, start, due, plan_id, p_code, ordinal, title, section, position,
     key, unit_id, u_code, u_name, role, code, report_id, status, percent, note, reported_at,
     reporter, done_at) = row[:24]  # fmt: skip
    meaning = CODES[code]
    item = SummaryItem(
        occ_id, task_id, p_code, ordinal or "", title, period, due, unit_id, u_code, u_name,
        role, meaning.category, status, percent, note or "", _aware(reported_at),
        meaning.blocked, unit_id in reasons, _aware(done_at) if status == _DONE else None,
        start, plan_id, section or "", position or 0, key or "", report_id, reporter or "",
    )  # fmt: skip
    if evidence:
        item.evidence, item.evidence_kind, item.evidence_report_id = row[24:27]
    return item


async def _items_query(
    session: AsyncSession,
    scope: SummaryScope,
    codes: Collection[int] | None,
    unit_ids: Collection[int] | None,
    with_writing: bool,
    by_unit: bool,
    completion: bool,
    evidence: bool,
) -> Any:
    cutoff = await _cutoff(session, scope)
    latest = aliased(Report)
    reporter = aliased(Member)
    code = case(
        (latest.id.is_(None), unreported_code(Occurrence.due, scope.today)),  # type: ignore[union-attr]
        else_=reported_code(
            latest.status,
            latest.created_at,
            Occurrence.due,
            scope.today,
            cutoff,
            Occurrence.id,
            Assignment.unit_id,
        ),  # fmt: skip
    )
    done_at: Any = type_coerce(None, DateTime())
    if completion:
        done_at = case((latest.status == _DONE, _completion(Occurrence.id, Assignment.unit_id)))
    columns: list[Any] = [
        Occurrence.id, Occurrence.task_id, Occurrence.period, Occurrence.start, Occurrence.due,
        Plan.id, Plan.code, Task.ordinal, Task.title, Task.section, Task.position, Task.key,
        Assignment.unit_id, Unit.code, Unit.name, Assignment.role, code.label("code"),
        latest.id, latest.status, latest.percent, latest.note,
        # The plain DateTime result type: the driver's fast conversion; made aware (UTC)
        # in ``_item`` where the backend returns it naive (SQLite).
        type_coerce(latest.created_at, DateTime()), reporter.display_name,
        type_coerce(done_at, DateTime()),
    ]  # fmt: skip
    query = (
        select(*columns)
        .select_from(Occurrence)
        .join(Task, Task.id == Occurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Assignment, Assignment.task_id == Occurrence.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(latest, latest.id == latest_report_id(Occurrence.id, Assignment.unit_id))
        .outerjoin(reporter, reporter.id == latest.member_id)
        .where(*_filters(scope))
    )
    if evidence or with_writing:
        attached = aliased(Report)
        last_file = (
            select(attached.id)
            .where(
                attached.occurrence_id == Occurrence.id,
                attached.unit_id == Assignment.unit_id,
                col(attached.attachment_ref).is_not(None),
            )
            .order_by(attached.created_at.desc(), attached.id.desc())  # type: ignore[attr-defined,union-attr]
            .limit(1)
            .scalar_subquery()
        )
        file_report = aliased(Report)
        query = query.outerjoin(file_report, file_report.id == last_file)
        if evidence:
            query = query.add_columns(
                file_report.attachment_ref, file_report.attachment_kind, file_report.id
            )
        if with_writing:
            has_file = file_report.id.is_not(None)  # type: ignore[union-attr]
            query = query.where((func.coalesce(latest.note, "") != "") | has_file)
    if codes is not None:
        query = query.where(code.in_(sorted(int(c) for c in codes)))
    if unit_ids is not None:
        query = query.where(col(Assignment.unit_id).in_(sorted(unit_ids)))
    task_order = (
        Task.position, Task.id, func.coalesce(Occurrence.due, Occurrence.start),
        Occurrence.start, Occurrence.period,
    )  # fmt: skip
    if by_unit:
        return query.order_by(
            Plan.code,
            Unit.code,
            *task_order,
            Occurrence.id,
            Assignment.role.desc(),  # type: ignore[attr-defined]
        )
    return query.order_by(
        Plan.code,
        *task_order,
        Occurrence.id,
        Assignment.role.desc(),
        Unit.code,  # type: ignore[attr-defined]
    )


def _completion(occurrence_id: Any, unit_id: Any) -> Any:
    """When a "done" item was completed: the first "done" report with no other status
    reported after it (a note corrected after the deadline does not move it)."""
    done = aliased(Report)
    other = aliased(Report)
    reopened = (
        select(other.id)
        .where(
            other.occurrence_id == done.occurrence_id,
            other.unit_id == done.unit_id,
            other.status != _DONE,
            other.created_at > done.created_at,
        )
        .correlate_except(other)
        .exists()
    )
    return (
        select(func.min(done.created_at))
        .where(
            done.occurrence_id == occurrence_id,
            done.unit_id == unit_id,
            done.status == _DONE,
            ~reopened,
        )
        .correlate_except(done)
        .scalar_subquery()
    )


async def plan_layouts(session: AsyncSession, summary: Summary) -> list[Any]:
    """Per plan of ``summary``, the occurrences its sheet lists (in order) and the units
    assigned to them (by code): what a workbook needs before its rows are streamed."""
    from dondoc.storage.exports.xlsx_matrix import PlanLayout

    scope = summary.scope
    assert scope is not None
    tasks = (
        select(Occurrence.task_id)
        .join(Task, Task.id == Occurrence.task_id)
        .where(col(Task.active).is_(True), in_window(scope.first, scope.last))
    )
    if scope.plan_id is not None:
        tasks = tasks.where(Task.plan_id == scope.plan_id)
    if scope.unit_id is not None:
        tasks = tasks.where(
            col(Occurrence.task_id).in_(
                select(Assignment.task_id).where(Assignment.unit_id == scope.unit_id)
            )
        )
    occurrences = (
        select(
            Occurrence.id,
            Occurrence.task_id,
            Occurrence.period,
            Occurrence.start,
            Occurrence.due,
            Plan.id,
            Plan.code,
            Task.ordinal,
            Task.title,
            Task.section,
            Task.position,
            Task.key,
        )  # fmt: skip
        .join(Task, Task.id == Occurrence.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(col(Occurrence.task_id).in_(tasks), in_window(scope.first, scope.last))
        .order_by(
            Plan.code,
            Task.position,
            Task.id,
            func.coalesce(Occurrence.due, Occurrence.start),
            Occurrence.start,
            Occurrence.period,
            Occurrence.id,
        )  # fmt: skip
    )
    units = (
        select(Task.plan_id, Unit.id, Unit.code, Unit.name)
        .join(Assignment, Assignment.task_id == Task.id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(col(Task.id).in_(tasks), col(Unit.active).is_(True))
        .distinct()
    )
    if scope.unit_id is not None:
        units = units.where(Unit.id == scope.unit_id)
    connection = await session.connection()
    by_plan: dict[int, list[SummaryItem]] = {}
    for o_id, t_id, period, start, due, p_id, p_code, ordinal, title, section, pos, key in (
        await connection.execute(occurrences)
    ).all():
        by_plan.setdefault(p_id, []).append(
            SummaryItem(
                o_id,
                t_id,
                p_code,
                ordinal or "",
                title,
                period,
                due,
                0,
                "",
                "",
                "",
                Category.NOT_REPORTED,
                None,
                None,
                "",
                None,
                False,
                False,
                None,
                start,
                p_id,
                section or "",
                pos or 0,
                key or "",
            )  # fmt: skip
        )
    members: dict[int, list[tuple[int, str, str]]] = {}
    for p_id, u_id, code, name in (await connection.execute(units)).all():
        members.setdefault(p_id, []).append((u_id, code, name))
    return [
        PlanLayout(
            plan.code,
            plan.title,
            by_plan[plan.id],
            sorted(members[plan.id], key=lambda u: u[1]),
            plan.id,
        )  # fmt: skip
        for plan in summary.plans
        if by_plan.get(plan.id) and members.get(plan.id)
    ]


OVERDUE_CODES = (ItemCode.OVERDUE, ItemCode.OVERDUE_BLOCKED, ItemCode.OVERDUE_UNREPORTED)
LATE_CODES = (*OVERDUE_CODES, ItemCode.DONE_LATE)
BLOCKED_CODES = (ItemCode.IN_PROGRESS_BLOCKED, ItemCode.OVERDUE_BLOCKED)
__all__ = [
    "BLOCKED_CODES",
    "LATE_CODES",
    "OVERDUE_CODES",
    "Category",
    "compute_summary",
    "coordinator_units",
    "load_items",
    "plan_layouts",
    "stream_items",
    "unreachable_reasons",
]
