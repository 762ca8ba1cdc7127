"""A small, realistic reminder world for tests: a ward plan with units, officers and heads.

Modelled on a ward's administrative-reform plan (*kế hoạch CCHC*): a one-off report due
15/07/2024, a monthly report from July 2024 (due day 20, shifted to the next working day),
an ongoing task, and a periodic report. Not copied text: short titles written for the tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.limits import RateLimits
from dondoc.scheduler.messaging import Channel
from dondoc.scheduler.occurrences import sync_all_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.scheduler.ticks import ReminderEngine, build_engine, start_ticks
from dondoc.storage.db import transaction
from dondoc.storage.models import Assignment, Member, Plan, Report, Task, Unit
from tests.fake_channel import FakeServer, HttpChannel

UNTHROTTLED = {"telegram": RateLimits(1000, 1000)}  # pacing is real time: tested elsewhere


def reminder_engine(
    engine: AsyncEngine,
    clock: Clock,
    calendar: WorkingCalendar,
    channel: Channel,
    **options: Any,
) -> ReminderEngine:
    """The reminder engine of a test: Telegram through ``channel``, without pacing."""
    return build_engine(
        engine=engine,
        channels={"telegram": channel},
        clock=clock,
        calendar=calendar,
        limits=UNTHROTTLED,
        **options,
    )


@asynccontextmanager
async def ticking(
    engine: AsyncEngine, clock: Clock, calendar: WorkingCalendar, **options: Any
) -> AsyncIterator[tuple[FakeServer, Any]]:
    """The real APScheduler ticks delivering to a local fake messenger: (server, ticking)."""
    server = FakeServer()
    await server.start()
    channel = HttpChannel(server.url)
    ticks = await start_ticks(
        engine=engine,
        channels={"telegram": channel},
        clock=clock,
        calendar=calendar,
        limits=UNTHROTTLED,
        **options,
    )
    try:
        yield server, ticks
    finally:
        await ticks.stop()
        await channel.close()
        await server.stop()


@dataclass
class World:
    units: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)


async def add_unit(session: AsyncSession, code: str, name: str, now: datetime) -> Unit:
    unit = Unit(code=code, name=name, created_at=now, updated_at=now)
    session.add(unit)
    await session.flush()
    return unit


async def add_member(
    session: AsyncSession,
    unit_id: int | None,
    handle: str,
    now: datetime,
    *,
    role: str = "officer",
    language: str = "vi",
    channel: str = "telegram",
    name: str = "",
) -> Member:
    member = Member(
        channel=channel,
        channel_user_id=handle,
        chat_id=handle,
        display_name=name,
        unit_id=unit_id,
        role=role,
        language=language,
        created_at=now,
    )
    session.add(member)
    await session.flush()
    return member


async def add_task(
    session: AsyncSession,
    plan_id: int,
    key: str,
    title: str,
    schedule: Schedule,
    now: datetime,
    assigned: list[tuple[int, str]],
) -> Task:
    task = Task(
        plan_id=plan_id,
        key=key,
        title=title,
        schedule_kind=schedule.kind.value,
        schedule=schedule.to_dict(),
        created_at=now,
        updated_at=now,
    )
    session.add(task)
    await session.flush()
    for unit_id, role in assigned:
        session.add(Assignment(task_id=task.id, unit_id=unit_id, role=role))
    await session.flush()
    return task


async def build_world(
    engine: AsyncEngine, now: datetime, calendar: WorkingCalendar, until: date = date(2024, 8, 31)
) -> World:
    world = World()
    async with transaction(engine) as session:
        a = await add_unit(session, "VP", "Văn phòng HĐND-UBND", now)
        b = await add_unit(session, "TP", "Phòng Tư pháp", now)
        c = await add_unit(session, "VHXH", "Phòng Văn hóa - Xã hội", now)
        world.units = {"VP": a.id, "TP": b.id, "VHXH": c.id}
        for handle, unit, role, lang, name in [
            ("a1", a.id, "officer", "vi", "Nguyễn Văn An"),
            ("a2", a.id, "officer", "en", "Trần Thị Bình"),
            ("ha", a.id, "head", "vi", "Lê Văn Cường"),
            ("b1", b.id, "officer", "vi", "Phạm Thị Dung"),
            ("c1", c.id, "officer", "vi", ""),
            ("co", c.id, "coordinator", "vi", "Đỗ Thị Hoa"),
        ]:
            m = await add_member(session, unit, handle, now, role=role, language=lang, name=name)
            world.members[handle] = m.id
        plan = Plan(code="84/KH-UBND", title="CCHC 2024", year=2024, created_at=now, updated_at=now)
        session.add(plan)
        await session.flush()
        once = await add_task(
            session,
            plan.id,
            "1",
            "Báo cáo kết quả rà soát thủ tục hành chính",
            Schedule(ScheduleKind.ONCE, due=date(2024, 7, 15)),
            now,
            [(a.id, "lead"), (b.id, "cooperating")],
        )
        monthly = await add_task(
            session,
            plan.id,
            "2",
            "Báo cáo tình hình tiếp nhận hồ sơ trực tuyến",
            Schedule(ScheduleKind.MONTHLY, start=date(2024, 7, 1)),
            now,
            [(c.id, "lead"), (a.id, "cooperating")],
        )
        world.tasks = {"once": once.id, "monthly": monthly.id}
        await sync_all_occurrences(session, until, DueRules(), calendar)
    return world


async def report(
    engine: AsyncEngine,
    occurrence_id: int,
    unit_id: int,
    status: str,
    at: datetime,
    percent: int | None = None,
    note: str = "",
) -> None:
    async with transaction(engine) as session:
        session.add(
            Report(
                occurrence_id=occurrence_id,
                unit_id=unit_id,
                status=status,
                percent=percent,
                note=note,
                created_at=at,
            )
        )
