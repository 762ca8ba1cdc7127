"""Downtime: the bot is stopped for three days and restarted; only the latest step still due
for each (occurrence, unit, recipient) goes out, once; superseded steps are logged skipped."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import select

from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.ticks import build_engine
from dondoc.storage.db import transaction
from dondoc.storage.models import Outbox, ReminderLog
from tests.reminder_world import build_world, reminder_engine
from tests.test_planner_month import Recorder


def make(engine, clock, calendar, channel):
    return reminder_engine(engine, clock, calendar, channel, lease_ttl=120)


async def test_three_days_down_then_only_the_latest_step(engine, calendar):
    clock = FakeClock(calendar.at(date(2024, 7, 10), time(8, 30)))
    world = await build_world(engine, clock.now(), calendar)
    channel = Recorder()
    first = make(engine, clock, calendar, channel)
    await first.tick()  # T-3 of the task due 15/7 goes out on Wednesday 10/7
    assert len([c for c, _t in channel.sent if c == "a1"]) == 1

    # Down from Wednesday 10/7 09:00 to Monday 15/7 10:00: T-1 (12/7) of the task due 15/7
    # and T-7 (11/7) of the July report were missed; on 15/7 the due step is the latest.
    clock.set(calendar.at(date(2024, 7, 15), time(10, 0)))
    channel.sent.clear()
    second = make(engine, clock, calendar, channel)  # a new process: catches up
    result = await second.tick()
    assert result.held and result.delivery.recovered == 0
    to_a1 = [t for c, t in channel.sent if c == "a1"]
    assert len(to_a1) == 1  # one grouped message: the due step and the report's T-7
    assert "đến hạn hôm nay" in to_a1[0] and "22/07/2024" in to_a1[0]
    for _ in range(5):  # later ticks the same day add nothing
        clock.advance(timedelta(minutes=30))
        await second.tick()
    assert len([c for c, _t in channel.sent if c == "a1"]) == 1

    async with transaction(engine) as session:
        logs = (
            await session.exec(
                select(ReminderLog).where(ReminderLog.member_id == world.members["a1"])
            )
        ).all()
    steps = {(log.occurrence_id, log.step, log.status) for log in logs}
    once, july = sorted({log.occurrence_id for log in logs})
    assert steps == {
        (once, "T-7", "skipped"),  # before the first start: the bot came up at T-3
        (once, "T-3", "queued"),  # sent on 10/7
        (once, "T-1", "skipped"),  # superseded during the downtime, never sent
        (once, "due", "queued"),
        (july, "T-7", "queued"),  # the July report's first step, still the latest
    }


async def test_pending_message_superseded_after_delivery_outage(engine, calendar):
    """Planned but never delivered (the channel was down): a newer step replaces it."""
    clock = FakeClock(calendar.at(date(2024, 7, 10), time(8, 30)))
    world = await build_world(engine, clock.now(), calendar)
    planner_only = build_engine(engine=engine, channels={}, clock=clock, calendar=calendar)
    await planner_only.tick()  # nobody can deliver Telegram: rows stay pending
    clock.set(calendar.at(date(2024, 7, 12), time(8, 30)))
    await planner_only.tick()
    async with transaction(engine) as session:
        rows = (
            await session.exec(
                select(Outbox).where(Outbox.member_id == world.members["a1"]).order_by(Outbox.id)
            )
        ).all()
    assert [r.status for r in rows] == ["skipped", "pending"]
    assert "superseded" in rows[0].last_error
    assert len(rows[1].payload["meta"]["reminders"]) == 2  # T-1 of one task, T-7 of another


async def test_new_member_is_caught_up_by_the_daily_pass(engine, calendar):
    """Ticks between passes only look at steps that just began; the first pass of each day
    reconciles the whole window, so a member linked mid-day is included the next morning."""
    from dondoc.storage.db import transaction as tx
    from tests.reminder_world import add_member

    clock = FakeClock(calendar.at(date(2024, 7, 10), time(8, 30)))
    world = await build_world(engine, clock.now(), calendar)
    channel = Recorder()
    reminders = make(engine, clock, calendar, channel)
    await reminders.tick()
    async with tx(engine) as session:
        await add_member(session, world.units["VP"], "a3", clock.now(), name="Võ Văn Em")
    clock.set(calendar.at(date(2024, 7, 10), time(10, 0)))
    await reminders.tick()
    assert not [c for c, _t in channel.sent if c == "a3"]
    clock.set(calendar.at(date(2024, 7, 10), time(20, 0)))  # evening: nothing is planned
    assert (await reminders.tick()).queued == 0
    clock.set(calendar.at(date(2024, 7, 11), time(8, 0)))
    await reminders.tick()
    to_a3 = [t for c, t in channel.sent if c == "a3"]
    assert len(to_a3) == 1
    assert "15/07/2024" in to_a3[0] and "22/07/2024" in to_a3[0]  # T-3 still current, T-7 new
