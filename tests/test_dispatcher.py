"""Dispatcher against a local fake messenger: retry-after, 5xx, timeouts, blocked users,
quiet hours, the lease. Time is a fake clock; only the HTTP exchange is real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from dondoc.scheduler import outbox
from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.dispatcher import Dispatcher
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.db import transaction
from dondoc.storage.models import AuditLog, Member, Outbox
from tests.fake_channel import FakeServer, HttpChannel
from tests.test_outbox import make_member


@pytest.fixture
async def server():
    fake = FakeServer(timeout_delay=0.6)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def channel(server):
    ch = HttpChannel(server.url, timeout=0.3)
    yield ch
    await ch.close()


async def queue(engine, now, chats: list[str], kind: str = "reminder") -> dict[str, int]:
    ids = {}
    async with transaction(engine) as session:
        for chat in chats:
            member = (
                await session.exec(select(Member).where(Member.chat_id == chat))
            ).first() or await make_member(session, now, chat=chat)
            row = await outbox.enqueue(
                session,
                key=f"{kind}:{chat}:{len(ids)}:{now.isoformat()}",
                kind=kind,
                member=member,
                message=OutgoingMessage(f"tin cho {chat}"),
                now=now,
            )
            ids[chat] = row.id
    return ids


async def row(engine, row_id) -> Outbox:
    async with transaction(engine) as session:
        return await session.get(Outbox, row_id)


def dispatcher(engine, channel, clock, **kw) -> Dispatcher:
    return Dispatcher(engine, {"telegram": channel}, clock, calendar=WorkingCalendar(), **kw)


async def test_sends_and_records(engine, clock, server, channel):
    ids = await queue(engine, clock.now(), ["1", "2", "3"])
    stats = await dispatcher(engine, channel, clock).run_once()
    assert stats.sent == 3 and stats.held
    assert sorted(c for c, _t, _m in server.delivered) == ["1", "2", "3"]
    sent = await row(engine, ids["2"])
    assert sent.status == "sent" and sent.attempts == 1 and sent.sent_at == clock.now()
    assert (await dispatcher(engine, channel, clock).run_once()).sent == 0


async def test_retry_after_pauses_the_channel(engine, clock, server, channel):
    server.answer("1", "429:5")
    ids = await queue(engine, clock.now(), ["1", "2"])
    d = dispatcher(engine, channel, clock)
    stats = await d.run_once()
    assert stats.rate_limited == 1 and stats.sent == 0
    first = await row(engine, ids["1"])
    assert first.status == "pending" and "429" in first.last_error
    assert first.next_attempt_at == clock.now() + timedelta(seconds=5)
    second = await row(engine, ids["2"])
    assert second.status == "pending" and second.attempts == 0  # released untried
    assert (await d.run_once()).sent == 0  # still paused
    clock.advance(timedelta(seconds=5))
    assert (await d.run_once()).sent == 2
    assert (await row(engine, ids["1"])).attempts == 2


async def test_server_errors_and_timeouts_back_off(engine, clock, server, channel):
    server.answer("1", "500", "timeout")
    ids = await queue(engine, clock.now(), ["1"])
    d = dispatcher(engine, channel, clock, backoff_base=30)
    assert (await d.run_once()).retried == 1
    r = await row(engine, ids["1"])
    assert r.status == "pending" and r.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert "502" in r.last_error
    clock.advance(timedelta(seconds=30))
    assert (await d.run_once()).retried == 1  # the timeout
    r = await row(engine, ids["1"])
    assert "timeout" in r.last_error
    assert r.next_attempt_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=60))
    assert (await d.run_once()).sent == 1
    r = await row(engine, ids["1"])
    assert r.status == "sent" and r.attempts == 3 and r.sent_at == clock.now()


async def test_gives_up_after_max_attempts(engine, clock, server, channel):
    server.answer("1", "500", "500", "500")
    ids = await queue(engine, clock.now(), ["1"])
    d = dispatcher(engine, channel, clock, max_attempts=3, backoff_base=1)
    for _ in range(5):
        await d.run_once()
        clock.advance(timedelta(minutes=5))
    r = await row(engine, ids["1"])
    assert r.status == "failed" and r.attempts == 3
    assert server.requests == 3 and not server.delivered


async def test_blocked_user_is_marked_unreachable_and_never_retried(engine, clock, server, channel):
    server.answer("1", "blocked")
    ids = await queue(engine, clock.now(), ["1"])
    later = await queue(engine, clock.now() + timedelta(hours=1), ["1"])
    d = dispatcher(engine, channel, clock)
    stats = await d.run_once()
    assert stats.unreachable == 1
    r = await row(engine, ids["1"])
    assert r.status == "failed" and "blocked" in r.last_error
    async with transaction(engine) as session:
        member = await session.get(Member, r.member_id)
        assert member.reachable is False and "blocked" in member.unreachable_reason
        assert member.unreachable_at == clock.now()
        audit = (await session.exec(select(AuditLog))).all()
        assert [a.action for a in audit] == ["member.unreachable"]
    assert (await row(engine, later["1"])).status == "skipped"
    clock.advance(timedelta(days=1))
    await d.run_once()
    assert server.requests == 1


async def test_permanent_failure_is_not_retried(engine, clock, server, channel):
    server.answer("1", "400")
    ids = await queue(engine, clock.now(), ["1"])
    d = dispatcher(engine, channel, clock)
    assert (await d.run_once()).failed == 1
    clock.advance(timedelta(hours=2))
    await d.run_once()
    assert (await row(engine, ids["1"])).status == "failed" and server.requests == 1


async def test_quiet_hours_hold_reminders_but_not_notices(engine, clock, server, channel):
    clock.set(datetime(2024, 7, 5, 13, 0, tzinfo=UTC))  # Friday 20:00 in Hà Nội
    reminder = await queue(engine, clock.now(), ["1"])
    notice = await queue(engine, clock.now(), ["2"], kind="notice")
    d = dispatcher(engine, channel, clock)
    assert (await d.run_once()).sent == 1
    assert (await row(engine, notice["2"])).status == "sent"
    clock.set(datetime(2024, 7, 6, 3, 0, tzinfo=UTC))  # Saturday 10:00: not a working day
    assert (await d.run_once()).sent == 0
    clock.set(datetime(2024, 7, 8, 0, 30, tzinfo=UTC))  # Monday 07:30
    assert (await d.run_once()).sent == 1
    assert (await row(engine, reminder["1"])).status == "sent"


async def test_only_the_lease_holder_sends(engine, clock, server, channel):
    await queue(engine, clock.now(), ["1", "2"])
    first = dispatcher(engine, channel, clock, lease_ttl=30)
    second = dispatcher(engine, channel, clock, lease_ttl=30)
    assert (await first.run_once()).sent == 2
    await queue(engine, clock.now(), ["3"])
    stats = await second.run_once()
    assert not stats.held and stats.sent == 0
    clock.advance(timedelta(seconds=31))  # the first holder stopped renewing
    stats = await second.run_once()
    assert stats.held and stats.sent == 1
    assert not (await first.run_once()).held
    await second.close()
    assert (await first.run_once()).held


async def test_sliding_window_never_admits_more_than_its_limit():
    import asyncio

    from dondoc.scheduler.limits import SlidingWindow

    window = SlidingWindow(5, 0.1)
    loop = asyncio.get_running_loop()
    times = []
    for _ in range(12):
        async with window:
            times.append(loop.time())
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t < start + 0.1) <= 5
    assert times[5] - times[0] >= 0.1  # the sixth waited for the first to leave the window
