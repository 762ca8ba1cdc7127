"""The ticks on a real APScheduler AsyncIOScheduler, delivering to a local fake messenger."""

from __future__ import annotations

import asyncio
from datetime import date, time

from dondoc.scheduler.clock import FakeClock
from tests.reminder_world import build_world, ticking
from tests.waiting import wait_for


async def test_ticks_plan_and_deliver_once(engine, calendar):
    clock = FakeClock(calendar.at(date(2024, 7, 17), time(8, 5)))
    await build_world(engine, clock.now(), calendar)
    async with ticking(engine, clock, calendar, tick_seconds=0.2) as (server, ticks):
        scheduler = ticks.scheduler
        # One job: the tick, which also queues the digest once its time of day has come.
        [job] = scheduler.get_jobs()
        assert job.id == "reminders.tick"
        assert job.coalesce is True
        assert job.misfire_grace_time is None
        assert job.max_instances == 1

        # a1, a2, b1, c1 get their reminders; the coordinator its digest (08:05 ≥ 08:00).
        await wait_for(lambda: len(server.delivered) >= 5)
        await asyncio.sleep(1.0)  # several more ticks: nothing new
        chats = sorted(chat for chat, _text, _at in server.delivered)
        assert chats == ["a1", "a2", "b1", "c1", "co"]
    assert not ticks.scheduler.running


async def test_stop_waits_for_the_tick_in_flight(engine, calendar):
    """A tick that is delivering when the process is told to stop completes first."""
    from dondoc.scheduler.ticks import Ticking

    clock = FakeClock(calendar.at(date(2024, 7, 17), time(8, 5)))
    await build_world(engine, clock.now(), calendar)
    async with ticking(engine, clock, calendar, tick_seconds=3600) as (_server, ticks):
        assert isinstance(ticks, Ticking)
        entered, release = asyncio.Event(), asyncio.Event()
        real_tick = ticks.reminders._tick

        async def slow_tick():
            entered.set()
            await release.wait()
            return await real_tick()

        ticks.reminders._tick = slow_tick
        in_flight = asyncio.ensure_future(ticks.reminders.tick())
        await entered.wait()
        stopping = asyncio.ensure_future(ticks.stop())
        await asyncio.sleep(0.1)
        assert not stopping.done()  # waits for the tick …
        release.set()
        await asyncio.wait_for(stopping, 5)
        assert in_flight.done() and in_flight.result().held  # … which completed


def test_engine_from_settings(engine, monkeypatch):
    from dondoc.bot.settings import Settings
    from dondoc.scheduler.clock import SystemClock
    from dondoc.scheduler.ticks import build_engine

    monkeypatch.setenv("DONDOC_DELIVERY_CONCURRENCY", "4")
    monkeypatch.setenv("DONDOC_TELEGRAM_CHAT_RATE", "0.5")
    monkeypatch.setenv("DONDOC_REMIND_OVERDUE_MAX", "2")
    monkeypatch.setenv("DONDOC_PLAN_TICK_MESSAGES", "400")
    reminders = build_engine(engine=engine, channels={}, clock=SystemClock(), settings=Settings())
    assert reminders.dispatcher.concurrency == 4
    assert reminders.tick_budget == 400
    assert reminders.policy.step_names()[-1] == "overdue-2"
    limits = Settings().delivery_limits()
    assert limits["telegram"].per_chat_per_second == 0.5
    assert reminders.dispatcher.lease.ttl.total_seconds() == Settings().dispatcher_lease_seconds
