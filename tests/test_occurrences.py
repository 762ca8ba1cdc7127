"""Materialising occurrences: idempotent, follows schedule changes, never loses reported ones."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.occurrences import sync_all_occurrences, sync_task_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage.db import transaction
from dondoc.storage.models import Occurrence, Plan, Report, Task, Unit

NOW = datetime(2024, 7, 1, 2, 0, tzinfo=UTC)


async def _setup(engine: AsyncEngine, schedule: Schedule) -> int:
    async with transaction(engine) as session:
        plan = Plan(
            code="84/KH-UBND", title="Kế hoạch CCHC", year=2024, created_at=NOW, updated_at=NOW
        )
        unit = Unit(code="NV", name="Phòng Nội vụ", created_at=NOW, updated_at=NOW)
        session.add_all([plan, unit])
        await session.flush()
        task = Task(
            plan_id=plan.id,
            key="1",
            title="Báo cáo CCHC",
            schedule_kind=schedule.kind,
            schedule=schedule.to_dict(),
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(task)
        await session.flush()
        return task.id


async def _periods(engine: AsyncEngine) -> list[tuple[str, date | None]]:
    async with transaction(engine) as session:
        rows = (await session.exec(select(Occurrence).order_by(Occurrence.start))).all()
        return [(o.period, o.due) for o in rows]


async def test_sync_is_idempotent_and_follows_rules(
    engine: AsyncEngine, calendar: WorkingCalendar
) -> None:
    task_id = await _setup(
        engine, Schedule(ScheduleKind.QUARTERLY, start=date(2024, 1, 1), end=date(2024, 12, 31))
    )
    rules = DueRules(period_day=5)
    for _ in range(2):
        async with transaction(engine) as session:
            count = await sync_all_occurrences(session, date(2024, 12, 31), rules, calendar)
        assert count == 4
    assert await _periods(engine) == [
        ("2024-Q1", date(2024, 3, 5)),
        ("2024-Q2", date(2024, 6, 5)),
        ("2024-Q3", date(2024, 9, 5)),
        ("2024-Q4", date(2024, 12, 5)),
    ]
    # The deployment changes its due day: stored due dates follow.
    async with transaction(engine) as session:
        await sync_all_occurrences(session, date(2024, 12, 31), DueRules(period_day=20), calendar)
    assert (await _periods(engine))[2] == ("2024-Q3", date(2024, 9, 20))
    assert task_id


async def test_schedule_change_keeps_reported_occurrences(
    engine: AsyncEngine, calendar: WorkingCalendar
) -> None:
    task_id = await _setup(
        engine, Schedule(ScheduleKind.MONTHLY, start=date(2024, 1, 1), end=date(2024, 12, 31))
    )
    async with transaction(engine) as session:
        await sync_all_occurrences(session, date(2024, 12, 31), DueRules(), calendar)
        march = (await session.exec(select(Occurrence).where(Occurrence.period == "2024-03"))).one()
        unit = (await session.exec(select(Unit))).one()
        session.add(Report(occurrence_id=march.id, unit_id=unit.id, status="done", created_at=NOW))
    async with transaction(engine) as session:
        task = await session.get(Task, task_id)
        assert task is not None
        new = Schedule(ScheduleKind.ONCE, due=date(2024, 9, 30), label="2024-09")
        task.schedule, task.schedule_kind = new.to_dict(), new.kind
        session.add(task)
        await sync_task_occurrences(session, task, 2024, date(2024, 12, 31), DueRules(), calendar)
    # The reported March stays; the other months go; the new one-off period is there.
    assert await _periods(engine) == [
        ("2024-03", date(2024, 3, 20)),
        ("2024-09", date(2024, 9, 30)),
    ]
