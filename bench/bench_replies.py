"""Benchmark (run by hand): replies handled per second end to end through the in-process
console channel with SQLite (issue 5 target: ≥ 300 replies/s, p99 < 100 ms).

A ward-sized world: 200 units with one officer each, one plan of 20 tasks assigned to every
unit (4,000 open (task, unit) pairs), one reminder logged per officer. Officers then send a
realistic mix: short reports ("xong", "đang làm 70%", "vướng: chưa có số liệu"), "ok"
(the bot asks for the status), option numbers, /viec and /baocao. Each message is a full
``ConsoleSession.say``: dedupe mark, member and state lookup, understanding, report + audit
written, state saved, answer rendered — one SQLite transaction per message.

    .venv/bin/python bench/bench_replies.py                 # 3,000 messages, then concurrent
    .venv/bin/python bench/bench_replies.py --messages 500  # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dondoc.bot.console import ConsoleChannel, ConsoleSession  # noqa: E402
from dondoc.handlers.conversation.context import BotContext  # noqa: E402
from dondoc.handlers.conversation.core import Conversation  # noqa: E402
from dondoc.scheduler.calendar import WorkingCalendar  # noqa: E402
from dondoc.scheduler.clock import FakeClock  # noqa: E402
from dondoc.scheduler.occurrences import sync_all_occurrences  # noqa: E402
from dondoc.scheduler.schedules import DueRules, Schedule, ScheduleKind  # noqa: E402
from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402
from dondoc.storage.models import (  # noqa: E402
    Assignment,
    Member,
    Occurrence,
    Plan,
    ReminderLog,
    Task,
    Unit,
)

NOW = datetime(2024, 7, 8, 2, 0, tzinfo=UTC)
MIX = [
    ("đang làm 70%", 20),
    ("xong", 10),
    ("vướng: chưa có số liệu của tổ dân phố", 8),
    ("Da hoan thanh", 5),
    ("ok", 12),
    ("1", 15),
    ("2", 5),
    ("/viec", 15),
    ("/baocao", 10),
]


async def build(engine, units: int, tasks: int) -> list[str]:  # noqa: ANN001
    async with transaction(engine) as session:
        plan = Plan(code="84/KH-UBND", year=2024, created_at=NOW, updated_at=NOW)
        session.add(plan)
        await session.flush()
        unit_rows = [
            Unit(
                code=f"U{n:03d}",
                name=f"UBND phường số {n}",
                kind="ubnd_phuong",
                created_at=NOW,
                updated_at=NOW,
            )
            for n in range(units)
        ]
        session.add_all(unit_rows)
        task_rows = [
            Task(
                plan_id=plan.id,
                key=str(i + 1),
                ordinal=str(i + 1),
                position=i,
                title=f"Nhiệm vụ cải cách hành chính số {i + 1}",
                schedule_kind="once",
                schedule=Schedule(ScheduleKind.ONCE, due=date(2024, 7, 1 + i)).to_dict(),
                created_at=NOW,
                updated_at=NOW,
            )
            for i in range(tasks)
        ]
        session.add_all(task_rows)
        await session.flush()
        session.add_all(
            Assignment(task_id=t.id, unit_id=u.id, role="lead")
            for t in task_rows
            for u in unit_rows
        )
        members = [
            Member(
                channel="console",
                channel_user_id=f"cb{u.code}",
                chat_id=f"cb{u.code}",
                display_name=f"cb{u.code}",
                unit_id=u.id,
                role="officer",
                created_at=NOW,
            )
            for u in unit_rows
        ]
        session.add_all(members)
        await session.flush()
        await sync_all_occurrences(session, date(2024, 12, 31), DueRules(), WorkingCalendar())
        first = (
            await session.exec(
                Occurrence.__table__.select().order_by(Occurrence.id).limit(1)  # type: ignore[attr-defined]
            )
        ).first()
        for member in members:
            session.add(
                ReminderLog(
                    key=f"b:{member.id}",
                    occurrence_id=first.id,
                    unit_id=member.unit_id,
                    member_id=member.id,
                    step="T-1",
                    created_at=NOW,
                )
            )
    return [m.channel_user_id for m in members]


def pick(rng: random.Random) -> str:
    texts, weights = zip(*MIX, strict=True)
    return rng.choices(texts, weights)[0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(
    messages: int, units: int, tasks: int, concurrency: int, url: str | None = None
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-replies-"))
    print(f"load average at the start (1 / 5 / 15 min): {load()}")
    engine = make_engine(url or f"sqlite:///{folder / 'bench.db'}")
    await migrate(engine)
    users = await build(engine, units, tasks)
    ctx = BotContext(engine=engine, clock=FakeClock(NOW))
    conversation = Conversation(ctx)
    sink: list[int] = []
    channel = ConsoleChannel(lambda text: sink.append(len(text)))
    sessions = {u: ConsoleSession(conversation, channel, u) for u in users}
    rng = random.Random(5)
    for user in users[:10]:  # warm up caches (catalogs, holidays, statements)
        await sessions[user].say("/viec")

    latencies: list[float] = []
    steal_before = cpu_ticks()
    cpu_started, started = time.process_time(), time.perf_counter()
    for _ in range(messages):
        user = rng.choice(users)
        t0 = time.perf_counter()
        await sessions[user].say(pick(rng))
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    print(
        f"sequential: {messages} messages in {elapsed:.2f} s = {messages / elapsed:.0f} msg/s; "
        f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
    )
    print(
        f"  process CPU {cpu / messages * 1000:.2f} ms a message (both threads); "
        f"CPU stolen by the host meanwhile: {stolen(steal_before, cpu_ticks())}"
    )

    by_kind: dict[str, list[float]] = {}
    rng = random.Random(6)
    for _ in range(min(messages, 1500)):
        user, text = rng.choice(users), pick(rng)
        t0 = time.perf_counter()
        await sessions[user].say(text)
        by_kind.setdefault(text, []).append((time.perf_counter() - t0) * 1000)
    for text, values in sorted(by_kind.items()):
        print(
            f"  {text!r:45} n={len(values):4d} p50 {statistics.median(values):5.1f} ms "
            f"p99 {percentile(values, 0.99):5.1f} ms"
        )

    latencies = []

    async def worker(seed: int, count: int) -> None:
        local = random.Random(seed)
        for _ in range(count):
            user = local.choice(users)
            t0 = time.perf_counter()
            await sessions[user].say(pick(local))
            latencies.append((time.perf_counter() - t0) * 1000)

    per = messages // concurrency
    started = time.perf_counter()
    await asyncio.gather(*(worker(100 + i, per) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    total = per * concurrency
    print(
        f"concurrent x{concurrency}: {total} messages in {elapsed:.2f} s = "
        f"{total / elapsed:.0f} msg/s; p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms"
    )
    async with transaction(engine) as session:
        from sqlalchemy import func, select

        from dondoc.storage.models import Report

        reports = (await session.exec(select(func.count()).select_from(Report))).one()
    print(f"reports written: {reports[0] if isinstance(reports, tuple) else reports}")
    await engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    print(f"load average at the end: {load()} (2 cores are shared with other work: compare runs)")


def cpu_ticks() -> tuple[int, int] | None:
    """(steal, total) jiffies of all CPUs from /proc/stat (Linux), for the host's steal time."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields[:8]]
    return values[7], sum(values)


def stolen(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    if before is None or after is None or after[1] == before[1]:
        return "unknown"
    return f"{100 * (after[0] - before[0]) / (after[1] - before[1]):.0f} %"


def load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="run on a fresh database of the local PostgreSQL (127.0.0.1:5432) instead",
    )
    args = parser.parse_args()
    if not args.postgres:
        asyncio.run(run(args.messages, args.units, args.tasks, args.concurrency))
        return
    from tests.conftest import fresh_postgres_database  # the tests' own set-up and clean-up

    async def on_postgres() -> None:
        async with fresh_postgres_database("dondoc_bench") as url:
            await run(args.messages, args.units, args.tasks, args.concurrency, url)

    asyncio.run(on_postgres())


if __name__ == "__main__":
    main()
