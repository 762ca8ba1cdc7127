"""Planning waves: a pass with more messages than a tick's budget goes on over later ticks;
every recipient still gets each step once, in one message per tick, and a step that begins
while the wave is under way reaches the units planned before it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, time, timedelta

from sqlmodel import select

from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.occurrences import sync_all_occurrences
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind
from dondoc.storage.db import transaction
from dondoc.storage.models import Outbox, Plan, ReminderLog
from tests.reminder_world import add_member, add_task, add_unit, reminder_engine, ticking
from tests.test_planner_month import Recorder
from tests.waiting import wait_for

DUE = date(2024, 7, 22)  # Monday: T-7 is Thursday 11/7, T-3 Wednesday 17/7, T-1 Friday 19/7


async def units_with_one_task(engine, calendar, now, count: int) -> dict[str, int]:
    """``count`` units, one officer each (chat ``o<i>``), all assigned one task due ``DUE``."""
    members: dict[str, int] = {}
    async with transaction(engine) as session:
        units = [await add_unit(session, f"U{i}", f"Tổ dân phố số {i}", now) for i in range(count)]
        for i, unit in enumerate(units):
            members[f"o{i}"] = (await add_member(session, unit.id, f"o{i}", now)).id
        plan = Plan(code="12/KH-UBND", title="CCHC", year=2024, created_at=now, updated_at=now)
        session.add(plan)
        await session.flush()
        await add_task(
            session,
            plan.id,
            "1",
            "Báo cáo rà soát thủ tục hành chính",
            Schedule(ScheduleKind.ONCE, due=DUE),
            now,
            [(u.id, "lead") for u in units],
        )
        await sync_all_occurrences(session, date(2024, 8, 31), DueRules(), calendar)
    return members


async def logged_steps(engine) -> Counter[tuple[int, str, str]]:
    async with transaction(engine) as session:
        rows = (await session.exec(select(ReminderLog))).all()
    return Counter((row.member_id, row.step, row.status) for row in rows)


async def test_a_wave_bigger_than_the_budget_goes_on_at_the_next_ticks(engine, calendar):
    clock = FakeClock(calendar.at(date(2024, 7, 17), time(8, 0)))
    members = await units_with_one_task(engine, calendar, clock.now(), 7)
    channel = Recorder()
    reminders = reminder_engine(engine, clock, calendar, channel, slice_units=2, tick_budget=3)
    first = await reminders.tick()  # the first pass: the whole window, T-3 is current
    assert (first.queued, first.slices) == (4, 2)  # two slices of two units, then the budget
    assert sorted(c for c, _t in channel.sent) == ["o0", "o1", "o2", "o3"]
    assert reminders.wave is not None and reminders.planned_until is None
    clock.advance(timedelta(minutes=1))
    second = await reminders.tick()
    assert (second.queued, second.slices) == (3, 2)  # units 5–6, then unit 7
    clock.advance(timedelta(minutes=1))
    third = await reminders.tick()  # no unit left: the wave is over
    assert (third.queued, third.slices) == (0, 0) and reminders.wave is None
    # The next pass starts where this one started, for steps that began during it.
    assert reminders.planned_until == calendar.at(date(2024, 7, 17), time(8, 0))
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        assert (await reminders.tick()).queued == 0
    sent = Counter(c for c, _t in channel.sent)
    assert sent == Counter({f"o{i}": 1 for i in range(7)})
    assert all("còn 3 ngày làm việc" in text for _c, text in channel.sent)
    steps = await logged_steps(engine)
    for member in members.values():
        assert steps[(member, "T-3", "queued")] == 1
        assert steps[(member, "T-7", "skipped")] == 1  # before the bot started


async def test_a_step_beginning_mid_wave_reaches_the_units_planned_before_it(engine, calendar):
    """07:58: T-7 is still current; the 08:00 T-3 begins while the wave is on unit 3."""
    clock = FakeClock(calendar.at(date(2024, 7, 17), time(7, 58)))
    members = await units_with_one_task(engine, calendar, clock.now(), 5)
    channel = Recorder()
    reminders = reminder_engine(engine, clock, calendar, channel, slice_units=1, tick_budget=1)
    by_tick: list[list[str]] = []
    for _ in range(12):
        before = len(channel.sent)
        await reminders.tick()
        by_tick.append([c for c, _t in channel.sent[before:]])
        clock.advance(timedelta(minutes=1))
    assert all(len(chats) == len(set(chats)) for chats in by_tick)  # one message per tick
    assert by_tick[:5] == [["o0"], ["o1"], ["o2"], ["o3"], ["o4"]]
    # 07:58 and 07:59: T-7 to o0 and o1; from 08:00 T-3 to o2–o4, then, in the next wave,
    # to o0 and o1 as well.
    assert by_tick[6:8] == [["o0"], ["o1"]]
    assert sum(len(chats) for chats in by_tick) == 7
    steps = await logged_steps(engine)
    for i, member in enumerate(members.values()):
        assert steps[(member, "T-3", "queued")] == 1
        assert steps[(member, "T-7", "queued" if i < 2 else "skipped")] == 1


async def test_ticks_deliver_a_sliced_wave_through_the_fake_messenger(engine, calendar):
    """The real APScheduler ticks with a budget of one message: all six are delivered once."""
    clock = FakeClock(calendar.at(date(2024, 7, 17), time(8, 5)))
    await units_with_one_task(engine, calendar, clock.now(), 6)
    options = {"tick_seconds": 0.1, "slice_units": 1, "tick_budget": 1}
    async with ticking(engine, clock, calendar, **options) as (server, ticks):
        await wait_for(lambda: len(server.delivered) >= 6)
        await asyncio.sleep(0.5)  # more ticks: the wave is over, nothing more goes out
        assert sorted(chat for chat, _text, _at in server.delivered) == [f"o{i}" for i in range(6)]
        assert ticks.reminders.wave is None
    async with transaction(engine) as session:
        statuses = Counter((await session.exec(select(Outbox.status))).all())
    assert statuses == Counter({"sent": 6})
