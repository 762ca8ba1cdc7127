"""The summary's rows (*danh sách nhiệm vụ của tổng hợp*): the items a view shows, read from the
database in chunks, with their category decided by the one SQL expression
(``storage.summary_sql``) — and who sits where: which units reminders reach nobody of, and
which units the coordinators belong to.

* ``stream_items`` / ``load_items``: whole items (task, unit, latest report, note, who, when,
  evidence), filtered by item code, unit, or "with a note or a file", in the order the lists
  show them; a unit named twice in one task is listed once, as lead.
* ``stream_cells``: the few values a status matrix needs per item, in unit order: what a
  national workbook streams.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, String, case, func, tuple_, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.assignments import counts, latest_report_id
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
    UnitRef,
)
from dondoc.storage.summary_model import (
    BLOCKED_CODES,
    CODES,
    DONE_CODES,
    Summary,
    SummaryItem,
    SummaryScope,
    Unreachable,
)
from dondoc.storage.summary_sql import (
    completion_moment,
    cutoff_expression,
    fixed_offset_minutes,
    in_window,
    item_filters,
    local_serial_day,
    reported_code,
    unreported_code,
)

CHUNK = 5000  # rows per fetch when streaming
_DONE = ReportStatus.DONE.value


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


async def cutoff_for(session: AsyncSession, scope: SummaryScope) -> ColumnElement[Any]:
    window = in_window(scope.first, scope.last)
    dues = select(Occurrence.due).where(window, col(Occurrence.due).is_not(None)).distinct()
    days = list((await session.exec(dues)).all())
    return cutoff_expression(Occurrence.due, days, scope.tz)


def scope_filters(scope: SummaryScope) -> list[ColumnElement[bool]]:
    return item_filters(in_window(scope.first, scope.last), scope.plan_id, scope.unit_id)


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
    if codes is not None and not set(codes) & set(DONE_CODES):
        completion = False  # only a "done" has a completion moment
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
    cutoff = await cutoff_for(session, scope)
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
        done_at = case(
            (latest.status == _DONE, completion_moment(Occurrence.id, Assignment.unit_id))
        )
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
        .where(*scope_filters(scope))
    )
    if evidence or with_writing:
        attached = aliased(Report)
        last_file = (
            select(attached.id)
            .where(
                attached.occurrence_id == Occurrence.id,
                attached.unit_id == Assignment.unit_id,
                counts(attached),
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
            # Candidates first: the (occurrence, unit) pairs of the window with a note or a
            # file in some report, found once; the rest of the row only for them.
            query = query.where(
                tuple_(Occurrence.id, Assignment.unit_id).in_(
                    _pairs_with(
                        scope,
                        (func.coalesce(Report.note, "") != "")
                        | col(Report.attachment_ref).is_not(None),
                    )  # fmt: skip
                )
            )
            has_file = file_report.id.is_not(None)  # type: ignore[union-attr]
            query = query.where((func.coalesce(latest.note, "") != "") | has_file)
    if codes is not None:
        wanted = {int(c) for c in codes}
        if wanted <= set(BLOCKED_CODES):
            # Only items with a "blocked" report can be blocked now: those pairs are found
            # once, and the rest of the row is read only for them.
            query = query.where(
                tuple_(Occurrence.id, Assignment.unit_id).in_(
                    _pairs_with(scope, Report.status == ReportStatus.BLOCKED.value)
                )
            )
        query = query.where(code.in_(sorted(wanted)))
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


def _pairs_with(scope: SummaryScope, condition: ColumnElement[bool]) -> Any:
    """(occurrence, unit) of the window's reports that meet ``condition``."""
    window = select(Occurrence.id).where(in_window(scope.first, scope.last))
    return select(Report.occurrence_id, Report.unit_id).where(
        col(Report.occurrence_id).in_(window), counts(Report), condition
    )


async def stream_cells(session: AsyncSession, scope: SummaryScope) -> AsyncIterator[list[Any]]:
    """(unit id, occurrence id, item code, report day, percent) of every item of ``scope``,
    unit by unit (by code): all a status matrix with units as rows needs, without an item
    object per row. The report day is the spreadsheet serial number of the latest report's
    local date (computed by the database where the zone has one offset all year). A unit named
    twice in one task may come twice (the same values)."""
    cutoff = await cutoff_for(session, scope)
    latest = aliased(Report)
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
    year = scope.today.year
    minutes = fixed_offset_minutes(scope.tz, range(year - 5, year + 2))
    day: Any = (
        local_serial_day(latest.created_at, minutes)
        if minutes is not None
        else type_coerce(latest.created_at, String())  # parsed below: summer time
    )
    query = (
        select(Assignment.unit_id, Occurrence.id, code, day, latest.percent)
        .select_from(Occurrence)
        .join(Task, Task.id == Occurrence.task_id)
        .join(Assignment, Assignment.task_id == Occurrence.task_id)
        .join(Unit, Unit.id == Assignment.unit_id)
        .outerjoin(latest, latest.id == latest_report_id(Occurrence.id, Assignment.unit_id))
        .where(*scope_filters(scope))
        .order_by(Unit.code)
    )
    connection = await session.connection()
    result = await connection.stream(query)
    async for rows in result.partitions(CHUNK):
        if minutes is not None:
            yield list(rows)
            continue
        chunk = []
        for unit_id, occ_id, item_code, at, percent in rows:
            serial = None
            if at is not None:
                moment = datetime.fromisoformat(at) if isinstance(at, str) else at
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                serial = excel_serial(moment.astimezone(scope.tz).date())
            chunk.append((unit_id, occ_id, item_code, serial, percent))
        yield chunk


_EPOCH = date(1899, 12, 30).toordinal()


def excel_serial(day: date) -> int:
    """A date as the spreadsheet serial day number (days since 30/12/1899)."""
    return day.toordinal() - _EPOCH
