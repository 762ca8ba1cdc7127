"""The monthly meeting's Excel workbook (*bảng tổng hợp*), written with openpyxl in write-only
mode (streamed, so a national-scale summary fits in memory).

Sheets:

* "Tổng hợp" — one row per unit: tasks, count per category, blocked, on-time rate (a real
  percentage), unreachable mark; a total row below the table.
* one sheet per plan — the task × unit matrix: for each (task occurrence, unit) the status
  word on the category's fill colour, the report date (a real Excel date) and the percent;
  the report's note as a cell comment. Tasks are rows and units column groups; when a plan
  has more units than fit as columns (``MAX_UNIT_GROUPS``), units are rows and tasks column
  groups instead.
* "Vướng mắc" — every blocked item with its note.

Every table has a frozen header, an autofilter and column widths that fit Vietnamese text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from dondoc.locales import _, format_period, format_short_day
from dondoc.storage.errors import UserError
from dondoc.storage.exports.common import (
    BLOCKED_COLOUR,
    CATEGORY_COLOURS,
    category_word,
    plan_words,
    scope_words,
)
from dondoc.storage.summary_model import CATEGORIES, Summary, SummaryItem

MAX_COLUMNS = 16_384  # Excel's limit
MAX_UNIT_GROUPS = 120  # more units than this: units become rows
DATE_FORMAT = "DD/MM/YYYY"
RATE_FORMAT = "0.0%"
_INVALID_SHEET_CHARS = str.maketrans({c: "-" for c in "[]:*?/\\"})

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
_FILLS = {c: PatternFill("solid", fgColor=colour) for c, colour in CATEGORY_COLOURS.items()}
_BLOCKED_FONT = Font(bold=True, color=BLOCKED_COLOUR)


class _Sheet:
    """A write-only sheet plus the widths its columns need."""

    def __init__(self, workbook: Workbook, title: str) -> None:
        self.ws: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.widths: dict[int, float] = {}
        self.rows = 0
        self._styles: dict[tuple[tuple[str, object], ...], StyleArray] = {}

    def cell(self, value: Any, **style: Any) -> Cell:
        """A styled cell. Setting a style registers it in the workbook (hashing the style
        objects): done once per combination, later cells copy the resulting style ids —
        with millions of cells this is most of the writing time."""
        cell = Cell(self.ws, row=1, column=1, value=value)
        if style:
            # Style objects here are module constants: their identity is a cheap, safe key.
            key = tuple(
                (name, setting if isinstance(setting, str) else id(setting))
                for name, setting in style.items()
            )
            cached = self._styles.get(key)
            if cached is None:
                for name, setting in style.items():
                    setattr(cell, name, setting)
                self._styles[key] = StyleArray(cell._style)
            else:
                cell._style = StyleArray(cached)
        return cell

    def fit(self, column: int, text: str | None, cap: float = 60) -> None:
        if not text:
            return
        longest = max(len(line) for line in str(text).splitlines() or [""])
        width = min(cap, longest * 1.15 + 2)
        if width > self.widths.get(column, 8):
            self.widths[column] = width

    def begin(self, freeze: str | None = None) -> None:
        """Widths and frozen panes go in the sheet's header: set them before the first row."""
        for column, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = round(width, 1)
        if freeze:
            self.ws.freeze_panes = freeze

    def append(self, row: Iterable[Any]) -> None:
        self.ws.append(list(row))
        self.rows += 1


def _header(sheet: _Sheet, labels: list[str], cap: float = 30) -> list[Cell]:
    cells = []
    for column, label in enumerate(labels, start=1):
        sheet.fit(column, label, cap)
        cells.append(
            sheet.cell(label, font=_BOLD, fill=_HEADER_FILL, alignment=_CENTER_WRAP, border=_BORDER)
        )
    return cells


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name (31 characters, none of ``[]:*?/\\``)."""
    base = text.translate(_INVALID_SHEET_CHARS).strip("' ") or "KH"
    base = base[:31]
    name, n = base, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


def write_xlsx(summary: Summary, stream: BinaryIO, language: str = "vi") -> None:
    """Write the workbook of ``summary`` to ``stream``."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    _summary_sheet(workbook, summary, language, sheet_title(_t("exports.xlsx.sheet.summary",
                                                                 language), taken))  # fmt: skip
    by_plan: dict[str, list[SummaryItem]] = {}
    for item in summary.items:
        by_plan.setdefault(item.plan_code, []).append(item)
    for plan in summary.plans:
        items = by_plan.get(plan.code, [])
        if items:
            _plan_sheet(workbook, summary, plan.code, plan.title, items, language, taken)
    _blocked_sheet(
        workbook, summary, language, sheet_title(_t("exports.xlsx.sheet.blocked", language), taken)
    )
    workbook.save(stream)


def _t(key: str, language: str, **values: Any) -> str:
    return _(key, language, **values)


def _title_rows(sheet: _Sheet, title: str, subtitle: str) -> None:
    sheet.append([sheet.cell(title, font=_TITLE)])
    sheet.append([sheet.cell(subtitle, font=Font(italic=True))])
    sheet.append([])


def _subtitle(summary: Summary, language: str) -> str:
    return _t(
        "exports.xlsx.subtitle",
        language,
        plan=plan_words(summary, language),
        scope=scope_words(summary, language),
        today=format_short_day(summary.today, language),
    )


def _summary_sheet(workbook: Workbook, summary: Summary, language: str, title: str) -> None:
    sheet = _Sheet(workbook, title)
    labels = [
        _t("exports.col.number", language),
        _t("exports.col.unit_code", language),
        _t("exports.col.unit", language),
        _t("exports.col.total", language),
        *(category_word(c, language) for c in CATEGORIES),
        _t("status.blocked", language),
        _t("exports.col.on_time_rate", language),
        _t("status.unreachable", language),
    ]
    header = _header(sheet, labels, cap=22)
    for cell, category in zip(header[4:9], CATEGORIES, strict=True):
        cell.fill = _FILLS[category]
    for unit in summary.per_unit:
        sheet.fit(2, unit.unit_code, 20)
        sheet.fit(3, unit.unit_name, 50)
    header_row = 4
    sheet.begin(f"D{header_row + 1}")
    _title_rows(sheet, _t("exports.xlsx.title", language), _subtitle(summary, language))
    sheet.append(header)
    mark = _t("exports.xlsx.mark", language)
    for number, unit in enumerate(summary.per_unit, start=1):
        sheet.append(
            [
                number,
                unit.unit_code,
                unit.unit_name,
                unit.total,
                *(unit.counts[c] for c in CATEGORIES),
                unit.blocked,
                sheet.cell(unit.on_time_rate, number_format=RATE_FORMAT),
                mark if unit.unreachable else None,
            ]
        )
    last_row = sheet.rows
    last_column = get_column_letter(len(labels))
    if summary.per_unit:
        sheet.ws.auto_filter.ref = f"A{header_row}:{last_column}{last_row}"
    total_label = _t("exports.col.grand_total", language)
    sheet.append(
        [
            None,
            None,
            sheet.cell(total_label, font=_BOLD),
            sheet.cell(summary.total, font=_BOLD),
            *(sheet.cell(summary.counts[c], font=_BOLD) for c in CATEGORIES),
            sheet.cell(len(summary.blocked), font=_BOLD),
            sheet.cell(summary.on_time_rate, font=_BOLD, number_format=RATE_FORMAT),
            sheet.cell(len(summary.unreachable_units), font=_BOLD),
        ]
    )
    sheet.append([])
    sheet.append([sheet.cell(_t("exports.xlsx.rate_note", language), font=Font(italic=True))])


def _status_cell(sheet: _Sheet, item: SummaryItem, language: str, words: dict[Any, str]) -> Any:
    text = words[item.category]
    if item.blocked:
        text = _t("exports.xlsx.cell_blocked", language, category=text)
    cell = sheet.cell(text, fill=_FILLS[item.category], border=_BORDER)
    if item.blocked:
        cell.font = _BLOCKED_FONT
    if item.note:
        role = _t(f"exports.role.{item.role}", language)
        cell.comment = Comment(
            _t("exports.xlsx.comment", language, unit=item.unit_name, role=role, note=item.note),
            "dondoc",
            width=260,
            height=110,
        )
    return cell


def _report_cells(sheet: _Sheet, summary: Summary, item: SummaryItem | None) -> list[Any]:
    if item is None:
        return [None, None]
    day = summary.local_date(item.reported_at)
    return [
        sheet.cell(day, number_format=DATE_FORMAT) if day else None,
        item.percent,
    ]


@dataclass(frozen=True)
class _Matrix:
    """One plan's status matrix: a sheet, and the units, occurrences and cells it shows."""

    sheet: _Sheet
    summary: Summary
    language: str
    occurrences: list[SummaryItem]
    unit_order: list[int]
    units: dict[int, tuple[str, str]]
    cells: dict[tuple[int, int], SummaryItem]
    words: dict[Any, str]
    titles: tuple[str, str]


def _plan_sheet(
    workbook: Workbook,
    summary: Summary,
    code: str,
    plan_title: str,
    items: list[SummaryItem],
    language: str,
    taken: set[str],
) -> None:
    units: dict[int, tuple[str, str]] = {}
    occurrences: dict[int, SummaryItem] = {}
    cells: dict[tuple[int, int], SummaryItem] = {}
    for item in items:
        units.setdefault(item.unit_id, (item.unit_code, item.unit_name))
        occurrences.setdefault(item.occurrence_id, item)
        cells[(item.occurrence_id, item.unit_id)] = item
    unit_order = sorted(units, key=lambda u: units[u][0])
    sheet = _Sheet(workbook, sheet_title(code, taken))
    titles = (
        _t("exports.xlsx.plan_title", language, code=code, title=plan_title or code),
        _subtitle(summary, language),
    )
    words = {c: category_word(c, language) for c in CATEGORIES}
    matrix = _Matrix(
        sheet, summary, language, list(occurrences.values()), unit_order, units, cells, words,
        titles,
    )  # fmt: skip
    if len(unit_order) <= MAX_UNIT_GROUPS:
        _tasks_as_rows(matrix)
    else:
        if 3 + 3 * len(occurrences) > MAX_COLUMNS:
            raise UserError("export.too_wide", plan=code, tasks=len(occurrences))
        _units_as_rows(matrix)


def _group_header(sheet: _Sheet, value: Any, **style: Any) -> list[Any]:
    """The top cells of a three-column group (status, reported on, percent) of one unit or
    one task: its title, then two blank cells it is merged over."""
    blank = [sheet.cell(None, fill=_HEADER_FILL, border=_BORDER) for _ in range(2)]
    title = sheet.cell(
        value, font=_BOLD, fill=_HEADER_FILL, alignment=_CENTER_WRAP, border=_BORDER, **style
    )
    return [title, *blank]


def _sub_header(sheet: _Sheet, first: int, language: str) -> list[Any]:
    """The three column labels of a group starting at column ``first``."""
    cells = []
    for k, key in enumerate(
        ("exports.col.status", "exports.col.reported_on", "exports.col.percent")
    ):
        label = _t(key, language)
        cells.append(
            sheet.cell(label, font=_BOLD, fill=_HEADER_FILL, alignment=_CENTER_WRAP, border=_BORDER)
        )
        sheet.fit(first + k, label, 14)
    return cells


def _group_cells(m: _Matrix, item: SummaryItem | None) -> list[Any]:
    """One unit's status on one task: three cells (blank when the unit is not assigned it)."""
    if item is None:
        return [None, None, None]
    return [
        _status_cell(m.sheet, item, m.language, m.words),
        *_report_cells(m.sheet, m.summary, item),
    ]


def _tasks_as_rows(m: _Matrix) -> None:
    sheet, language = m.sheet, m.language
    fixed = [
        _t("exports.col.number", language),
        _t("exports.col.task", language),
        _t("exports.col.period", language),
        _t("exports.col.due", language),
    ]
    top = _header(sheet, fixed)
    sub = [sheet.cell(None, fill=_HEADER_FILL, border=_BORDER) for _ in fixed]
    for n, unit_id in enumerate(m.unit_order):
        first = len(fixed) + 3 * n + 1
        name = m.units[unit_id][1]
        top += _group_header(sheet, name)
        sub += _sub_header(sheet, first, language)
        sheet.fit(first, name, 26)
        sheet.ws.merged_cells.add(f"{get_column_letter(first)}4:{get_column_letter(first + 2)}4")
    for column in range(1, len(fixed) + 1):
        letter = get_column_letter(column)
        sheet.ws.merged_cells.add(f"{letter}4:{letter}5")
    for occ in m.occurrences:
        sheet.fit(2, occ.label(), 60)
        sheet.fit(3, format_period(occ.period, language), 22)
    sheet.fit(4, "00/00/0000", 14)
    header_row = 5
    sheet.begin(f"E{header_row + 1}")
    _title_rows(sheet, *m.titles)
    sheet.append(top)
    sheet.append(sub)
    for number, occ in enumerate(m.occurrences, start=1):
        label = occ.label()
        row: list[Any] = [
            number,
            sheet.cell(label, alignment=_WRAP),
            format_period(occ.period, language),
            sheet.cell(occ.due, number_format=DATE_FORMAT) if occ.due else None,
        ]
        for unit_id in m.unit_order:
            item = m.cells.get((occ.occurrence_id, unit_id))
            row += _group_cells(m, item)
        sheet.append(row)
    last_column = get_column_letter(len(fixed) + 3 * len(m.unit_order))
    sheet.ws.auto_filter.ref = f"A{header_row}:{last_column}{max(sheet.rows, header_row)}"


def _units_as_rows(m: _Matrix) -> None:
    sheet, language = m.sheet, m.language
    fixed = [
        _t("exports.col.number", language),
        _t("exports.col.unit_code", language),
        _t("exports.col.unit", language),
    ]
    top = _header(sheet, fixed)
    due_row = [sheet.cell(None, fill=_HEADER_FILL, border=_BORDER) for _ in fixed]
    sub = [sheet.cell(None, fill=_HEADER_FILL, border=_BORDER) for _ in fixed]
    due_format = '"' + _t("exports.xlsx.due_prefix", language) + '" ' + DATE_FORMAT
    for n, occ in enumerate(m.occurrences):
        first = len(fixed) + 3 * n + 1
        label = f"{occ.label()} ({format_period(occ.period, language)})"
        top += _group_header(sheet, label)
        due_row += _group_header(sheet, occ.due, number_format=due_format)
        sub += _sub_header(sheet, first, language)
        sheet.fit(first, label[:26], 26)
        for row_number in (4, 5):
            sheet.ws.merged_cells.add(
                f"{get_column_letter(first)}{row_number}:{get_column_letter(first + 2)}{row_number}"
            )
    for column in range(1, len(fixed) + 1):
        letter = get_column_letter(column)
        sheet.ws.merged_cells.add(f"{letter}4:{letter}6")
    for code, name in m.units.values():
        sheet.fit(2, code, 20)
        sheet.fit(3, name, 50)
    header_row = 6
    sheet.begin(f"D{header_row + 1}")
    _title_rows(sheet, *m.titles)
    sheet.append(top)
    sheet.append(due_row)
    sheet.append(sub)
    occ_ids = [o.occurrence_id for o in m.occurrences]
    for number, unit_id in enumerate(m.unit_order, start=1):
        code, name = m.units[unit_id]
        row: list[Any] = [number, code, name]
        for occ_id in occ_ids:
            row += _group_cells(m, m.cells.get((occ_id, unit_id)))
        sheet.append(row)
    last_column = get_column_letter(len(fixed) + 3 * len(m.occurrences))
    sheet.ws.auto_filter.ref = f"A{header_row}:{last_column}{max(sheet.rows, header_row)}"
    sheet.ws.freeze_panes = f"D{header_row + 1}"


def _blocked_sheet(workbook: Workbook, summary: Summary, language: str, title: str) -> None:
    sheet = _Sheet(workbook, title)
    labels = [
        _t("exports.col.number", language),
        _t("exports.col.plan", language),
        _t("exports.col.task", language),
        _t("exports.col.period", language),
        _t("exports.col.due", language),
        _t("exports.col.unit", language),
        _t("exports.col.reported_on", language),
        _t("exports.col.blocked_note", language),
    ]
    header = _header(sheet, labels)
    for item in summary.blocked:
        sheet.fit(2, item.plan_code, 20)
        sheet.fit(3, item.label(), 50)
        sheet.fit(6, item.unit_name, 40)
        sheet.fit(8, item.note, 70)
    sheet.fit(5, "00/00/0000", 14)
    sheet.fit(7, "00/00/0000", 14)
    sheet.begin("A2")
    sheet.append(header)
    for number, item in enumerate(summary.blocked, start=1):
        label = item.label()
        day: date | None = summary.local_date(item.reported_at)
        sheet.append(
            [
                number,
                item.plan_code,
                sheet.cell(label, alignment=_WRAP),
                format_period(item.period, language),
                sheet.cell(item.due, number_format=DATE_FORMAT) if item.due else None,
                item.unit_name,
                sheet.cell(day, number_format=DATE_FORMAT) if day else None,
                sheet.cell(item.note, alignment=_WRAP, font=_BLOCKED_FONT),
            ]
        )
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{max(sheet.rows, 1)}"
