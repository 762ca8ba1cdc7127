"""The workbook's machinery (*bảng tính*), written with XlsxWriter: cell formats made once,
sheets written row by row (so a national workbook can be written in constant memory), column
widths that fit Vietnamese text, and the print set-up every sheet shares — landscape A4, one
page wide, header rows repeated, the plan and period in the page header, "Trang 1/3" in the
footer, the category colours printed.

Every string a person or a file wrote goes through ``storage.cells.safe_text`` and is written
as a string (the workbook also refuses to turn strings into formulas, numbers or links).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from dondoc.storage.cells import safe_text
from dondoc.storage.exports.common import BLOCKED_COLOUR, CATEGORY_COLOURS

DATE_FORMAT = "DD/MM/YYYY"
RATE_FORMAT = "0.0%"
HEADER_FILL = "#D9E1F2"
BORDER_COLOUR = "#A6A6A6"
FONT = "Arial"
LINE_HEIGHT = 13.0  # points per line of 10-point text
_INVALID_SHEET_CHARS = str.maketrans({c: "-" for c in "[]:*?/\\"})


class Text(str):
    """A string dondoc wrote itself (catalog words): written as is."""


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


class Book:
    """An XlsxWriter workbook and its formats, each made once."""

    def __init__(self, target: Any, *, constant_memory: bool) -> None:
        self.streaming = constant_memory
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_date_format": DATE_FORMAT,
            },
        )
        self.taken: set[str] = set()
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        self.date_fmt = self.fmt(num_format=DATE_FORMAT)

    def fmt(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(
                {"font_name": FONT, "font_size": 10, **props}
            )
        return found

    def header_fmt(self, **extra: Any) -> Format:
        props: dict[str, Any] = {"bold": True, "bg_color": HEADER_FILL, "border": 1,
                                 "border_color": BORDER_COLOUR, "text_wrap": True,
                                 "align": "center", "valign": "vcenter"}  # fmt: skip
        return self.fmt(**{**props, **extra})

    def category_fmt(self, category: Any, blocked: bool = False) -> Format:
        extra: dict[str, Any] = (
            {"bold": True, "font_color": "#" + BLOCKED_COLOUR} if blocked else {}
        )
        colour = "#" + CATEGORY_COLOURS[category]
        return self.fmt(bg_color=colour, border=1, border_color=BORDER_COLOUR, text_wrap=True,
                        valign="top", **extra)  # fmt: skip

    def sheet(self, title: str) -> Sheet:
        return Sheet(self, self.workbook.add_worksheet(sheet_title(title, self.taken)))

    def close(self) -> None:
        self.workbook.close()


class Sheet:
    """One worksheet written top to bottom, with the widths its columns need."""

    def __init__(self, book: Book, ws: Worksheet) -> None:
        self.book = book
        self.ws = ws
        self.row = 0  # the next row to write (0-based)
        self.widths: dict[int, float] = {}

    def fit(self, column: int, text: Any, cap: float = 60) -> None:
        """Widen ``column`` (0-based) for ``text``, up to ``cap`` characters."""
        if text is None or text == "":
            return
        longest = max(len(line) for line in str(text).splitlines() or [""])
        width = min(cap, longest * 1.1 + 2)
        if width > self.widths.get(column, 8):
            self.widths[column] = width

    def set_widths(self) -> None:
        for column, width in self.widths.items():
            self.ws.set_column(column, column, round(width, 1))

    def cell(self, column: int, value: Any, fmt: Format | None = None) -> None:
        """One cell of the current row: a person's or a file's string made safe and written
        as a string, a number as a number, a date as a date."""
        row = self.row
        if value is None:
            if fmt is not None:
                self.ws.write_blank(row, column, None, fmt)
        elif isinstance(value, Text):
            self.ws.write_string(row, column, str(value), fmt)
        elif isinstance(value, str):
            self.ws.write_string(row, column, safe_text(value), fmt)
        elif isinstance(value, bool):
            self.ws.write_boolean(row, column, value, fmt)
        elif isinstance(value, int | float):
            self.ws.write_number(row, column, value, fmt)
        elif isinstance(value, date):
            moment = value if isinstance(value, datetime) else datetime(*value.timetuple()[:3])
            self.ws.write_datetime(
                row, column, moment, fmt or self.book.fmt(num_format=DATE_FORMAT)
            )
        else:
            self.ws.write_string(row, column, safe_text(str(value)), fmt)

    def line(self, values: list[Any], fmt: Format | None = None) -> None:
        """A whole row; each value is a plain value or a (value, format) pair. A row whose
        wrapped text needs several lines is made that tall (spreadsheet programs do not
        always measure it when they open the file)."""
        lines = 1
        for column, value in enumerate(values):
            cell_fmt = fmt
            if isinstance(value, tuple):
                value, cell_fmt = value
            self.cell(column, value, cell_fmt)
            if isinstance(value, str) and cell_fmt is not None and cell_fmt.text_wrap:
                lines = max(lines, self.lines(column, value))
        if lines > 1:
            self.ws.set_row(self.row, min(LINE_HEIGHT * lines + 2, 409))
        self.row += 1

    def lines(self, column: int, text: str) -> int:
        """How many lines ``text`` takes in ``column`` when wrapped."""
        width = max(self.widths.get(column, 8.43) - 1, 1)
        return sum(max(1, -(-len(part) // int(width))) for part in text.split("\n"))

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def title_rows(self, title: str, subtitle: str) -> None:
        self.line([(Text(title), self.book.fmt(bold=True, font_size=14))])
        self.line([(Text(subtitle), self.book.fmt(italic=True))])
        self.skip()

    def print_setup(self, header_rows: tuple[int, int], left: str, right: str,
                    footer: str) -> None:  # fmt: skip
        """Landscape A4, one page wide, ``header_rows`` (0-based, inclusive) on every page,
        ``left``/``right`` in the page header, ``footer`` (with &P and &N) centred below."""
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(*header_rows)
        ws.set_margins(left=0.5, right=0.4, top=0.75, bottom=0.6)
        ws.center_horizontally()
        ws.set_header(f"&L&9{_page_text(left)}&R&9{_page_text(right)}", {"margin": 0.3})
        ws.set_footer(f"&C&9{footer}", {"margin": 0.3})

    def legend(self, label: str, entries: list[tuple[str, Format]]) -> None:
        """ "Chú giải" and each colour with its words, one per row below the table (printed)."""
        self.skip()
        self.line([(Text(label), self.book.fmt(bold=True))])
        for words, fmt in entries:
            self.line([None, (Text(words), fmt)])


_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def excel_day(day: date) -> int:
    """A date as Excel's serial day number (whole days; times are not shown)."""
    return day.toordinal() - _EXCEL_EPOCH


def _page_text(text: str) -> str:
    """Text for a page header: "&" doubled, at most 120 characters."""
    text = " ".join(str(text).split())
    if len(text) > 120:
        text = text[:119] + "…"
    return text.replace("&", "&&")
