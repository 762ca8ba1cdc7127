"""Benchmark (run by hand): importing a 300-row plan table.

Builds a real ``.xlsx`` and ``.docx`` of 300 task rows (the Tân Phú appendix's rows repeated
with fresh ordinals, a section row every 20 tasks merged across, the header repeated every 50
rows) and a 27-unit registry, then times with a fake clock on 2024-07-01:

* ``read``: reading and interpreting the table only (``read_plan_file``);
* ``dry run``: the whole import without writing (phrases, units, next due dates);
* ``import``: the real import into a fresh SQLite file (tasks, assignments, occurrences, audit);
* ``re-import``: the same file again (every task compared, nothing changed).

    .venv/bin/python bench/bench_import.py [--rows 300] [--repeat 5]

Prints the best of ``--repeat`` runs of each phase, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dondoc.handlers.plans.importer import import_plan  # noqa: E402
from dondoc.scheduler.calendar import WorkingCalendar  # noqa: E402
from dondoc.scheduler.schedules import DueRules  # noqa: E402
from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402
from dondoc.storage.plan_tables import read_plan_file  # noqa: E402
from dondoc.storage.units import import_units, read_units_file  # noqa: E402
from tests.plan_fixtures import (  # noqa: E402
    is_section,
    tanphu_table,
    write_docx,
    write_units_csv,
    write_xlsx,
)

NOW = datetime(2024, 7, 1, 1, 0, tzinfo=UTC)
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
         "XV", "XVI"]  # fmt: skip


def big_table(count: int) -> tuple[list[str], list[list[str]]]:
    header, seed_rows = tanphu_table()
    tasks = [r for r in seed_rows if not is_section(r) and r[2].strip()]
    rows: list[list[str]] = []
    for number in range(count):
        if number % 20 == 0:
            heading = f"{ROMAN[number // 20]}. NHÓM NHIỆM VỤ {number // 20 + 1}"
            rows.append([heading] * len(header))
        row = list(tasks[number % len(tasks)])
        row[0] = str(number % 20 + 1)
        rows.append(row)
    return header, rows


async def best(repeat: int, make: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await make()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


async def main(count: int, repeat: int) -> None:
    calendar = WorkingCalendar()
    rules = DueRules()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        header, rows = big_table(count)
        files = {
            "xlsx": write_xlsx(base / "plan.xlsx", header, rows, repeat_header_after=50),
            "docx": write_docx(base / "plan.docx", header, rows, repeat_header_after=50),
        }
        units = read_units_file(write_units_csv(base / "units.csv"))
        for kind, path in files.items():
            engine = make_engine(f"sqlite:///{base / kind}.db")
            await migrate(engine)
            async with transaction(engine) as session:
                await import_units(session, units, NOW)
            tasks = len(read_plan_file(path).rows)

            async def read(path: Path = path) -> None:
                read_plan_file(path)

            async def run(dry: bool, path: Path = path, engine: object = engine) -> None:
                await import_plan(
                    engine,  # type: ignore[arg-type]
                    path,
                    code="BENCH",
                    year=2024,
                    dry_run=dry,
                    now=NOW,
                    rules=rules,
                    calendar=calendar,
                )

            read_ms = await best(repeat, read)
            dry_ms = await best(repeat, lambda: run(True))
            start = time.perf_counter()
            await run(False)
            import_ms = (time.perf_counter() - start) * 1000
            again_ms = await best(repeat, lambda: run(False))
            await engine.dispose()
            print(
                f"{kind}: {tasks} tasks  read {read_ms:.0f} ms  dry run {dry_ms:.0f} ms  "
                f"import {import_ms:.0f} ms  re-import {again_ms:.0f} ms"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.repeat))
