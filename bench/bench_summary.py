"""Benchmark (run by hand): the summary and the exports at national scale.

3,321 communes × 8 units × 60 tasks: one plan of 60 monthly tasks, each assigned to every
unit of every commune (26,568 units, 1,593,360 (task, unit) pairs per month), with reports
for about 80 % of them, so a month's summary has 1.59 million items.

    .venv/bin/python bench/bench_summary.py            # generate (once) and measure everything
    .venv/bin/python bench/bench_summary.py --communes 100   # a quick run

Each phase runs in its own process so its peak memory (max RSS) is its own. The database is
generated once into ``$DONDOC_BENCH_DIR`` (default ``/tmp/dondoc-bench``) with bulk inserts
and reused.
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


async def phase_summary(db: Path) -> dict[str, float]:
    from dondoc.storage.periods import parse_period
    from dondoc.storage.summary import compute_summary

    engine = make_engine(f"sqlite:///{db}")
    started, cpu = time.perf_counter(), cpu_seconds()
    async with transaction(engine) as session:
        summary = await compute_summary(session, today=TODAY, period=parse_period(PERIOD))
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    await engine.dispose()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mib": peak_mib(),
        "items": len(summary.items),
        "units": len(summary.per_unit),
        "blocked": len(summary.blocked),
    }


async def phase_export(db: Path, fmt: str, out: Path) -> dict[str, float]:
    from dondoc.storage.exports import write_export
    from dondoc.storage.periods import parse_period
    from dondoc.storage.summary import compute_summary

    engine = make_engine(f"sqlite:///{db}")
    started, cpu0 = time.perf_counter(), cpu_seconds()
    async with transaction(engine) as session:
        summary = await compute_summary(session, today=TODAY, period=parse_period(PERIOD))
    computed, cpu1 = time.perf_counter(), cpu_seconds()
    await engine.dispose()
    write_export(summary, fmt, out, language="vi", issued=TODAY)
    done, cpu2 = time.perf_counter(), cpu_seconds()
    return {
        "summary_seconds": computed - started,
        "summary_cpu_seconds": cpu1 - cpu0,
        "export_seconds": done - computed,
        "export_cpu_seconds": cpu2 - cpu1,
        "peak_mib": peak_mib(),
        "file_mib": out.stat().st_size / 2**20,
    }


def run_phase(args: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--units-per", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=60)
    parser.add_argument("--phase", default="all")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--formats", default="xlsx,docx,png")
    args = parser.parse_args()
    data = Path(os.environ.get("DONDOC_BENCH_DIR", "/tmp/dondoc-bench"))
    data.mkdir(parents=True, exist_ok=True)
    db = args.db or data / f"summary_{args.communes}x{args.units_per}x{args.tasks}.db"
    if args.phase == "generate":
        print(json.dumps(asyncio.run(generate(db, args.communes, args.units_per, args.tasks))))
        return
    if args.phase == "summary":
        print(json.dumps(asyncio.run(phase_summary(db))))
        return
    if args.phase in ("xlsx", "docx", "png"):
        out = data / f"summary.{args.phase}"
        print(json.dumps(asyncio.run(phase_export(db, args.phase, out))))
        return
    if not db.exists():
        print(
            "generate",
            run_phase(
                [
                    "--phase",
                    "generate",
                    "--db",
                    str(db),
                    "--communes",
                    str(args.communes),
                    "--units-per",
                    str(args.units_per),
                    "--tasks",
                    str(args.tasks),
                ]
            ),
            flush=True,
        )
    for _ in range(2):
        print("summary", run_phase(["--phase", "summary", "--db", str(db)]), flush=True)
    for fmt in args.formats.split(","):
        if fmt:
            print(fmt, run_phase(["--phase", fmt, "--db", str(db)]), flush=True)


if __name__ == "__main__":
    main()
