"""The papers as a coordinator sees them: the Word report and the workbook rendered by
LibreOffice to PDF and PNG, and read back from the PDF's text (poppler's ``pdftotext``).
Skipped, saying why, where LibreOffice or poppler is not installed."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.exports import ReportHeading, write_export
from tests.summary_data import build_ward, standard_reports, summary_for

TOOLS = ("soffice", "pdftotext", "pdftoppm")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        any(shutil.which(tool) is None for tool in TOOLS),
        reason="LibreOffice and poppler are needed to render the papers "
        "(apt-get install libreoffice-writer libreoffice-calc poppler-utils fonts-liberation)",
    ),
]
HEADING = ReportHeading(
    authority="UBND phường Thanh Xuân Trung",
    office="Phòng Văn hóa - Xã hội",
    signer_title="Trưởng phòng",
    signer_name="Nguyễn Thị Hoa",
    symbol="BC-VHXH",
)


def render(path: Path, folder: Path) -> tuple[Path, list[str]]:
    """``path`` as PDF (LibreOffice, its own profile) and the text of each page."""
    profile = (folder / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(path)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    pdf = folder / f"{path.stem}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return pdf, text.split("\f")


def png(pdf: Path, folder: Path) -> Path:
    stem = folder / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=120)  # fmt: skip
    return stem.with_suffix(".png")


@pytest.fixture
async def summary(engine: AsyncEngine):  # noqa: ANN201
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    return await summary_for(engine, plan_code="84/KH-UBND")


async def test_report_renders_with_the_national_name_on_one_line(summary, tmp_path: Path) -> None:  # noqa: ANN001
    path = write_export(summary, "docx", tmp_path / "report.docx", issued=date(2024, 7, 18),
                        heading=HEADING)  # fmt: skip
    pdf, pages = render(path, tmp_path)
    first = [" ".join(line.split()) for line in pages[0].splitlines()]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in first), first[:8]
    # The number's line and the date line side by side, as the decree lays them out.
    assert any(line.startswith("Số:") and "/BC-VHXH" in line and "ngày 18 tháng 7 năm 2024" in line
               for line in first), first[:8]  # fmt: skip
    assert any(line == "BÁO CÁO" for line in first)
    assert "Nơi nhận:" in pages[-1] or "Nơi nhận:" in "".join(pages)
    picture = png(pdf, tmp_path)
    assert picture.stat().st_size > 10_000


async def test_sheet_prints_unit_names_beside_their_numbers(summary, tmp_path: Path) -> None:  # noqa: ANN001
    path = write_export(summary, "xlsx", tmp_path / "sheet.xlsx")
    pdf, pages = render(path, tmp_path)
    first = [" ".join(line.split()) for line in pages[0].splitlines()]
    # One page wide: a unit's name and its numbers on the same printed line.
    line = next(line for line in first if "Trung tâm Phục vụ hành chính công" in line)
    assert "TTPVHCC" in line and " 1 " in f" {line} "
    assert any(line.startswith("Tổng cộng 7") or " Tổng cộng 7 " in f" {line} " for line in first)
    assert any("Trang 1/" in line for line in first)  # the page number in the footer
    assert png(pdf, tmp_path).stat().st_size > 5_000
