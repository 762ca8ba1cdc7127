"""A plan's status matrix (*bảng theo dõi theo kế hoạch*): for each (task occurrence, unit) the
status word on the category's colour (with "vướng mắc" or "chưa báo cáo" where it applies),
the report date (a real date) and the percent. Tasks are rows and units column groups; when a
plan has more units than fit as columns (``MAX_UNIT_GROUPS``), units are rows and tasks column
groups. A legend of the colours stands under the table, so a printed page still reads.

Rows are written as their items arrive (``add``), in the order ``storage.summary`` streams
them: by task for tasks as rows, by unit for units as rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from dondoc.locales import _, format_period
from dondoc.storage.errors import UserError
from dondoc.storage.exports.common import category_word
from dondoc.storage.exports.xlsx_book import DATE_FORMAT, LINE_HEIGHT, Book, Text, excel_day
from dondoc.storage.summary_model import CATEGORIES, CODES, Category, Summary, SummaryItem

MAX_COLUMNS = 16_384  # Excel's limit
MAX_UNIT_GROUPS = 120  # more units than this: units become rows
GROUP_WIDTHS = (15, 10.5, 7)  # status (wrapped), reported on, percent: compact for print


@dataclass
class PlanLayout:
    """What a plan's sheet shows: its occurrences (in order) and its units (by code)."""

    code: str
    title: str
    occurrences: list[SummaryItem]  # one item per occurrence, for its task and dates
    units: list[tuple[int, str, str]]  # id, code, name
    plan_id: int = 0

    @property
    def units_as_rows(self) -> bool:
        return len(self.units) > MAX_UNIT_GROUPS


def layouts_of(summary: Summary, items: Iterable[SummaryItem]) -> list[PlanLayout]:
    """The layouts of the plans of ``items`` (the summary's own, when loaded)."""
    occurrences: dict[str, dict[int, SummaryItem]] = {}
    units: dict[str, dict[int, tuple[int, str, str]]] = {}
    for item in items:
        occurrences.setdefault(item.plan_code, {}).setdefault(item.occurrence_id, item)
        units.setdefault(item.plan_code, {})[item.unit_id] = (
            item.unit_id, item.unit_code, item.unit_name,
        )  # fmt: skip
    return [
        PlanLayout(
            plan.code,
            plan.title,
            list(occurrences[plan.code].values()),
            sorted(units[plan.code].values(), key=lambda u: u[1]),
            plan.id,
        )  # fmt: skip
        for plan in summary.plans
        if plan.code in occurrences
    ]


def _t(key: str, language: str, **values: Any) -> str:
    return _(key, language, **values)


class MatrixSheet:
    """One plan's sheet, written as its items arrive."""

    def __init__(self, book: Book, summary: Summary, layout: PlanLayout, language: str,
                 subtitle: str) -> None:  # fmt: skip
        self.book, self.summary, self.layout, self.language = book, summary, layout, language
        self.sheet = book.sheet(layout.code)
        self.words = {c: category_word(c, language) for c in CATEGORIES}
        self.by_unit = layout.units_as_rows
        groups = len(layout.occurrences) if self.by_unit else len(layout.units)
        self.fixed = 3 if self.by_unit else 4
        self.last_column = self.fixed + 3 * groups - 1
        if self.by_unit and self.last_column >= MAX_COLUMNS:
            raise UserError("export.too_wide", plan=layout.code, tasks=len(layout.occurrences))
        self.column = {
            (u[0] if not self.by_unit else o.occurrence_id): self.fixed + 3 * n
            for n, (u, o) in enumerate(self._groups())
        }
        self.current: Any = None
        self.row_items: list[SummaryItem] = []
        self.number = 0
        # Formats made once: a national sheet has millions of cells.
        self.f_top = book.fmt(valign="top")
        self.f_wrap = book.fmt(text_wrap=True, valign="top")
        self.f_date = book.fmt(num_format=DATE_FORMAT, valign="top")
        self.f_status = {
            (c, blocked): book.category_fmt(c, blocked) for c in CATEGORIES for blocked in (0, 1)
        }
        self.texts = {
            (c, blocked, unreported): self._status_text(c, blocked, unreported)
            for c in CATEGORIES for blocked in (0, 1) for unreported in (0, 1)
        }  # fmt: skip
        title = _t("exports.xlsx.plan_title", language, code=layout.code,
                   title=layout.title or layout.code)  # fmt: skip
        self._begin(title, subtitle)

    def _groups(self) -> list[tuple[Any, Any]]:
        if self.by_unit:
            return [(None, o) for o in self.layout.occurrences]
        return [(u, None) for u in self.layout.units]

    # ---- header ----------------------------------------------------------------------------

    def _begin(self, title: str, subtitle: str) -> None:
        sheet, book, language = self.sheet, self.book, self.language
        header = book.header_fmt()
        if self.by_unit:
            fixed = ["exports.col.number", "exports.col.unit_code", "exports.col.unit"]
            sheet.widths.update({0: 5, 1: 12, 2: 30})
        else:
            fixed = ["exports.col.number", "exports.col.task", "exports.col.period",
                     "exports.col.due"]  # fmt: skip
            sheet.widths.update({0: 5, 1: 42, 2: 12, 3: 11})
        for n in range(len(self._groups())):
            first = self.fixed + 3 * n
            sheet.widths.update({first: GROUP_WIDTHS[0], first + 1: GROUP_WIDTHS[1],
                                 first + 2: GROUP_WIDTHS[2]})  # fmt: skip
        labels = [_t(key, language) for key in fixed]
        sheet.set_widths()
        sheet.title_rows(title, subtitle)
        depth = 3 if self.by_unit else 2  # header rows
        top = sheet.row
        ws = sheet.ws
        for column, label in enumerate(labels):
            if book.streaming:  # rows are written in order: no merge across rows
                sheet.cell(column, Text(label), header)
            else:
                ws.merge_range(top, column, top + depth - 1, column, label, header)
        for n, (unit, occ) in enumerate(self._groups()):
            first = self.fixed + 3 * n
            name = unit[2] if unit else f"{occ.label()} ({format_period(occ.period, language)})"
            ws.merge_range(top, first, top, first + 2, "", header)
            sheet.cell(first, name, header)
        ws.set_row(top, 42 if not self.by_unit else 54)
        sheet.skip()
        if self.by_unit:
            due_fmt = book.header_fmt(
                num_format=f'"{_t("exports.xlsx.due_prefix", language)}" {DATE_FORMAT}'
            )
            if book.streaming:
                for column in range(self.fixed):
                    sheet.cell(column, None, header)
            for n, (_u, occ) in enumerate(self._groups()):
                first = self.fixed + 3 * n
                ws.merge_range(sheet.row, first, sheet.row, first + 2, "", due_fmt)
                sheet.cell(first, occ.due, due_fmt)
            sheet.skip()
        if book.streaming:
            for column in range(self.fixed):
                sheet.cell(column, None, header)
        for n in range(len(self.column)):
            first = self.fixed + 3 * n
            for k, key in enumerate(("exports.col.status", "exports.col.reported_on",
                                     "exports.col.percent")):  # fmt: skip
                sheet.cell(first + k, Text(_t(key, language)), header)
        ws.set_row(sheet.row, 28)
        sheet.skip()
        self.header_last = sheet.row - 1
        ws.freeze_panes(sheet.row, self.fixed)
        sheet.print_setup(
            (top, self.header_last),
            _t("exports.xlsx.plan_title", language, code=self.layout.code, title="")[:-2],
            subtitle,
            _t("exports.xlsx.footer", language),
        )

    # ---- rows ------------------------------------------------------------------------------

    def add(self, items: Iterable[SummaryItem]) -> None:
        for item in items:
            key = item.unit_id if self.by_unit else item.occurrence_id
            if key != self.current:
                self._flush()
                self.current = key
            self.row_items.append(item)

    def add_cells(self, rows: Iterable[tuple[int, int, int, Any, Any]]) -> None:
        """Rows of ``storage.summary.stream_cells`` (units as rows, unit by unit): the matrix
        of a national summary without an item object per cell."""
        units = {u[0]: u for u in self.layout.units}
        sheet, ws = self.sheet, self.sheet.ws
        cells = {
            code: (
                self.texts[(m.category, int(m.blocked), int(m.unreported))],
                self.f_status[(m.category, int(m.blocked))],
            )
            for code, m in CODES.items()
        }
        columns, f_date, f_top = self.column, self.f_date, self.f_top
        write_string, write_number = ws.write_string, ws.write_number
        current = None
        for unit_id, occ_id, code, serial_day, percent in rows:
            if unit_id != current:
                if current is not None:
                    sheet.skip()
                current = unit_id
                self.number += 1
                _uid, u_code, u_name = units[unit_id]
                sheet.cell(0, self.number, self.f_top)
                sheet.cell(1, u_code, self.f_top)
                sheet.cell(2, u_name, self.f_wrap)
            column = columns.get(occ_id)
            if column is None:
                continue
            row = sheet.row
            text, fmt = cells[code]
            write_string(row, column, text, fmt)
            if serial_day is not None:
                write_number(row, column + 1, serial_day, f_date)
            if percent is not None:
                write_number(row, column + 2, percent, f_top)
        if current is not None:
            sheet.skip()

    def _flush(self) -> None:
        if not self.row_items:
            return
        sheet, first = self.sheet, self.row_items[0]
        self.number += 1
        if self.by_unit:
            sheet.cell(0, self.number, self.f_top)
            sheet.cell(1, first.unit_code, self.f_top)
            sheet.cell(2, first.unit_name, self.f_wrap)
        else:
            sheet.cell(0, self.number, self.f_top)
            sheet.cell(1, first.label(), self.f_wrap)
            sheet.cell(2, Text(format_period(first.period, self.language)), self.f_top)
            sheet.cell(3, first.due, self.f_date)
        lines = 1 if self.by_unit else sheet.lines(1, first.label())
        for item in self.row_items:
            column = self.column.get(item.occurrence_id if self.by_unit else item.unit_id)
            if column is not None:
                lines = max(lines, sheet.lines(column, self._status(column, item)))
        if lines > 1:
            sheet.ws.set_row(sheet.row, min(LINE_HEIGHT * lines + 2, 409))
        sheet.skip()
        self.row_items = []

    def _status_text(self, category: Category, blocked: int, unreported: int) -> str:
        text = self.words[category]
        if blocked:
            return _t("exports.xlsx.cell_blocked", self.language, category=text)
        if unreported:
            return _t("exports.xlsx.cell_unreported", self.language, category=text)
        return text

    def _status(self, column: int, item: SummaryItem) -> str:
        sheet, language = self.sheet, self.language
        blocked = 1 if item.blocked else 0
        text = self.texts[(item.category, blocked, 1 if item.unreported else 0)]
        ws, row = sheet.ws, sheet.row
        ws.write_string(row, column, text, self.f_status[(item.category, blocked)])
        if item.note and not self.book.streaming:  # notes are also on their own sheet
            role = _t(f"exports.role.{item.role}", language)
            comment = _t("exports.xlsx.comment", language, unit=item.unit_name, role=role,
                         note=item.note)  # fmt: skip
            sheet.ws.write_comment(sheet.row, column, comment,
                                   {"author": "dondoc", "x_scale": 2, "y_scale": 1.5})  # fmt: skip
        if item.reported_at is not None:
            day = item.reported_at.astimezone(self.summary.tz).date()
            ws.write_number(row, column + 1, excel_day(day), self.f_date)
        if item.percent is not None:
            ws.write_number(row, column + 2, item.percent, self.f_top)
        return text

    def end(self) -> None:
        self._flush()
        sheet = self.sheet
        last_row = max(sheet.row - 1, self.header_last)
        sheet.ws.autofilter(self.header_last, 0, last_row, self.last_column)
        legend = [(self.words[c], self.book.category_fmt(c)) for c in CATEGORIES]
        legend.append((_t("exports.xlsx.cell_unreported", self.language,
                          category=self.words[Category.OVERDUE]),
                       self.book.category_fmt(Category.OVERDUE)))  # fmt: skip
        legend.append((_t("exports.xlsx.cell_blocked", self.language,
                          category=self.words[Category.OVERDUE]),
                       self.book.category_fmt(Category.OVERDUE, True)))  # fmt: skip
        sheet.legend(_t("exports.xlsx.legend", self.language), legend)


def column_name(column: int) -> str:
    return xl_col_to_name(column)
