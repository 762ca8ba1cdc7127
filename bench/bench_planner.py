"""Planner tick on a national-scale database (issue 4): 3,321 communes × 8 units × 60 tasks in
a year ≈ 1.6 M unit-occurrences, SQLite file. Run by hand:

    .venv/bin/python bench/bench_planner.py [--communes 3321] [--keep PATH]

Each commune has one plan of 60 one-off tasks with due dates spread over the working days of
2024, each assigned to the commune's 8 units (1 lead, 7 cooperating); each unit has one
officer and one head. Units reported 70 % of the past occurrences done. Measured at
Wednesday 17/07/2024:

- steady tick: a tick at 10:01 with the previous one at 10:00 (what 99 % of ticks are);
- catch-up wave: the first ticks after a restart at 10:00 (the whole due-date window);
- morning wave: from 08:00, when the steps of the day begin for everyone.

A wave is planned over ticks of one minute, at most ``--budget`` messages queued per tick
(``scheduler.waves``), each tick planning and writing; the table gives the slowest and the
mean tick. The last line is the whole morning wave computed in one go (what
``dondoc remind --dry-run`` does), for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dondoc.scheduler.calendar import WorkingCalendar  # noqa: E402
from dondoc.scheduler.policy import ReminderPolicy  # noqa: E402
from dondoc.scheduler.reminder_queue import compute_tick  # noqa: E402
from dondoc.scheduler.waves import SLICE_UNITS, TICK_BUDGET, Wave, advance  # noqa: E402
from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402

UNITS_PER_COMMUNE = 8
TASKS_PER_COMMUNE = 60
STAMP = "2024-01-02 01:00:00.000000"


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert(db: sqlite3.Connection, table: str, columns: str, rows: list[tuple]) -> None:
    names = ", ".join(f'"{c.strip()}"' for c in columns.split(","))
    marks = ",".join("?" * len(columns.split(",")))
    db.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def populate(path: Path, communes: int, calendar: WorkingCalendar, today: date) -> dict[str, int]:
    rng = random.Random(2024)
    working = [
        date(2024, 1, 1) + timedelta(days=i)
        for i in range(366)
        if calendar.is_working_day(date(2024, 1, 1) + timedelta(days=i))
    ]
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    units, members, plans, tasks, occs, assigns, reports = [], [], [], [], [], [], []
    unit_id = member_id = task_id = 0
    for c in range(communes):
        plans.append((c + 1, f"KH-{c}", "Kế hoạch CCHC", "", None, 2024, STAMP, STAMP))
        first_unit = unit_id + 1
        for u in range(UNITS_PER_COMMUNE):
            unit_id += 1
            units.append(
                (
                    unit_id,
                    f"X{c}-U{u}",
                    f"Đơn vị {u} xã {c}",
                    "phong_ban",
                    None,
                    "[]",
                    1,
                    STAMP,
                    STAMP,
                )
            )
            for role in ("officer", "head"):
                member_id += 1
                members.append(
                    (
                        member_id,
                        "telegram",
                        str(member_id),
                        str(member_id),
                        f"CB {member_id}",
                        unit_id,
                        role,
                        "vi",
                        1,
                        None,
                        None,
                        1,
                        STAMP,
                    )
                )
        for t in range(TASKS_PER_COMMUNE):
            task_id += 1
            due = rng.choice(working)
            schedule = json.dumps({"kind": "once", "due": due.isoformat()})
            tasks.append(
                (
                    task_id,
                    c + 1,
                    str(t + 1),
                    t,
                    "",
                    str(t + 1),
                    f"Nhiệm vụ {t + 1} của xã {c}",
                    "",
                    "",
                    "once",
                    schedule,
                    1,
                    STAMP,
                    STAMP,
                )
            )
            occs.append(
                (
                    task_id,
                    task_id,
                    due.isoformat(),
                    date(2024, due.month, 1).isoformat(),
                    due.isoformat(),
                )
            )
            for u in range(UNITS_PER_COMMUNE):
                assigns.append((task_id, first_unit + u, "lead" if u == 0 else "cooperating", ""))
                if due < today and rng.random() < 0.7:
                    reports.append(
                        (
                            task_id,
                            first_unit + u,
                            "done",
                            100,
                            "",
                            None,
                            None,
                            None,
                            "chat",
                            ts(datetime.combine(due, dtime(3), UTC)),
                        )
                    )
                elif due >= today and rng.random() < 0.2:
                    reports.append(
                        (
                            task_id,
                            first_unit + u,
                            "in_progress",
                            50,
                            "",
                            None,
                            None,
                            None,
                            "chat",
                            STAMP,
                        )
                    )
    insert(db, "plan", "id, code, title, issuer, issued_date, year, created_at, updated_at", plans)
    insert(
        db,
        "unit",
        "id, code, name, kind, parent_id, aliases, active, created_at, updated_at",
        units,
    )
    insert(
        db,
        "member",
        "id, channel, channel_user_id, chat_id, display_name, unit_id, role, language,"
        " reachable, unreachable_reason, unreachable_at, active, created_at",
        members,
    )
    insert(
        db,
        "task",
        "id, plan_id, key, position, section, ordinal, title, expected_output,"
        " deadline_text, schedule_kind, schedule, active, created_at, updated_at",
        tasks,
    )
    insert(db, "occurrence", "id, task_id, period, start, due", occs)
    insert(db, "assignment", "task_id, unit_id, role, name_as_written", assigns)
    insert(
        db,
        "report",
        "occurrence_id, unit_id, status, percent, note, attachment_ref, attachment_kind,"
        " member_id, source, created_at",
        reports,
    )
    db.commit()
    db.execute("ANALYZE")
    # The engine's connection stays open, so closing this one leaves the 400 MB write-ahead
    # log behind, and the first tick measured would pay for copying it into the database.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {
        "units": len(units),
        "members": len(members),
        "tasks": len(tasks),
        "assignments": len(assigns),
        "reports": len(reports),
    }


async def measure(label: str, body, repeat: int = 1, trace: bool = True):
    """Best wall time of ``repeat`` plain runs; then, if ``trace``, one more run under
    tracemalloc for the peak of Python allocations (tracing slows it, so it is not timed)."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = await body()
        best = min(best, time.perf_counter() - started)
    peak = "—"
    if trace:
        tracemalloc.start()
        await body()
        peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB"
        tracemalloc.stop()
    print(f"| {label} | {best * 1000:,.1f} ms | | | {peak} |", flush=True)
    return result


async def forget_reminders(engine) -> None:
    """Remove what earlier ticks queued, so that the next wave starts from the same data."""
    async with transaction(engine) as session:
        await session.exec(text("DELETE FROM reminder_log"))  # type: ignore[call-overload]
        await session.exec(text("DELETE FROM outbox"))  # type: ignore[call-overload]


async def run_wave(
    engine, label: str, since: datetime | None, start: datetime, calendar, policy, args
) -> datetime:
    """A planning wave tick by tick (one tick a minute, as ``dondoc run``), timed; then the
    same wave again from scratch under tracemalloc for its peak memory per tick."""
    times: list[float] = []
    queued = 0
    wave = Wave(since=since, started=start)
    now = start
    while not wave.done:
        started = time.perf_counter()
        progress = await advance(
            engine, wave, now=now, calendar=calendar, policy=policy, budget=args.budget
        )
        times.append(time.perf_counter() - started)
        queued += progress.queued
        if args.ticks:
            print(
                f"    tick {len(times)}: {times[-1] * 1000:6.1f} ms, {progress.slices} slices, "
                f"{progress.queued} messages, {progress.skipped_steps} skipped steps",
                flush=True,
            )
        now += timedelta(minutes=1)
    await forget_reminders(engine)
    peak = 0.0
    wave = Wave(since=since, started=start)
    traced_now = start
    while not wave.done:
        tracemalloc.start()
        await advance(
            engine, wave, now=traced_now, calendar=calendar, policy=policy, budget=args.budget
        )
        peak = max(peak, tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
        traced_now += timedelta(minutes=1)
    print(
        f"| {label}: {queued:,} messages in {len(times)} ticks | {max(times) * 1000:,.1f} ms"
        f" | {statistics.mean(times) * 1000:,.1f} ms | {sum(times):,.1f} s | {peak:.1f} MiB |",
        flush=True,
    )
    return now


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument(
        "--budget", type=int, default=TICK_BUDGET, help="messages queued per tick at most"
    )
    parser.add_argument("--ticks", action="store_true", help="print every tick of the waves")
    args = parser.parse_args()
    calendar = WorkingCalendar()
    policy = ReminderPolicy()
    today = date(2024, 7, 17)
    folder = Path(tempfile.mkdtemp())
    path = args.keep or folder / "national.db"
    reuse = path.exists()
    engine = make_engine(f"sqlite:///{path}")
    if reuse:  # --keep of an earlier run: the same data, the reminders it wrote removed
        await forget_reminders(engine)
    else:
        await migrate(engine)
        started = time.perf_counter()
        sizes = populate(path, args.communes, calendar, today)
        print(f"populated in {time.perf_counter() - started:.1f} s: {sizes}", flush=True)
        print(f"unit-occurrences: {sizes['assignments']:,}", flush=True)

    at = lambda h, m: calendar.at(today, dtime(h, m))  # noqa: E731

    async def one_tick(now: datetime, since: datetime | None):
        wave = Wave(since=since, started=now)
        return await advance(
            engine, wave, now=now, calendar=calendar, policy=policy, budget=args.budget
        )

    async def dry_run(now: datetime, since: datetime | None):
        async with transaction(engine) as session:
            return await compute_tick(
                session, now=now, calendar=calendar, policy=policy, since=since
            )

    print(
        f"ticks of one minute, at most {args.budget:,} messages queued per tick, "
        f"{SLICE_UNITS} units per slice",
        flush=True,
    )
    print(
        "| tick | time (max) | time (mean) | total | peak Python memory |\n|---|---|---|---|---|",
        flush=True,
    )
    await measure("steady tick 10:01 (since 10:00)", lambda: one_tick(at(10, 1), at(10, 0)), 5)
    # The first ticks after a restart mid-morning: the whole due-date window (the day's steps
    # have begun, so this is more than the first pass of a day at 07:30).
    await run_wave(engine, "catch-up wave from 10:00", None, at(10, 0), calendar, policy, args)
    await forget_reminders(engine)
    end = await run_wave(
        engine, "morning wave from 08:00", at(7, 59), at(8, 0), calendar, policy, args
    )
    await measure("steady tick after the morning wave", lambda: one_tick(end, at(8, 0)), 5)
    await forget_reminders(engine)
    morning = await measure(
        "the whole morning wave at once, compute only (`dondoc remind --dry-run`)",
        lambda: dry_run(at(8, 0), at(7, 59)),
        trace=False,
    )
    print(f"morning wave: {len(morning.messages):,} messages, {len(morning.reminders):,} items")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS of the process: {rss:.0f} MiB", flush=True)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
