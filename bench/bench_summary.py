"""Benchmark (run by hand): the summary and the exports at national scale.

3,321 communes × 8 units × 60 tasks: one plan of 60 monthly tasks, each assigned to every
unit of every commune (26,568 units, 1,593,360 (task, unit) pairs per month), with reports
for about 80 % of them, so a month's summary has 1.59 million items.

    .venv/bin/python bench/bench_summary.py                  # national: 1.59 M items
    .venv/bin/python bench/bench_summary.py --communes 208    # a province: ≈ 100,000 items
    .venv/bin/python bench/bench_summary.py --communes 20     # a quick run

Phases: ``tonghop`` (what /tonghop shows: the numbers grouped in the database, the first page
of late units and blocked notes), ``xlsx``/``docx``/``png`` (``dondoc summary --format``: the
rows streamed into the file), ``legacy`` (``--legacy``: every item loaded, as the chat still
does in phase 1), and the ``anchor`` — a plain join of the same pairs counted by the stdlib's
sqlite3 — run between them, so the load of the machine at that moment shows beside each
figure. Goals (issue 17): province /tonghop ≤ 0.3 s, national ≤ 1.5 s; Excel of a province
≤ 5 s, national ≤ 30 s; peak memory ≤ 200 MB at national scale. Each phase runs in its own
process so its peak memory (max RSS) is its own; CPU (all threads) and wall time are both
given. The database is generated once into ``$DONDOC_BENCH_DIR`` (default
``/tmp/dondoc-bench``) with bulk inserts and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402
from dondoc.storage.models import Assignment, Member, Occurrence, Plan, Report, Task, Unit  # noqa: E402
from dondoc.storage.summary_model import Category  # noqa: E402

TODAY = date(2024, 7, 25)
PERIOD = "2024-07"
UNIT_NAMES = [
    "Văn phòng HĐND và UBND",
    "Phòng Văn hóa - Xã hội",
    "Phòng Kinh tế",
    "Trung tâm Phục vụ hành chính công",
    "Công an",
    "Ban Chỉ huy quân sự",
    "Trạm Y tế",
    "Ủy ban MTTQ",
]
CHUNK = 50_000


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process, all threads (the SQLite driver runs in its own thread): a
    figure that does not depend on what else the machine is doing, unlike wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _bulk(engine: AsyncEngine, table: type, rows: list[dict]) -> None:
    async with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            await conn.execute(insert(table), rows[start : start + CHUNK])  # type: ignore[arg-type]


async def generate(db: Path, communes: int, units_per: int, tasks: int) -> dict[str, float]:
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{db}")
    await migrate(engine)
    rng = random.Random(7)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    unit_rows = []
    member_rows = []
    for c in range(communes):
        for u in range(units_per):
            uid = c * units_per + u + 1
            unit_rows.append(
                dict(
                    id=uid,
                    code=f"X{c + 1:04d}-{u + 1}",
                    name=f"{UNIT_NAMES[u % len(UNIT_NAMES)]} xã số {c + 1}",
                    kind="phong_ban",
                    aliases=[],
                    active=True,
                    created_at=t0,
                    updated_at=t0,
                )
            )
            if rng.random() < 0.95:
                member_rows.append(
                    dict(
                        channel="zalo",
                        channel_user_id=f"u{uid}",
                        chat_id=f"u{uid}",
                        display_name=f"Cán bộ {uid}",
                        unit_id=uid,
                        role="officer",
                        language="vi",
                        reachable=rng.random() < 0.97,
                        active=True,
                        created_at=t0,
                    )
                )
    await _bulk(engine, Unit, unit_rows)
    await _bulk(engine, Member, member_rows)
    async with transaction(engine) as session:
        session.add(
            Plan(
                id=1,
                code="01/KH-BNV",
                title="Kế hoạch cải cách hành chính năm 2024",
                year=2024,
                created_at=t0,
                updated_at=t0,
            )
        )
    task_rows = [
        dict(
            id=t + 1,
            plan_id=1,
            key=str(t + 1),
            position=t,
            section="",
            ordinal=str(t + 1),
            title=f"Nhiệm vụ số {t + 1}: báo cáo tình hình thực hiện cải cách hành chính",
            expected_output="Báo cáo",
            deadline_text="Hằng tháng",
            schedule_kind="monthly",
            schedule={"kind": "monthly"},
            active=True,
            created_at=t0,
            updated_at=t0,
        )
        for t in range(tasks)
    ]
    await _bulk(engine, Task, task_rows)
    occ_rows = []
    for t in range(tasks):
        for month in (6, 7):
            occ_rows.append(
                dict(
                    task_id=t + 1,
                    period=f"2024-{month:02d}",
                    start=date(2024, month, 1),
                    due=date(2024, month, 20),
                )
            )
    await _bulk(engine, Occurrence, occ_rows)
    # Occurrence ids follow insertion order: task t, month m → 2t + (m - 6) + 1.
    assignments = []
    n_units = len(unit_rows)
    for t in range(tasks):
        for uid in range(1, n_units + 1):
            assignments.append(
                dict(
                    task_id=t + 1,
                    unit_id=uid,
                    role="lead" if uid % units_per == 1 else "cooperating",
                    name_as_written="",
                )
            )
            if len(assignments) >= 400_000:
                await _bulk(engine, Assignment, assignments)
                assignments = []
    await _bulk(engine, Assignment, assignments)
    reports: list[dict] = []
    statuses = ["done"] * 5 + ["in_progress"] * 3 + ["blocked", "not_started"]
    for t in range(tasks):
        for month in (6, 7):
            occ_id = 2 * t + (month - 6) + 1
            base = datetime(2024, month, 1, 2, tzinfo=UTC)
            for uid in range(1, n_units + 1):
                if rng.random() < 0.2:
                    continue
                status = rng.choice(statuses)
                at = base + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
                reports.append(
                    dict(
                        occurrence_id=occ_id,
                        unit_id=uid,
                        status=status,
                        percent=rng.randrange(10, 100, 10) if status == "in_progress" else None,
                        note="Chưa có số liệu của đơn vị phối hợp" if status == "blocked" else "",
                        source="chat",
                        created_at=at,
                    )
                )
                if len(reports) >= 400_000:
                    await _bulk(engine, Report, reports)
                    reports = []
    await _bulk(engine, Report, reports)
    async with engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return {"seconds": time.perf_counter() - started, "peak_mib": peak_mib()}


def anchor(db: Path) -> dict[str, float]:
    """The anchor: the same (task, unit) pairs counted per unit by the stdlib's sqlite3, with
    no category logic — what this machine does with a plain join of that size right now."""
    import sqlite3

    started, cpu = time.perf_counter(), cpu_seconds()
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT a.unit_id, count(*) FROM occurrence o JOIN assignment a ON a.task_id = "
            "o.task_id WHERE o.due BETWEEN '2024-07-01' AND '2024-07-31' GROUP BY a.unit_id"
        ).fetchall()
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu,
            "peak_mib": peak_mib(), "units": len(rows)}  # fmt: skip


async def phase_tonghop(db: Path) -> dict[str, float]:
    """What ``/tonghop`` shows: the numbers (grouped in the database), the units with the most
    overdue items and the first page of their tasks, the first blocked notes. Twice in one
    process: the first includes the cold start of a fresh process (statements compiled, pages
    read from disk); the second is what a running bot answers with."""
    from dondoc.storage.periods import parse_period
    from dondoc.storage.summary import BLOCKED_CODES, OVERDUE_CODES, compute_summary, load_items

    engine = make_engine(f"sqlite:///{db}")
    figures: dict[str, float] = {}
    for run in ("first", "warm"):
        started, cpu = time.perf_counter(), cpu_seconds()
        async with transaction(engine) as session:
            summary = await compute_summary(
                session, today=TODAY, period=parse_period(PERIOD), items=False
            )
            numbers = time.perf_counter() - started, cpu_seconds() - cpu
            top = sorted(summary.per_unit, key=lambda u: -u.counts[Category.OVERDUE])[:10]
            late = await load_items(session, summary, codes=OVERDUE_CODES,
                                    unit_ids=[u.unit_id for u in top], limit=40)  # fmt: skip
            blocked = await load_items(session, summary, codes=BLOCKED_CODES, limit=20)
        prefix = "" if run == "warm" else "first_"
        figures[f"{prefix}seconds"] = time.perf_counter() - started
        figures[f"{prefix}cpu_seconds"] = cpu_seconds() - cpu
        figures[f"{prefix}numbers_seconds"], figures[f"{prefix}numbers_cpu"] = numbers
    await engine.dispose()
    return {
        **figures,
        "peak_mib": peak_mib(),
        "items": summary.total,
        "overdue_unreported": summary.overdue_unreported,
        "units": len(summary.per_unit),
        "unreachable": len(summary.unreachable_units),
        "shown": len(late) + len(blocked),
    }


async def phase_legacy(db: Path) -> dict[str, float]:
    """``compute_summary`` with every item loaded (what the chat still calls in phase 1)."""
    from dondoc.storage.periods import parse_period
    from dondoc.storage.summary import compute_summary

    engine = make_engine(f"sqlite:///{db}")
    started, cpu = time.perf_counter(), cpu_seconds()
    async with transaction(engine) as session:
        summary = await compute_summary(session, today=TODAY, period=parse_period(PERIOD))
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    await engine.dispose()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak_mib(),
            "items": len(summary.items)}  # fmt: skip


async def phase_export(db: Path, fmt: str, out: Path) -> dict[str, float]:
    """``dondoc summary --format FMT``: numbers in the database, rows streamed to the file."""
    from dondoc.storage.exports.run import export_summary
    from dondoc.storage.periods import parse_period
    from dondoc.storage.summary import compute_summary

    engine = make_engine(f"sqlite:///{db}")
    started, cpu = time.perf_counter(), cpu_seconds()
    async with transaction(engine) as session:
        summary = await compute_summary(
            session, today=TODAY, period=parse_period(PERIOD), items=False
        )
        await export_summary(session, summary, fmt, out, language="vi", issued=TODAY)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    await engine.dispose()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak_mib(),
            "file_mib": out.stat().st_size / 2**20}  # fmt: skip


def run_phase(args: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _one(db: Path, phase: str, data: Path) -> dict[str, float]:
    if phase == "anchor":
        return anchor(db)
    if phase == "tonghop":
        return asyncio.run(phase_tonghop(db))
    if phase == "legacy":
        return asyncio.run(phase_legacy(db))
    return asyncio.run(phase_export(db, phase, data / f"summary_{db.stem}.{phase}"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--units-per", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--phase", default="all")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--formats", default="xlsx,docx,png")
    parser.add_argument("--rounds", type=int, default=3, help="anchor/tonghop pairs")
    parser.add_argument("--legacy", action="store_true", help="also items=True (slow)")
    args = parser.parse_args()
    data = Path(os.environ.get("DONDOC_BENCH_DIR", "/tmp/dondoc-bench"))
    data.mkdir(parents=True, exist_ok=True)
    db = args.db or data / f"summary_{args.communes}x{args.units_per}x{args.tasks}.db"
    if args.phase == "generate":
        print(json.dumps(asyncio.run(generate(db, args.communes, args.units_per, args.tasks))))
        return
    if args.phase != "all":
        print(json.dumps(_one(db, args.phase, data)))
        return
    if not db.exists():
        sizes = ["--communes", str(args.communes), "--units-per", str(args.units_per),
                 "--tasks", str(args.tasks)]  # fmt: skip
        print("generate", run_phase(["--phase", "generate", "--db", str(db), *sizes]), flush=True)
    # Each phase in its own process (its own peak memory); the anchor interleaved with
    # /tonghop, so a busy moment of the machine shows in both.
    for _ in range(args.rounds):
        for phase in ("anchor", "tonghop"):
            print(phase, run_phase(["--phase", phase, "--db", str(db)]), flush=True)
    for fmt in [f for f in args.formats.split(",") if f]:
        print("anchor", run_phase(["--phase", "anchor", "--db", str(db)]), flush=True)
        print(fmt, run_phase(["--phase", fmt, "--db", str(db)]), flush=True)
    if args.legacy:
        print("legacy", run_phase(["--phase", "legacy", "--db", str(db)]), flush=True)


if __name__ == "__main__":
    main()
