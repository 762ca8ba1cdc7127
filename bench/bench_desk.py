"""Benchmark (run by hand): how long the web desk takes to answer, for a ward and a province.

The database is ``bench_summary``'s generator (one plan of monthly tasks assigned to every unit
of every commune, reports for about 80 %): ``--communes 1`` is a ward (8 units), ``--communes
126`` a province after the 2025 merger (1,008 units). The desk is served on 127.0.0.1 by the
real server; a signed-in client asks each page for July 2024 several times; the time is the
whole answer (summary, page building, HTML) as the client sees it, best and median, with the
server's CPU seconds. ``compute_summary`` alone is measured in the same run as the anchor.

    .venv/bin/python bench/bench_desk.py --communes 1
    .venv/bin/python bench/bench_desk.py --communes 126
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from bench.bench_summary import PERIOD, TODAY, cpu_seconds, generate  # noqa: E402
from dondoc.bot.web.app import Desk  # noqa: E402
from dondoc.bot.web.server import DeskServer  # noqa: E402
from dondoc.handlers.conversation.context import BotContext  # noqa: E402
from dondoc.scheduler.clock import FakeClock  # noqa: E402
from dondoc.storage.db import make_engine, transaction  # noqa: E402
from dondoc.storage.file_links import FileLinks  # noqa: E402
from dondoc.storage.models import Member, Role  # noqa: E402
from dondoc.storage.periods import parse_period  # noqa: E402
from dondoc.storage.summary import compute_summary  # noqa: E402
from dondoc.storage.web_access import create_link  # noqa: E402

NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 2, 0, tzinfo=UTC)


async def main(communes: int, repeat: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"desk-{communes}.db"
    if not db.exists():
        print(f"generating {db} …", flush=True)
        await generate(db, communes, 8, 60)
    engine = make_engine(f"sqlite:///{db}")
    async with transaction(engine) as session:
        user = f"bench-{time.time_ns()}"
        coordinator = Member(channel="console", channel_user_id=user, chat_id=user,
                             display_name="Điều phối", role=Role.COORDINATOR.value,
                             created_at=NOW)  # fmt: skip
        session.add(coordinator)
        await session.flush()
        link = await create_link(session, coordinator.id, now=NOW, via="cli", actor="bench")  # type: ignore[arg-type]
    links = FileLinks("bench-" + "x" * 40, {"exports": folder / "exports"})
    ctx = BotContext(engine=engine, clock=FakeClock(NOW), data_dir=folder, file_links=links)
    server = DeskServer(Desk(ctx), "127.0.0.1", 0)
    await server.start()
    base = server.address
    results: list[tuple[str, float, float, float, int]] = []
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            async with client.post(f"{base}/dangnhap/{link.token}", headers={"Origin": base}):
                pass
            async with client.get(f"{base}/bang?period={PERIOD}") as r:
                first_unit = re.search(r'href="/donvi/(\d+)', await r.text())
            pages = [
                ("overview", f"/?period={PERIOD}"),
                ("overview's chart (PNG)", f"/bieudo.png?period={PERIOD}"),
                ("matrix", f"/bang?period={PERIOD}"),
                ("matrix, one unit", f"/bang?period={PERIOD}&unit=X0001-1"),
                ("unit", f"/donvi/{first_unit.group(1) if first_unit else 1}?period={PERIOD}"),
                ("task", f"/nhiemvu/1?period={PERIOD}"),
                ("people", "/canbo"),
            ]
            for label, path in [("anchor: compute_summary", "")] + pages:
                times, cpu = [], 0.0
                size = 0
                for _ in range(repeat):
                    started, cpu0 = time.perf_counter(), cpu_seconds()
                    if not path:
                        async with transaction(engine) as session:
                            await compute_summary(session, today=TODAY, period=parse_period(PERIOD))
                    else:
                        async with client.get(base + path) as r:
                            body = await r.read()
                            assert r.status == 200, (path, r.status)
                            size = len(body)
                    times.append(time.perf_counter() - started)
                    cpu += cpu_seconds() - cpu0
                results.append((label, min(times), statistics.median(times), cpu / repeat, size))
    finally:
        await server.stop()
        await engine.dispose()
    print(f"\n{communes} commune(s) × 8 units × 60 monthly tasks, period {PERIOD}, {repeat} runs")
    print(f"{'page':<26}{'best s':>9}{'median s':>10}{'cpu s':>8}{'HTML KiB':>10}")
    for label, best, median, cpu, size in results:
        print(f"{label:<26}{best:>9.3f}{median:>10.3f}{cpu:>8.3f}{size / 1024:>10.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/dondoc-bench-desk"))
    args = parser.parse_args()
    asyncio.run(main(args.communes, args.repeat, args.dir))
