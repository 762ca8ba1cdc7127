"""The monthly meeting's Excel workbook (*bảng tổng hợp*), fit to print.

Sheets:

* "Tổng hợp" — one row per unit: tasks, count per category (and, beside the overdue, how many
  were never reported), blocked, on-time rate (a real percentage), why reminders reach nobody
  of the unit; a total row and the rate's definition below the table.
* one sheet per plan — the status matrix (``storage.exports.xlsx_matrix``), with its legend.
* "Báo cáo của đơn vị" — what the units wrote: for each (task occurrence, unit) with a note or a
  file, the latest status, percent, date, who, the note, the evidence (a link, or the file and
  the command that downloads it) and the report's number (``dondoc attachment <n>``).
* "Vướng mắc" — every blocked item with its note.

Every sheet prints landscape on A4, one page wide, its header rows on every page, the plan and
period in the page header and the page number in the footer; panes are frozen on the header and
the unit or task column. ``write_xlsx`` writes a summary whose items are loaded;
``write_xlsx_streamed`` fetches them chunk by chunk from the database into a constant-memory
workbook (a national summary in well under 200 MB).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from sqlmodel.ext.asyncio.session import AsyncSession

from dondoc.locales import _, format_period, format_short_day
from dondoc.storage.exports.common import category_word, plan_words, scope_words
from dondoc.storage.exports.xlsx_book import (
    DATE_FORMAT,
    RATE_FORMAT,
    Book,
    Sheet,
    Text,
    sheet_title,
)
from dondoc.storage.exports.xlsx_matrix import (
    MAX_COLUMNS,
    MAX_UNIT_GROUPS,
    MatrixSheet,
    layouts_of,
)
from dondoc.storage.summary_model import CATEGORIES, Category, Summary, SummaryItem

__all__ = ["MAX_COLUMNS", "MAX_UNIT_GROUPS", "sheet_title", "write_xlsx", "write_xlsx_streamed"]
MAX_ROWS = 1_048_576  # Excel's limit: a longer list goes on in a second sheet
STREAM_FROM = 50_000  # items: from here on the workbook is written in constant memory


def _t(key: str, language: str, **values: Any) -> str:
    return _(key, language, **values)


def _subtitle(summary: Summary, language: str) -> str:
    return _t("exports.xlsx.subtitle", language, plan=plan_words(summary, language),
              scope=scope_words(summary, language),
              today=format_short_day(summary.today, language))  # fmt: skip


def _print(sheet: Sheet, summary: Summary, rows: tuple[int, int], language: str) -> None:
    sheet.print_setup(rows, plan_words(summary, language), scope_words(summary, language),
                      _t("exports.xlsx.footer", language))  # fmt: skip


def write_xlsx(summary: Summary, stream: BinaryIO | Any, language: str = "vi") -> None:
    """Write the workbook of ``summary`` (its items loaded) to ``stream`` or a file name."""
    book = Book(stream, constant_memory=summary.total >= STREAM_FROM)
    _summary_sheet(book, summary, language)
    by_plan: dict[str, list[SummaryItem]] = {}
    for item in summary.items:
        by_plan.setdefault(item.plan_code, []).append(item)
    for layout in layouts_of(summary, summary.items):
        matrix = MatrixSheet(book, summary, layout, language, _subtitle(summary, language))
        items = by_plan[layout.code]
        if matrix.by_unit:
            items = sorted(items, key=lambda i: i.unit_code)
        matrix.add(items)
        matrix.end()
    notes = NotesSheet(book, summary, language)
    notes.add(i for i in summary.items if (i.note or i.evidence) and not i.blocked)
    notes.end()
    blocked = BlockedSheet(book, summary, language)
    blocked.add(summary.blocked)
    blocked.end()
    book.close()


async def write_xlsx_streamed(
    session: AsyncSession, summary: Summary, target: Path, language: str = "vi"
) -> None:
    """Write the workbook of ``summary`` (computed without items) to the file ``target``,
    fetching its rows from the database chunk by chunk."""
    from dondoc.storage.summary import BLOCKED_CODES, plan_layouts, stream_cells, stream_items

    assert summary.scope is not None
    book = Book(str(target), constant_memory=summary.total >= STREAM_FROM)
    _summary_sheet(book, summary, language)
    for layout in await plan_layouts(session, summary):
        matrix = MatrixSheet(book, summary, layout, language, _subtitle(summary, language))
        scope = dataclasses.replace(summary.scope, plan_id=layout.plan_id)
        if matrix.by_unit:
            async for cells in stream_cells(session, scope):
                matrix.add_cells(cells)
        else:
            async for chunk in stream_items(session, scope, completion=False):
                matrix.add(chunk)
        matrix.end()
    notes = NotesSheet(book, summary, language)
    async for chunk in stream_items(session, summary.scope, with_writing=True, evidence=True,
                                    completion=False):  # fmt: skip
        notes.add(i for i in chunk if not i.blocked)
    notes.end()
    blocked = BlockedSheet(book, summary, language)
    async for chunk in stream_items(session, summary.scope, codes=BLOCKED_CODES, evidence=True,
                                    completion=False):  # fmt: skip
        blocked.add(chunk)
    blocked.end()
    book.close()


def _summary_sheet(book: Book, summary: Summary, language: str) -> None:
    sheet = book.sheet(_t("exports.xlsx.sheet.summary", language))
    labels = [
        _t("exports.col.number", language),
        _t("exports.col.unit_code", language),
        _t("exports.col.unit", language),
        _t("exports.col.total", language),
    ]
    for category in CATEGORIES:
        labels.append(category_word(category, language))
        if category is Category.OVERDUE:
            labels.append(_t("exports.col.of_which_unreported", language))
    labels += [
        _t("status.blocked", language),
        _t("exports.col.on_time_rate", language),
        _t("status.unreachable", language),
    ]
    widths = [6, 12, 34, 10, 12, 12, 13, 13, 11, 11, 10, 10, 36]
    for column, width in enumerate(widths):
        sheet.widths[column] = width
    for unit in summary.per_unit:
        sheet.fit(1, unit.unit_code, 16)
        sheet.fit(2, unit.unit_name, 50)
    sheet.set_widths()
    sheet.title_rows(_t("exports.xlsx.title", language), _subtitle(summary, language))
    header = book.header_fmt()
    colour = {c: book.header_fmt(bg_color="#" + _colour(c)) for c in CATEGORIES}
    cells: list[Any] = [(Text(label), header) for label in labels]
    for n, category in enumerate(CATEGORIES):
        column = 4 + n + (1 if n > CATEGORIES.index(Category.OVERDUE) else 0)
        cells[column] = (Text(labels[column]), colour[category])
    header_row = sheet.row
    sheet.line(cells)
    rate = book.fmt(num_format=RATE_FORMAT, valign="top")
    wrap = book.fmt(text_wrap=True, valign="top")
    top = book.fmt(valign="top")
    for number, unit in enumerate(summary.per_unit, start=1):
        counts = [unit.counts[c] for c in CATEGORIES]
        reason = (
            Text(_t(f"status.unreachable.{unit.unreachable_reason}", language))
            if unit.unreachable
            else None
        )
        sheet.line([number, unit.unit_code, (unit.unit_name, wrap), unit.total, *counts[:4],
                    unit.overdue_unreported, counts[4], unit.blocked,
                    (unit.on_time_rate, rate), (reason, wrap)], top)  # fmt: skip
    last = max(sheet.row - 1, header_row)
    if summary.per_unit:
        sheet.ws.autofilter(header_row, 0, last, len(labels) - 1)
    bold = book.fmt(bold=True)
    c = [summary.counts[c] for c in CATEGORIES]
    sheet.line([None, None, (Text(_t("exports.col.grand_total", language)), bold),
                (summary.total, bold), *((n, bold) for n in c[:4]),
                (summary.overdue_unreported, bold), (c[4], bold), (summary.blocked_count, bold),
                (summary.on_time_rate, book.fmt(bold=True, num_format=RATE_FORMAT)),
                (len(summary.unreachable_units), bold)])  # fmt: skip
    sheet.skip()
    sheet.line([(Text(_t("exports.xlsx.rate_note", language)), book.fmt(italic=True))])
    sheet.ws.freeze_panes(header_row + 1, 3)
    _print(sheet, summary, (header_row, header_row), language)


def _colour(category: Category) -> str:
    from dondoc.storage.exports.common import CATEGORY_COLOURS

    return CATEGORY_COLOURS[category]


class _ListSheet:
    """A long list, one row per item, continued on a second sheet past Excel's last row."""

    keys: tuple[str, ...] = ()
    caps: tuple[float, ...] = ()
    title_key = ""
    with_title = True

    def __init__(self, book: Book, summary: Summary, language: str) -> None:
        self.book, self.summary, self.language = book, summary, language
        self.number = 0
        self.parts = 0
        self._open()

    def _open(self) -> None:
        self.parts += 1
        title = _t(self.title_key, self.language)
        self.sheet = self.book.sheet(title if self.parts == 1 else f"{title} ({self.parts})")
        sheet = self.sheet
        labels = [_t(key, self.language) for key in self.keys]
        for column, (label, cap) in enumerate(zip(labels, self.caps, strict=True)):
            sheet.widths[column] = min(max(len(label) * 1.1 + 2, 8), cap)
        self.widths()
        sheet.set_widths()
        if self.with_title:
            sheet.title_rows(_t(self.title_key + "_title", self.language),
                             _subtitle(self.summary, self.language))  # fmt: skip
        self.header_row = sheet.row
        sheet.line([(Text(label), self.book.header_fmt()) for label in labels])
        sheet.ws.freeze_panes(sheet.row, 0)
        _print(sheet, self.summary, (self.header_row, self.header_row), self.language)

    def widths(self) -> None:
        """Column widths for the contents (set before the first row)."""

    def add(self, items: Iterable[SummaryItem]) -> None:
        for item in items:
            if self.sheet.row >= MAX_ROWS:
                self.end()
                self._open()
            self.number += 1
            self.sheet.line(self.cells(item))

    def cells(self, item: SummaryItem) -> list[Any]:
        raise NotImplementedError

    def end(self) -> None:
        last = max(self.sheet.row - 1, self.header_row)
        self.sheet.ws.autofilter(self.header_row, 0, last, len(self.keys) - 1)


class NotesSheet(_ListSheet):
    """What the units wrote: latest note, evidence and report number per item (the blocked
    ones are on the "Vướng mắc" sheet, with theirs)."""

    keys = ("exports.col.number", "exports.col.plan", "exports.col.task", "exports.col.period",
            "exports.col.due", "exports.col.unit", "exports.col.status", "exports.col.percent",
            "exports.col.reported_on", "exports.col.reporter", "exports.col.note",
            "exports.col.evidence", "exports.col.report_id")  # fmt: skip
    caps = (6, 14, 45, 14, 12, 30, 22, 9, 12, 20, 50, 40, 10)
    title_key = "exports.xlsx.sheet.notes"

    def widths(self) -> None:
        self.sheet.widths.update({2: 45, 5: 28, 10: 50, 11: 36})

    def cells(self, item: SummaryItem) -> list[Any]:
        book, language = self.book, self.language
        wrap = book.fmt(text_wrap=True, valign="top")
        status = _t(f"conv.status.{item.status}", language) if item.status else None
        return [
            self.number, item.plan_code, (item.label(), wrap),
            Text(format_period(item.period, language)),
            (item.due, book.fmt(num_format=DATE_FORMAT)),
            (item.unit_name, wrap), (Text(status) if status else None, wrap), item.percent,
            self.summary.local_date(item.reported_at), (item.reporter or None, wrap),
            (item.note or None, wrap), (evidence_text(item, language), wrap), item.report_id,
        ]  # fmt: skip


def evidence_text(item: SummaryItem, language: str) -> Any:
    """A link as it is; a file kept by the platform named with the command that fetches it."""
    if not item.evidence:
        return None
    if "://" in item.evidence:
        return item.evidence
    kind = _t(f"exports.xlsx.evidence.{item.evidence_kind or 'document'}", language)
    return Text(_t("exports.xlsx.evidence_file", language, kind=kind,
                   id=item.evidence_report_id or item.report_id))  # fmt: skip


class BlockedSheet(_ListSheet):
    """Every blocked item and its note."""

    keys = ("exports.col.number", "exports.col.plan", "exports.col.task", "exports.col.period",
            "exports.col.due", "exports.col.unit", "exports.col.reported_on",
            "exports.col.blocked_note", "exports.col.evidence",
            "exports.col.report_id")  # fmt: skip
    caps = (6, 16, 50, 16, 12, 40, 12, 70, 36, 10)
    title_key = "exports.xlsx.sheet.blocked"
    with_title = False

    def widths(self) -> None:
        self.sheet.widths.update({2: 45, 5: 30, 7: 60})

    def cells(self, item: SummaryItem) -> list[Any]:
        book = self.book
        wrap = book.fmt(text_wrap=True, valign="top")
        return [
            self.number, item.plan_code, (item.label(), wrap),
            Text(format_period(item.period, self.language)), item.due, item.unit_name,
            self.summary.local_date(item.reported_at),
            (item.note, book.fmt(text_wrap=True, valign="top", bold=True, font_color="#C00000")),
            (evidence_text(item, self.language), wrap), item.report_id,
        ]  # fmt: skip
