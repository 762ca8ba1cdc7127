"""A plan's appendix table (*phụ lục nhiệm vụ*) in whatever shape the file gives it.

Tables of a Word, PDF or spreadsheet file arrive as rows of cells and go straight to
``storage.plan_tables.parse_tables`` (header found by its words, merged section rows, rows
continued across pages). A table extracted as text with one cell per line (how Word's tables come
out of a PDF or a copy: "\\tSTT", "\\tNhiệm vụ", …) is first rebuilt into rows: the header's
cells give the number of columns; a row starts at its TT cell ("1", "2.") or at a section
heading repeated across the row; a row with fewer cells than columns had some merged with the
row above — each cell goes where its words say (a deadline phrase → Thời gian, unit names →
chủ trì, then phối hợp), and what is missing is taken from the row above, with a warning.
"""

from __future__ import annotations

import re

from dondoc.scheduler.phrases import parse_deadline
from dondoc.scheduler.schedules import ScheduleKind
from dondoc.storage.documents import PlanDocument, TableBlock
from dondoc.storage.errors import UserError
from dondoc.storage.plan_tables import (
    PlanRow,
    PlanTable,
    clean_text,
    header_roles,
    is_header,
    parse_tables,
)
from dondoc.storage.unit_names import UnitDirectory

_ORDINAL = re.compile(r"^\d{1,3}[.)]?$")
_SECTION = re.compile(r"^(?:[IVXLC]{1,6}|[A-Z])[.)]\s+\S")
_UNIT_START = re.compile(
    r"^(?:phòng|văn phòng|ban|ủy ban|uỷ ban|ubnd|trung tâm|chi cục|công an|các|bảo hiểm|kho bạc"
    r"|bưu điện|bệnh viện|trường|đội|sở|hội|thanh tra|chi nhánh)\b",
    re.I,
)
MERGED_NOTE = "import.merged_from_above"


def _header_width(cells: list[str]) -> int:
    """How many of the first cells form the header row (0: no header)."""
    best = 0
    for width in range(3, min(9, len(cells)) + 1):
        roles = header_roles(cells[:width])
        if is_header(roles) and len(roles) == width:
            best = width
    return best


def _is_deadline(text: str) -> bool:
    return parse_deadline(text, 2000).schedule.kind is not ScheduleKind.UNKNOWN


def _rows_from_cells(
    cells: list[str], directory: UnitDirectory
) -> tuple[list[list[str]], list[int]]:
    """Rows rebuilt from a stream of cells; the indexes of rows that took cells from above."""
    width = _header_width(cells)
    if width == 0:
        return [], []
    header, rest = cells[:width], cells[width:]
    raw: list[list[str]] = []
    for cell in rest:
        text = clean_text(cell)
        starts = bool(_ORDINAL.match(text)) or bool(
            _SECTION.match(text) and (not raw or raw[-1][0] != text)
        )
        if starts or not raw:
            raw.append([text])
        else:
            raw[-1].append(text)
    rows: list[list[str]] = [header]
    borrowed: list[int] = []
    previous: list[str] | None = None
    for row in raw:
        if _SECTION.match(row[0]):
            rows.append([row[0]] * width)
            previous = None
            continue
        if len(row) >= width:
            fitted = row[: width - 1] + [" ".join(row[width - 1 :])]
        else:
            fitted = _fit(row, width, directory)
            if previous is not None:
                missing = [i for i in range(2, width) if not fitted[i] and previous[i]]
                for index in missing:
                    fitted[index] = previous[index]
                if missing:
                    borrowed.append(len(rows))
        rows.append(fitted)
        previous = fitted
    return rows, borrowed


def _fit(row: list[str], width: int, directory: UnitDirectory) -> list[str]:
    """TT and title first; the other cells where their words say they belong."""
    fitted = [row[0], row[1] if len(row) > 1 else ""] + [""] * (width - 2)
    deadline_column, lead_column, coop_column = 2, 3, 4 if width > 4 else None
    for text in row[2:]:
        if not text:
            continue
        if not fitted[deadline_column] and _is_deadline(text) and not _UNIT_START.match(text):
            fitted[deadline_column] = text
        elif lead_column < width and not fitted[lead_column]:
            fitted[lead_column] = text
        elif coop_column is not None and not fitted[coop_column]:
            fitted[coop_column] = text
    return fitted


def read_tables(
    document: PlanDocument, directory: UnitDirectory, preamble: list[str], strict: bool = False
) -> PlanTable | None:
    """The task rows of the document's tables, or None when it has no task table (``strict``:
    say why — no header, no rows — for a file that is only a table)."""
    tables: list[list[list[str]]] = []
    merged: list[set[int]] = []
    names: list[str] = []
    borrowed: dict[tuple[int, int], bool] = {}
    for block in document.tables:
        rows = [[c if c is not None else "" for c in row] for row in block.rows]
        spanning = set(block.merged)
        if block.cell_per_line:
            rows, took = _rows_from_cells(rows[0] if rows else [], directory)
            for index in took:
                borrowed[(len(tables) + 1, index + 1)] = True
        if not rows:
            continue
        tables.append(rows)
        merged.append(spanning)
        names.append(_name(block))
    if not tables:
        if strict:
            raise UserError("file.empty", file=str(document.path))
        return None
    try:
        table = parse_tables(tables, preamble, str(document.path), merged, names)
    except UserError:  # no header, or no rows under it: the plan is prose only
        if strict:
            raise
        return None
    for row in table.rows:
        number, _, line = row.source.rpartition(":")
        table_no = names.index(number) + 1 if number in names else 0
        if borrowed.get((table_no, int(line) if line.isdigit() else -1)):
            row.notes.append(MERGED_NOTE)
    return table


def _name(block: TableBlock) -> str:
    page, table = block.position.page, block.position.table
    return f"p{page} t{table}" if page is not None else f"t{table}"


def rows_of(table: PlanTable | None) -> list[PlanRow]:
    return table.rows if table is not None else []
