"""The reminder engine on PostgreSQL: the same outbox, planner and dispatcher by URL, and the
lease as an advisory lock that dies with its holder's connection."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from dondoc.scheduler import outbox
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.lease import DbLease
from dondoc.scheduler.limits import RateLimits
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.scheduler.ticks import build_engine
from dondoc.storage.db import transaction
from dondoc.storage.models import Member, Outbox, ReminderLog
from tests.fake_channel import FakeServer, HttpChannel
from tests.reminder_world import build_world

pytestmark = pytest.mark.postgres


async def test_plan_and_deliver_on_postgresql(pg_engine, calendar):
    clock = FakeClock(calendar.at(date(2024, 7, 17), time(8, 5)))
    world = await build_world(pg_engine, clock.now(), calendar)
    server = FakeServer()
    await server.start()
    channel = HttpChannel(server.url)
    reminders = build_engine(
        engine=pg_engine,
        channels={"telegram": channel},
        clock=clock,
        calendar=calendar,
        limits={"telegram": RateLimits(1000, 1000)},
    )
    try:
        first = await reminders.tick()
        again = await reminders.tick()
    finally:
        await reminders.dispatcher.close()
        await channel.close()
        await server.stop()
    assert first.queued == 4 and first.digests == 1 and first.delivery.sent == 5
    assert again.queued == 0 and again.delivery.sent == 0
    assert sorted(c for c, _t, _a in server.delivered) == ["a1", "a2", "b1", "c1", "co"]
    async with transaction(pg_engine) as session:
        logs = (await session.exec(select(ReminderLog))).all()
        a1 = await session.get(Member, world.members["a1"])
        taken = (await session.exec(select(Outbox.key).where(Outbox.member_id == a1.id))).first()
        row = await outbox.enqueue(
            session, key=taken, kind="reminder", member=a1,
            message=OutgoingMessage("x"), now=clock.now(),
        )  # fmt: skip
    assert row is None  # ON CONFLICT DO NOTHING on PostgreSQL too
    assert {(log.step, log.status) for log in logs if log.member_id == a1.id} == {
        ("overdue-1", "queued"), ("T-3", "queued"),
        ("T-7", "skipped"),  # of the task due 15/7: its time had passed before the start
        ("T-3", "skipped"), ("T-1", "skipped"), ("due", "skipped"),
    }  # fmt: skip


async def test_advisory_lock_frees_with_a_dead_connection(pg_engine):
    start = datetime(2024, 7, 17, 2, 0, tzinfo=UTC)
    clock = FakeClock(start)
    first = DbLease(pg_engine, clock, ttl=600)
    second = DbLease(pg_engine, clock, ttl=600)
    assert await first.acquire()
    assert not await second.acquire()
    # The first process "dies": its session (and the advisory lock) ends with it, while its
    # lease row still claims ten minutes. The second takes over at once.
    await first._pg_connection.invalidate()  # the server sees the connection close
    first._pg_connection = None
    assert await second.acquire() and second.newly_acquired
    holder = await second.holder_now()
    assert holder[0] == second.holder and holder[1] == start + timedelta(seconds=600)
    await second.release()
