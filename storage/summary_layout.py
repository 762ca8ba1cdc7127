"""The shape of a plan's status matrix before its rows are streamed (*bố cục bảng theo kế
hoạch*): per plan of a summary, the occurrences its sheet lists, in order, and the units
assigned to them, by code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.storage.models import Assignment, Occurrence, Plan, Task, Unit
from dondoc.storage.summary_model import Category, Summary, SummaryItem
from dondoc.storage.summary_sql import in_window


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
