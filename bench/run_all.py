"""Run every benchmark of dondoc with one command and write the figures to ``bench/RESULTS.md``.

    .venv/bin/python bench/run_all.py            # the full sizes the issues ask for
    .venv/bin/python bench/run_all.py --quick    # small sizes, to check the benchmarks run
    .venv/bin/python bench/run_all.py --only import,replies

Each benchmark runs in its own process, one after the other (they would skew each other on a
2-core machine). Their output — the figures and the side-by-side baselines each one prints —
goes into the block between the ``run_all`` markers at the top of ``bench/RESULTS.md``, under
the machine and the date; the notes the developers wrote below the block stay as they are.
Run by hand, never in the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
BEGIN = "<!-- run_all:begin -->"
END = "<!-- run_all:end -->"

# name → (script, what it measures, full arguments, quick arguments)
BENCHMARKS: dict[str, tuple[str, str, list[str], list[str]]] = {
    "import": ("bench_import.py", "plan import, 300-row table (issue 3)", [], ["--repeat", "1"]),
    "planner": (
        "bench_planner.py",
        "planner tick, 3,321 communes × 8 units × 60 tasks (issue 4)",
        [],
        ["--communes", "50"],
    ),
    "delivery": (
        "bench_delivery.py",
        "delivery of 2,000 reminders at 30 msg/s (issue 4)",
        [],
        ["--recipients", "200"],
    ),
    "replies": (
        "bench_replies.py",
        "replies per second through the console channel (issue 5)",
        [],
        ["--messages", "300"],
    ),
    "telegram": (
        "bench_telegram_wave.py",
        "2,000-recipient wave through the fake Telegram: ours vs PTB's AIORateLimiter (issue 6)",
        [],
        ["--recipients", "150"],
    ),
    "demo": (
        "bench_demo.py",
        "dondoc demo end to end and CLI start-up (issue 8)",
        [],
        ["--days", "10"],
    ),
    "summary": (
        "bench_summary.py",
        "/summary and exports at national scale (issue 7)",
        [],
        ["--communes", "50"],
    ),
}


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    cpu = cpu_name()
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} at the start"
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}{load}"
    )


def run(name: str, quick: bool) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if hasattr(os, "getloadavg"):  # sections of runs on other machines may stay (--only)
        stamp += f", {cpu_name()}, load {os.getloadavg()[0]:.1f}"
    script, what, full, small = BENCHMARKS[name]
    args = [sys.executable, str(BENCH / script), *(small if quick else full)]
    shown = " ".join(["python", f"bench/{script}", *(small if quick else full)])
    print(f"▶ {shown}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, cwd=BENCH.parent)
    seconds = time.perf_counter() - started
    output = (result.stdout.strip() or "(no output)") + (
        f"\n\nexit status {result.returncode}:\n{result.stderr.strip()[-2000:]}"
        if result.returncode
        else ""
    )
    print(output, flush=True)
    size = "quick sizes, not the issue's" if quick else "full sizes"
    return (
        f"### {name}: {what}\n\n{stamp}, {size}: `{shown}` — {seconds:.0f} s wall time\n\n"
        f"```text\n{output}\n```\n"
    )


def _sections(block: str) -> dict[str, str]:
    """The ``### name: …`` sections of a generated block, by benchmark name."""
    found: dict[str, str] = {}
    for part in block.split("\n### ")[1:]:
        name = part.split(":", 1)[0].strip()
        found[name] = "### " + part.rstrip() + "\n"
    return found


def write(header: str, sections: dict[str, str]) -> None:
    """Put the sections into the generated block; the sections of benchmarks not run this
    time (``--only``) stay as they were, each with its own date."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    old: dict[str, str] = {}
    if BEGIN in text and END in text:
        old = _sections(text.split(BEGIN, 1)[1].split(END, 1)[0])
    merged = {**old, **sections}
    ordered = [merged[name] for name in BENCHMARKS if name in merged]
    generated = f"{BEGIN}\n{header}\n\n" + "\n".join(ordered) + f"\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + generated + rest.split(END, 1)[1]
    else:
        title, _, body = text.partition("\n")
        text = f"{title}\n\n{generated}\n{body}"
    RESULTS.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (checks they run)")
    parser.add_argument("--only", default="", help="comma-separated: " + ", ".join(BENCHMARKS))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    sections = {name: run(name, args.quick) for name in names}
    header = (
        "## Generated by `bench/run_all.py`\n\n"
        f"Machine of the latest run: {machine()}. Each section below gives its own date, "
        "processor, load and sizes; the notes after this block were written by the developers."
    )
    if not args.no_write:
        write(header, sections)
        print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
