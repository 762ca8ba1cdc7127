"""Benchmark (run by hand): how well plans written in prose are read, as .txt, .docx and .pdf.

For each of the three prose plans of the seeds (Quận 6, Thanh Xuân, Phú Định; the copies in
``tests/data/plans``) it imports, with ``--dry-run``'s code path and the plan's unit registry
(``<eval>/prose/<plan>.units.csv``):

* the ``.txt`` (text extracted from the signed PDF, as it arrives);
* a ``.docx`` rendered from it with python-docx (one Word paragraph per paragraph);
* a ``.pdf`` rendered from the ``.docx`` by LibreOffice (a real text layer, Vietnamese fonts),
  and one written with fpdf2 and matplotlib's DejaVu Sans (another producer, other line breaks;
  the only one where LibreOffice is missing);

turns the proposal into the scorer's input (title, quote, deadline phrase, schedule, the unit
names as written) and scores it with ``<eval>/prose/score_prose.py`` against the hand-made
``<plan>.expected.json``. The evaluation data is read from ``--eval`` (default
``../shared/eval``); it is for measuring only, nothing of it is in the code.

Goals on each plan and format: recall ≥ 90 %, precision ≥ 85 %, deadline right ≥ 95 % and units
right ≥ 90 % of matched tasks, 0 invented dates. CPU and wall time of each import are printed,
interleaved with an anchor (a fixed pure-Python workload) so that a loaded machine shows.

    .venv/bin/python bench/bench_plan_reading.py [--eval ../shared/eval] [--markdown]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dondoc.handlers.plans.importer import import_plan  # noqa: E402
from dondoc.scheduler.calendar import WorkingCalendar  # noqa: E402
from dondoc.scheduler.schedules import DueRules  # noqa: E402
from dondoc.storage.db import make_engine, migrate, transaction  # noqa: E402
from dondoc.storage.documents import read_document  # noqa: E402
from dondoc.storage.units import import_units, read_units_file  # noqa: E402

PLANS = ("quan6-par-sipas-2024", "thanhxuan-cchc-2024", "phudinh-par-sipas-2025")
NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
GOALS = {"recall": 0.90, "precision": 0.85, "deadline_acc": 0.95, "unit_acc": 0.90}


def render_docx(text_file: Path, target: Path) -> Path:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for paragraph in read_document(text_file).paragraphs:
        document.add_paragraph(paragraph.text)
    document.save(target)
    return target


def render_pdf(docx_file: Path, text_file: Path, target: Path) -> tuple[Path, str]:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        with tempfile.TemporaryDirectory() as folder:
            profile = Path(folder) / "profile"
            subprocess.run(
                [office, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                 "--convert-to", "pdf", "--outdir", folder, str(docx_file)],
                capture_output=True, timeout=180, check=False,
            )  # fmt: skip
            made = Path(folder) / f"{docx_file.stem}.pdf"
            if made.exists():
                shutil.copy(made, target)
                return target, "LibreOffice"
    return render_pdf_fpdf(text_file, target), "fpdf2"


def render_pdf_fpdf(text_file: Path, target: Path) -> Path:
    import matplotlib
    from fpdf import FPDF

    font = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 20)
    pdf.add_font("DejaVu", "", str(font))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for paragraph in read_document(text_file).paragraphs:
        pdf.multi_cell(0, 6, paragraph.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.output(str(target))
    return target


def load_scorer(eval_dir: Path) -> Any:
    spec = importlib.util.spec_from_file_location(
        "score_prose", eval_dir / "prose" / "score_prose.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def anchor() -> float:
    """A fixed workload: its time shows how loaded the machine is."""
    start = time.process_time()
    total = 0
    for number in range(300_000):
        total += number * number % 7
    return time.process_time() - start


async def read_plan(
    path: Path, units: Path, folder: Path
) -> tuple[list[dict[str, Any]], float, float]:
    engine = make_engine(f"sqlite:///{folder / (path.name + '.db')}")
    await migrate(engine)
    async with transaction(engine) as session:
        await import_units(session, read_units_file(units), NOW)
    wall, cpu = time.perf_counter(), time.process_time()
    report = await import_plan(
        engine, path, dry_run=True, now=NOW, rules=DueRules(), calendar=WorkingCalendar()
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await engine.dispose()
    extracted = [
        {
            "title": t.title,
            "quote": t.quote,
            "deadline_text": t.deadline_text,
            "schedule": {
                "kind": t.schedule.kind.value,
                "due": t.schedule.due.isoformat() if t.schedule.due else None,
            },
            "units": list(dict.fromkeys(m.name for m in t.lead + t.cooperating)),
        }
        for t in report.tasks
    ]
    return extracted, cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    default = next(
        (p / "shared" / "eval" for p in ROOT.parents if (p / "shared" / "eval").is_dir()),
        ROOT.parent / "shared" / "eval",
    )
    parser.add_argument("--eval", type=Path, default=default)
    parser.add_argument("--markdown", action="store_true", help="print a RESULTS.md table")
    args = parser.parse_args()
    scorer = load_scorer(args.eval)
    rows: list[dict[str, Any]] = []
    renderer = ""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for plan in PLANS:
            text = ROOT / "tests" / "data" / "plans" / f"{plan}.txt"
            docx = render_docx(text, folder / f"{plan}.docx")
            pdf, renderer = render_pdf(docx, text, folder / f"{plan}.pdf")
            files = [("txt", text), ("docx", docx), (f"pdf ({renderer})", pdf)]
            if renderer != "fpdf2":  # a second producer: text wrapped by fpdf2 instead of Writer
                files.append(("pdf (fpdf2)", render_pdf_fpdf(text, folder / f"{plan}-fpdf.pdf")))
            expected = scorer.load(args.eval / "prose" / f"{plan}.expected.json")
            units = args.eval / "prose" / f"{plan}.units.csv"
            for kind, path in files:
                anchor_before = anchor()
                extracted, cpu, wall = asyncio.run(read_plan(path, units, folder))
                anchor_after = anchor()
                score = scorer.score(extracted, expected)
                ok = all((score[k] or 0) >= goal for k, goal in GOALS.items())
                ok = ok and score["invented_dates"] == 0
                middle = (anchor_before + anchor_after) / 2
                rows.append(
                    {"plan": plan, "format": kind, "cpu": cpu, "wall": wall, "anchor": middle}
                    | {"ok": ok, **score}
                )
    header = ("| plan | format | tasks | matched | recall | precision | deadline | units | "
              "invented dates | goals | CPU s | wall s | anchor s |")  # fmt: skip
    machine = f"{platform.node()} {platform.processor() or platform.machine()}"
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"{machine}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, {when}")
    print(header)
    print("|" + "---|" * 13)
    for r in rows:
        print(f"| {r['plan']} | {r['format']} | {r['extracted']} | {r['matched']} | "
              f"{r['recall']:.0%} | {r['precision']:.0%} | {r['deadline_acc']:.0%} | "
              f"{r['unit_acc']:.0%} | {r['invented_dates']} | {'met' if r['ok'] else 'NOT met'} | "
              f"{r['cpu']:.2f} | {r['wall']:.2f} | {r['anchor']:.3f} |")  # fmt: skip
        if not args.markdown and (r["missed"] or r["unmatched_extracted"]):
            print(f"    missed {r['missed']} unmatched {r['unmatched_extracted']}")


if __name__ == "__main__":
    main()
