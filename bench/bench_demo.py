"""Benchmark (run by hand): ``dondoc demo`` end to end — issue 8 asks for under a minute.

Runs the whole demo (migrations, imports, invites, a month of ticks on the fast clock, the
summary and the three exports) in a fresh folder, the same way ``dondoc demo`` does, and
prints its wall time, CPU time and the process's peak memory. Also times a cold
``dondoc units list`` (the start-up cost every command pays).

    .venv/bin/python bench/bench_demo.py [--days 30] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dondoc.bot.demo import run_demo  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="dondoc-bench-demo-"))
    sink = io.StringIO()
    wall, cpu = time.perf_counter(), time.process_time()
    result = asyncio.run(
        run_demo(
            folder / "run", seed=args.seed, days=args.days, out=lambda line: sink.write(line + "\n")
        )
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"demo, {args.days} days, seed {args.seed}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
        f"peak RSS {peak:.0f} MiB; {result.sent} messages sent, {result.replies} replies, "
        f"{sink.getvalue().count(chr(10))} lines printed"
    )
    dondoc = Path(sys.executable).with_name("dondoc")
    env = {**os.environ, "DONDOC_DATA_DIR": str(folder / "cli")}
    subprocess.run([str(dondoc), "init"], env=env, capture_output=True, check=True)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([str(dondoc), "units", "list"], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    print(f"start-up: 'dondoc units list' best of 3: {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
