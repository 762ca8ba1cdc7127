"""Benchmark: a reminder wave of 2,000 recipients through the fake Telegram Bot API, which
enforces Telegram's overall limit of 30 messages per second (sliding one-second window,
429 + retry_after beyond it).

Side by side:
  * ``dispatcher``: dondoc's path in production: outbox rows in SQLite, the reminder
    dispatcher (``scheduler.dispatcher``, pacing from the settings) sending through our
    ``TelegramChannel``; every 429 would pause the channel and retry the row later.
  * ``ptb``: python-telegram-bot's own ``AIORateLimiter`` (overall 30/s, its defaults)
    driving the same 2,000 ``send`` calls issued at once, as a PTB bot would.

    .venv/bin/python bench/bench_telegram_wave.py [--recipients 2000] [--only NAME]

Run by hand (takes a few minutes: the wave is bound by the 30/s limit). Prints one line per
scenario: delivered, 429 answers, failures, wall time, average rate, the most messages the
fake saw in any one-second window.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402
from sqlmodel import select  # noqa: E402
from telegram.ext import AIORateLimiter  # noqa: E402

from dondoc.bot.settings import Settings  # noqa: E402
from dondoc.bot.telegram_channel import TelegramChannel  # noqa: E402
from dondoc.scheduler.dispatcher import Dispatcher  # noqa: E402
from dondoc.scheduler.limits import RateLimits  # noqa: E402
from dondoc.scheduler.messaging import Option, OutgoingMessage  # noqa: E402
from dondoc.scheduler.outbox import enqueue  # noqa: E402
from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402
from dondoc.storage.models import Member, Outbox, OutboxStatus  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

MESSAGE = OutgoingMessage(
    'Kính gửi đồng chí: nhiệm vụ "Báo cáo kết quả rà soát thủ tục hành chính" (84/KH-UBND) '
    "đến hạn Thứ Hai, 15/07/2024. Đồng chí vui lòng báo cáo tiến độ.",
    (Option("Đã hoàn thành", "done"), Option("Đang thực hiện", "progress")),
)


class RunningClock:
    """Real time passing, but starting on a working-day morning (so quiet hours never hold
    the wave whatever hour the benchmark is run)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


@dataclass
class Result:
    name: str
    delivered: int
    too_many: int
    failed: int
    seconds: float
    max_window: int

    def line(self) -> str:
        rate = self.delivered / self.seconds if self.seconds else 0.0
        return (
            f"{self.name:<44} delivered {self.delivered:>5}  429s {self.too_many:>4}  "
            f"failed {self.failed:>4}  {self.seconds:6.1f} s  {rate:5.1f} msg/s  "
            f"max in 1 s: {self.max_window}"
        )


def max_in_window(times: list[float]) -> int:
    times.sort()
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def delivered_times(fake: FakeTelegram) -> list[float]:
    return [c.at for c in fake.calls if c.delivered]


async def count(engine: AsyncEngine, status: OutboxStatus) -> int:
    async with transaction(engine) as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.status == status.value)
        return (await session.exec(query)).one()


async def dispatcher_wave(
    recipients: int, per_second: float, concurrency: int, folder: Path
) -> Result:
    async with FakeTelegram(max_per_second=30) as fake:
        engine = make_engine(f"sqlite:///{folder / f'wave-{per_second}-{concurrency}.db'}")
        await migrate(engine)
        clock = RunningClock(datetime(2024, 7, 4, 1, 30, tzinfo=UTC))  # 08:30 in Hà Nội
        now = clock.now()
        async with transaction(engine) as session:
            members = [
                Member(
                    channel="telegram",
                    channel_user_id=str(10_000 + i),
                    chat_id=str(10_000 + i),
                    created_at=now,
                )
                for i in range(recipients)
            ]
            session.add_all(members)
            await session.flush()
            for member in members:
                await enqueue(
                    session,
                    key=f"wave:{member.id}",
                    kind="reminder",
                    member=member,
                    message=MESSAGE,
                    now=now,
                )
        channel = TelegramChannel(fake.token, fake.base_url, rate_limit=per_second)
        await channel.application.initialize()
        settings = Settings(telegram_rate_limit=per_second)
        dispatcher = Dispatcher(
            engine,
            {"telegram": channel},
            clock,
            limits={"telegram": RateLimits(settings.telegram_rate_limit, 1.0)},
            concurrency=concurrency,
        )
        started = time.monotonic()
        while True:
            await dispatcher.run_once()
            if not await count(engine, OutboxStatus.PENDING):
                break
            await asyncio.sleep(0.2)
        seconds = time.monotonic() - started
        failed = await count(engine, OutboxStatus.FAILED)
        await dispatcher.close()
        await channel.application.shutdown()
        await engine.dispose()
        name = f"dispatcher ({per_second:g}/s setting, concurrency {concurrency})"
        return Result(
            name,
            len(delivered_times(fake)),
            fake.too_many,
            failed,
            seconds,
            max_in_window(delivered_times(fake)),
        )


async def ptb_wave(recipients: int, max_retries: int) -> Result:
    async with FakeTelegram(max_per_second=30) as fake:
        limiter = AIORateLimiter(max_retries=max_retries)  # overall 30 per 1 s by default
        channel = TelegramChannel(fake.token, fake.base_url, rate_limiter=limiter)
        await channel.application.initialize()
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(channel.send(str(10_000 + i), MESSAGE) for i in range(recipients))
        )
        seconds = time.monotonic() - started
        await channel.application.shutdown()
        failed = sum(1 for o in outcomes if not o.ok)
        return Result(
            f"python-telegram-bot AIORateLimiter (max_retries={max_retries})",
            len(delivered_times(fake)),
            fake.too_many,
            failed,
            seconds,
            max_in_window(delivered_times(fake)),
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--only", choices=["dispatcher", "ptb"], default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # PTB logs every RetryAfter it raises
    print(f"{args.recipients} recipients; fake Telegram enforces 30 msg/s; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        if args.only in (None, "dispatcher"):
            default = Settings().telegram_rate_limit
            print((await dispatcher_wave(args.recipients, default, 1, Path(folder))).line())
            print((await dispatcher_wave(args.recipients, 30.0, 4, Path(folder))).line())
        if args.only in (None, "ptb"):
            print((await ptb_wave(args.recipients, 0)).line())
            print((await ptb_wave(args.recipients, 3)).line())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
