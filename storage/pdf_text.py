"""A plan published as PDF (*bản ký số*), read page by page with pdfplumber (MIT licence,
built on pdfminer.six, MIT; both maintained).

Each page gives its ruled tables (cells as the table draws them) and the text outside them, as
lines in reading order; lines are joined into paragraphs like a text file
(``storage.documents.paragraphs_from_lines``), with the page kept for every paragraph. Text in a
font much smaller than the body's (footnotes, footnote marks) is left out.

A PDF that asks for a password, one whose pages are only images (a scan, no text layer), or one
longer than ``MAX_PAGES`` raises ``UserError`` with a message that says what to do — nothing is
guessed from a picture.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from dondoc.storage.documents import (
    Block,
    Line,
    Paragraph,
    PlanDocument,
    Position,
    TableBlock,
    paragraphs_from_lines,
)
from dondoc.storage.errors import UserError

MAX_PAGES = 150  # plans run to tens of pages; a longer PDF is not a plan to import whole
SMALL_FONT = 0.8  # text below this share of the body's size is footnotes
MIN_TEXT_PER_PAGE = 20  # fewer characters per page on average: a scan without text


def _open(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if path.stat().st_size == 0:
        raise UserError("file.empty", file=str(path))
    try:
        pdf = pdfplumber.open(str(path))
        _ = len(pdf.pages)
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UserError("document.pdf_encrypted", file=str(path)) from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds for broken files
        cause = f"{exc!r} {exc.__cause__!r}".lower()
        if "password" in cause or "encrypt" in cause:
            raise UserError("document.pdf_encrypted", file=str(path)) from exc
        raise UserError("file.corrupt", file=str(path), kind="PDF") from exc


def _body_size(pdf: Any) -> float:
    sizes: list[float] = []
    for page in pdf.pages[:10]:
        sizes.extend(round(c.get("size", 0), 1) for c in page.chars[:4000])
    return statistics.median(sizes) if sizes else 0.0


def read_pdf(path: Path) -> PlanDocument:
    """Paragraphs and tables of every page, in reading order."""
    pdf = _open(path)
    try:
        if len(pdf.pages) > MAX_PAGES:
            raise UserError(
                "document.pdf_too_long", file=str(path), pages=len(pdf.pages), limit=MAX_PAGES
            )
        characters = sum(len(page.chars) for page in pdf.pages)
        if characters < MIN_TEXT_PER_PAGE * max(len(pdf.pages), 1):
            raise UserError("document.pdf_no_text", file=str(path), pages=len(pdf.pages))
        body = _body_size(pdf)
        blocks: list[Block] = []
        pending: list[Line] = []
        tables = 0

        def flush() -> None:
            if pending:
                number = 1 + sum(1 for b in blocks if isinstance(b, Paragraph))
                blocks.extend(paragraphs_from_lines(list(pending), number))
                pending.clear()

        for number, page in enumerate(pdf.pages, start=1):
            if body:
                page = page.filter(
                    lambda obj: (
                        obj.get("object_type") != "char"
                        or obj.get("size", body) >= body * SMALL_FONT
                    )
                )
            found = [t for t in page.find_tables() if len(t.rows) >= 2]
            items: list[tuple[float, str, Any]] = []
            outside = page
            for table in found:
                items.append((table.bbox[1], "table", table))
                outside = outside.outside_bbox(table.bbox)
            for line in outside.extract_text_lines(return_chars=False):
                items.append((line["top"], "line", line["text"]))
            items.sort(key=lambda item: item[0])
            for _, kind, payload in items:
                if kind == "line":
                    pending.append((payload, number, None))
                    continue
                flush()
                tables += 1
                rows = [[cell or "" for cell in row] for row in payload.extract()]
                merged = {i for i, row in enumerate(payload.rows) if _one_cell(row)}
                blocks.append(TableBlock(rows, Position(page=number, table=tables), merged))
        flush()
        return PlanDocument(path, "pdf", blocks, pages=len(pdf.pages))
    finally:
        pdf.close()


def _one_cell(row: Any) -> bool:
    cells = list(row.cells)
    return len(cells) > 2 and sum(1 for c in cells if c is not None) == 1
