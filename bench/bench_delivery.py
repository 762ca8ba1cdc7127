"""Delivery rate (issue 4): the dispatcher sends a wave of 2,000 reminders, one per recipient,
to a local fake messenger (``tests/fake_channel.FakeServer``, aiohttp on 127.0.0.1) that
accepts at most 30 messages in any one-second window and answers 429 beyond it, as Telegram
does. Pacing: ``RateLimits(30, 1)`` (Telegram defaults; 3 % headroom). Run by hand:

    .venv/bin/python bench/bench_delivery.py [--recipients 2000] [--rate 30]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dondoc.scheduler import outbox  # noqa: E402
from dondoc.scheduler.calendar import WorkingCalendar  # noqa: E402
from dondoc.scheduler.dispatcher import Dispatcher  # noqa: E402
from dondoc.scheduler.limits import RateLimits  # noqa: E402
from dondoc.scheduler.messaging import OutgoingMessage  # noqa: E402
from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402
from dondoc.storage.models import Member, Unit  # noqa: E402
from tests.fake_channel import FakeServer, HttpChannel  # noqa: E402


class WallClockFrom:
    """Real time elapsing from a chosen (working-hours) moment: retry-after waits pass."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.origin = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.origin)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    clock = WallClockFrom(datetime(2024, 7, 17, 2, 0, tzinfo=UTC))  # Wednesday 09:00, Hà Nội
    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/delivery.db")
    await migrate(engine)
    now = clock.now()
    async with transaction(engine) as session:
        unit = Unit(code="U", name="Đơn vị", created_at=now, updated_at=now)
        session.add(unit)
        await session.flush()
        members = [
            Member(
                channel="telegram",
                channel_user_id=str(i),
                chat_id=str(i),
                unit_id=unit.id,
                created_at=now,
            )
            for i in range(args.recipients)
        ]
        session.add_all(members)
        await session.flush()
        envelopes = [
            outbox.Envelope(
                key=f"wave:{m.id}",
                kind="reminder",
                chat=(m.id, m.channel, m.chat_id, "vi"),
                message=OutgoingMessage(f"Nhắc việc số {m.id}"),
            )
            for m in members
        ]
        await outbox.enqueue_many(session, envelopes, now=now)
    server = FakeServer(rate_limit=30)
    await server.start()
    channel = HttpChannel(server.url, timeout=5.0)
    dispatcher = Dispatcher(
        engine,
        {"telegram": channel},
        clock,
        calendar=WorkingCalendar(),
        limits={"telegram": RateLimits(args.rate, 1.0)},
        batch_size=args.batch,
        concurrency=args.concurrency,
    )
    started = time.perf_counter()
    sent = 0
    while sent < args.recipients:
        stats = await dispatcher.run_once()
        sent += stats.sent
        if stats.claimed == 0:
            await asyncio.sleep(0.05)
    wall = time.perf_counter() - started
    times = [at for _chat, _text, at in server.delivered]
    window = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
    span = times[-1] - times[0]
    print("| recipients | delivered | 429 answers | wall time | rate (first→last) | max in 1 s |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.recipients:,} | {len(times):,} | {server.rejected_429} | {wall:.1f} s "
        f"| {(len(times) - 1) / span:.2f} msg/s | {window} |"
    )
    await dispatcher.close()
    await channel.close()
    await server.stop()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
