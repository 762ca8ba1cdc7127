"""Developer tool: render the coordinator's papers of the sample ward as pictures.

    .venv/bin/python scripts/render_papers.py     # → docs/img/report-page1.png, sheet-page1.png …
    .venv/bin/python scripts/render_papers.py --out /tmp/look

Runs ``dondoc demo`` (a month of the sample ward, offline) in a temporary folder, writes the
Word report and the Excel workbook of its summary with the heading of the README's ward
``.env``, converts both to PDF with LibreOffice (``soffice --headless``) and page 1 of each to
PNG with ``pdftoppm`` (poppler). Needs ``libreoffice-writer libreoffice-calc poppler-utils``
and a Times-compatible font (``fonts-liberation``).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The heading the README's ward .env sets (DONDOC_REPORT_*).
HEADING = {
    "authority": "UBND phường Phú Định",
    "office": "Phòng Văn hóa - Xã hội",
    "place": "Phú Định",
    "signer_title": "Trưởng phòng",
    "signer_name": "Phạm Thu Hà",
    "symbol": "BC-VHXH",
}


async def write_papers(folder: Path) -> dict[str, Path]:
    from dondoc.bot.demo import START, run_demo
    from dondoc.storage.db import make_engine, transaction
    from dondoc.storage.exports import ReportHeading
    from dondoc.storage.exports.run import export_summary
    from dondoc.storage.summary import compute_summary

    days = 30
    await run_demo(folder / "demo", days=days, out=lambda _line: None)
    today = START + timedelta(days=days - 1)
    engine = make_engine(f"sqlite:///{folder / 'demo' / 'dondoc.db'}")
    papers: dict[str, Path] = {}
    try:
        async with transaction(engine) as session:
            summary = await compute_summary(session, today=today, items=False)
            for fmt, name in (("docx", "report"), ("xlsx", "sheet")):
                papers[name] = await export_summary(
                    session,
                    summary,
                    fmt,
                    folder / f"{name}.{fmt}",
                    heading=ReportHeading(**HEADING),
                )
    finally:
        await engine.dispose()
    return papers


def to_pdf(path: Path, folder: Path) -> Path:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / f"{path.stem}.pdf"


def page_png(pdf: Path, target: Path, page: int = 1, dpi: int = 80) -> Path:
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(stem)],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: apt-get install -y libreoffice-writer "
                     "libreoffice-calc poppler-utils fonts-liberation")  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dondoc-papers-") as tmp:
        folder = Path(tmp)
        papers = asyncio.run(write_papers(folder))
        for name, path in papers.items():
            pdf = to_pdf(path, folder)
            # The report's first page; the workbook's summary and its first plan's matrix.
            for page in (1,) if name == "report" else (1, 2):
                dpi = 80 if name == "report" else 110  # a landscape sheet: more to read
                print(page_png(pdf, args.out / f"{name}-page{page}.png", page, dpi))


if __name__ == "__main__":
    main()
