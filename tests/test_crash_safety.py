"""Crash safety: a dispatcher subprocess killed with SIGKILL at random points of a 500-message
wave, 20 times, then restarted: every message delivered, at most one duplicate per kill.
Two dispatchers on one database at once: no duplicate at all. ``dondoc run`` stopped with
SIGTERM in the middle of a wave: it stops after the message in flight (not after the wave,
which a supervisor would cut short with SIGKILL), and the restart sends the rest — no message
twice (the README's promise, issue 16 item 9)."""

from __future__ import annotations

import asyncio
import random
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from dondoc.scheduler import outbox
from dondoc.scheduler.messaging import OutgoingMessage
from dondoc.storage.db import make_engine, migrate, transaction
from dondoc.storage.models import Lease, Outbox, Unit
from tests.fake_channel import FakeServer
from tests.fakes.telegram_api import FakeTelegram
from tests.reminder_world import add_member
from tests.test_run import start_bot
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[1]


async def fill(engine, count: int, prefix: str, first_chat: int | None = None) -> None:
    """``count`` notices to ``count // 5`` members; chats named after ``prefix``, or numbered
    from ``first_chat`` (Telegram's chat ids are numbers)."""
    now = datetime.now(UTC)
    async with transaction(engine) as session:
        unit = Unit(code=f"U-{prefix}", name="Đơn vị thử", created_at=now, updated_at=now)
        session.add(unit)
        await session.flush()
        members = [
            await add_member(
                session, unit.id, f"{prefix}{i}" if first_chat is None else str(first_chat + i), now
            )
            for i in range(count // 5)
        ]
        for i in range(count):
            await outbox.enqueue(
                session,
                key=f"{prefix}:{i}",
                kind="notice",  # not held back by quiet hours: the test runs at any hour
                member=members[i % len(members)],
                message=OutgoingMessage(f"{prefix}-{i}"),
                now=now,
            )


async def spawn(url: str, server: FakeServer) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.crash_dispatcher", url, server.url, "5", cwd=ROOT
    )


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


async def holder_pid(engine) -> int | None:
    async with transaction(engine) as session:
        lease = await session.get(Lease, "dispatcher")
    return int(lease.holder.rsplit(":", 2)[1]) if lease else None


@pytest.mark.slow
async def test_kill_minus_nine_twenty_times(engine, tmp_path):
    """Standby processes are always waiting (as a supervisor would restart one), so the
    successor of a killed dispatcher is ready; it takes over the lease of the dead one."""
    await fill(engine, 500, "crash")
    server = FakeServer()
    await server.start()
    rng = random.Random(4)
    kills = 0
    loop = asyncio.get_running_loop()
    running: dict[int, asyncio.subprocess.Process] = {}
    try:
        for _round in range(20):
            while len(running) < 3:
                process = await spawn(db_url(tmp_path), server)
                running[process.pid] = process
            target = len(server.delivered) + rng.randint(1, 20)
            deadline = loop.time() + 30
            while len(server.delivered) < target:
                assert loop.time() < deadline, "the dispatchers made no progress"
                assert all(p.returncode is None for p in running.values()), "wave ended early"
                await asyncio.sleep(0.002)
            pid = await holder_pid(engine)
            assert pid in running
            running[pid].kill()  # SIGKILL: no cleanup, no lease release
            await running.pop(pid).wait()
            kills += 1
        codes = await asyncio.wait_for(
            asyncio.gather(*(p.wait() for p in running.values())), timeout=120
        )
        assert set(codes) == {0}
    finally:
        for process in running.values():
            if process.returncode is None:
                process.kill()
                await process.wait()
        await server.stop()

    seen = Counter(text for _chat, text, _at in server.delivered)
    assert set(seen) == {f"crash-{i}" for i in range(500)}  # no loss
    duplicates = sum(n - 1 for n in seen.values())
    assert max(seen.values()) <= 2
    assert duplicates <= kills, (duplicates, kills)
    assert kills == 20
    async with transaction(engine) as session:
        rows = (await session.exec(select(Outbox))).all()
    assert {r.status for r in rows} == {"sent"}
    assert all(r.sent_at is not None and r.attempts >= 1 for r in rows)


async def test_two_dispatchers_one_database(engine, tmp_path):
    await fill(engine, 300, "pair")
    server = FakeServer()
    await server.start()
    try:
        first, second = await spawn(db_url(tmp_path), server), await spawn(db_url(tmp_path), server)
        codes = await asyncio.wait_for(asyncio.gather(first.wait(), second.wait()), timeout=120)
    finally:
        await server.stop()
    assert codes == [0, 0]
    seen = Counter(text for _chat, text, _at in server.delivered)
    assert set(seen) == {f"pair-{i}" for i in range(300)}
    assert set(seen.values()) == {1}


async def test_clean_stop_in_a_wave_doubles_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'dondoc.db'}")

    await migrate(engine)
    await fill(engine, 100, "wave", first_chat=5000)
    async with FakeTelegram() as telegram:
        env = {
            "DONDOC_TELEGRAM_BOT_TOKEN": telegram.token,
            "DONDOC_TELEGRAM_BASE_URL": telegram.base_url,
            "DONDOC_TELEGRAM_RATE_LIMIT": "5",  # a wave of 20 s, as Zalo's pace makes them
        }
        for _stop in range(2):  # stopped twice in the middle of the wave …
            bot = await start_bot(tmp_path, **env)
            already = len(telegram.sent())
            await wait_for(lambda n=already + 5: len(telegram.sent()) >= n, timeout=20)
            started = asyncio.get_running_loop().time()
            assert await bot.terminate() == 0, bot.output
            assert asyncio.get_running_loop().time() - started < 5  # not the whole wave
            async with transaction(engine) as session:
                counts = await outbox.counts(session)
            assert counts["sending"] == 0 and counts["pending"] > 0, bot.output
            assert counts["sent"] == len(telegram.sent())  # each one marked before the exit
        env["DONDOC_TELEGRAM_RATE_LIMIT"] = "30"
        bot = await start_bot(tmp_path, **env)  # … then left to finish it
        await wait_for(lambda: len(telegram.sent()) >= 100, timeout=30)
        assert await bot.terminate() == 0
    texts = Counter(m["text"] for m in telegram.sent())
    assert texts == Counter({f"wave-{i}": 1 for i in range(100)})  # none lost, none twice
    await engine.dispose()
