"""Plan documents for tests, built from the seed plans in ``tests/data/plans``: the same plan as
a Word file (one paragraph per paragraph) and as a PDF with a real Vietnamese text layer
(fpdf2 with matplotlib's DejaVu Sans), plus the bad PDFs a coordinator may be sent (a scan of
images, one locked by a password, one far too long). Unit registries are in ``tests/data/units``.
"""

from __future__ import annotations

from pathlib import Path

from dondoc.storage.documents import read_document
from tests.conftest import SEEDS

UNITS = Path(__file__).resolve().parent / "data" / "units"


def seed(name: str) -> Path:
    return SEEDS / f"{name}.txt"


def _font() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def docx_from_text(text_file: Path, target: Path) -> Path:
    from docx import Document

    document = Document()
    for paragraph in read_document(text_file).paragraphs:
        document.add_paragraph(paragraph.text)
    document.save(target)
    return target


def pdf_from_text(text_file: Path, target: Path, *, password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20, 20)
    pdf.add_font("DejaVu", "", _font())
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for paragraph in read_document(text_file).paragraphs:
        pdf.multi_cell(0, 6, paragraph.text, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.output(str(target))
    return target


def scanned_pdf(target: Path, pages: int = 2) -> Path:
    """A PDF of images only, as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image

    picture = target.with_suffix(".png")
    Image.new("RGB", (600, 800), "white").save(picture)
    pdf = FPDF(format="A4")
    for _ in range(pages):
        pdf.add_page()
        pdf.image(str(picture), x=10, y=10, w=190)
    pdf.output(str(target))
    picture.unlink()
    return target


def long_pdf(target: Path, pages: int = 300) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", _font())
    pdf.set_font("DejaVu", size=11)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"Trang {number + 1}: Thường xuyên rà soát, cập nhật thủ tục hành chính.")
    pdf.output(str(target))
    return target
