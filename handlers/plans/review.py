"""The review sheet (*bảng rà soát đề xuất*): the proposal written as the plan's appendix table,
for the coordinator to correct in Excel before anything is followed up.

Columns TT | Nhiệm vụ | Thời gian | Cơ quan chủ trì | Cơ quan phối hợp | Kết quả, as plans print
them, then the plan's words each task was read from, where they stand, what dondoc is unsure
of, and the task's key (so that a corrected row updates the same task). Above the table, the
plan's number, date, title and year, so that importing the sheet (``dondoc plan import
review.xlsx``) reads it as that plan's table: the corrections win, a deleted row is a task no
longer followed. Every text that came from the file goes through ``storage.cells.safe_text``.
Landscape A4, header row repeated on every printed page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dondoc.handlers.plans.proposal import ImportReport, TaskResult, UnitMention, place_parts
from dondoc.storage.cells import safe_text

Translate = Callable[..., str]
HEADER_ROW = 8
WIDTHS = (9, 60, 24, 30, 30, 18, 60, 18, 40, 14)


def _names(mentions: list[UnitMention]) -> str:
    """Names as written, each once ("Các cơ quan chuyên môn; Phòng Nội vụ")."""
    return "; ".join(dict.fromkeys(m.name for m in mentions))


def _place(t: Translate, source: str) -> str:
    return ", ".join(t(key, **values) for key, values in place_parts(source)) or source


def _row(task: TaskResult, t: Translate) -> list[Any]:
    notes = [t(n.key, **n.values) for n in task.warnings]
    return [
        task.ordinal,
        task.title,
        task.deadline_text,
        _names(task.lead),
        _names(task.cooperating),
        task.output,
        task.quote,
        _place(t, task.source) if task.source else "",
        "\n".join(notes),
        task.key,
    ]


def _height(values: list[Any]) -> float:
    """A row tall enough for its wrapped text (spreadsheets do not grow rows written by a
    program, so the printed sheet would hide the end of a long quote)."""
    lines = 1
    for value, width in zip(values, WIDTHS, strict=False):
        for part in str(value or "").split("\n"):
            lines = max(lines, -(-len(part) // max(int(width * 1.15), 1)))
    return min(15.0 * lines + 4, 409.0)


def write_review(report: ImportReport, path: Path, t: Translate) -> Path:
    """Write the proposal of ``report`` to ``path`` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t("review.sheet")[:31]
    year = f"{report.year} - {report.last_year}" if report.last_year else str(report.year)
    heading = [
        t("review.number", code=report.plan_code),
        t("review.issued", day=report.issued.strftime("%d/%m/%Y")) if report.issued else "",
        "KẾ HOẠCH",
        report.plan_title,
        t("review.year", year=year),
        t("review.how", file=path.name),
    ]
    for row, text in enumerate(heading, start=1):
        sheet.cell(row=row, column=1, value=safe_text(text))
    sheet.cell(row=3, column=1).font = Font(bold=True, size=13)
    sheet.cell(row=4, column=1).font = Font(bold=True)
    sheet.cell(row=6, column=1).font = Font(italic=True, color="555555")
    columns = [t(f"review.column.{name}") for name in (
        "ordinal", "title", "deadline", "lead", "cooperating", "output",
        "quote", "source", "warnings", "key",
    )]  # fmt: skip
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    section = None
    row = HEADER_ROW + 1
    for task in report.tasks:
        if task.section and task.section != section:
            section = task.section
            cell = sheet.cell(row=row, column=1, value=safe_text(section))
            cell.font = Font(bold=True)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
            row += 1
        values = _row(task, t)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=safe_text(value))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
            if column == 9 and value:
                cell.font = Font(color="9C0006")
        sheet.row_dimensions[row].height = _height(values)
        row += 1
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + column - 1)].width = width
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
